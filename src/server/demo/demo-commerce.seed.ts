import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { createOneTimeToken } from '../auth/sessions.service.ts';
import { directoryStore } from '../catalog/artifact-store.ts';
import { uploadArtifact } from '../catalog/artifacts.service.ts';
import { createProduct } from '../catalog/products.service.ts';
import { publishRelease } from '../catalog/releases.service.ts';
import type { Config } from '../config.ts';
import { purchaseContract } from '../contracts/contract.service.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { createTicket } from '../tickets/ticket-create.service.ts';

export const DEMO_CUSTOMER_EMAIL = 'admin@globex.demo';
export const DEMO_PRODUCT_SLUG = 'acme-reports';

export type DemoCommerce = { created: boolean; customerLoginToken: string | undefined };

type Db = Kysely<Database>;

/**
 * The commercial demo: two products (S0 annual maintenance, S4 per-user subscription) with
 * releases, two customer organisations and three contracts, dated relative to today so the demo
 * always shows one active contract, one lapsed S0 contract (a backdated renewal to try), one
 * active S4 subscription and an active S3 business SLA, with two open tickets. Seeded once (skipped when the demo product exists). While the demo
 * customer admin has no password, every start prints a fresh one-time sign-in link for it. The
 * purchase notices seal their license keys with `sealingKey` (the server's, docs/licensing.md).
 */
export async function seedDemoCommerce(
  db: Db,
  config: Config,
  now: Date,
  sealingKey: SealingKey,
): Promise<DemoCommerce> {
  const existing = await db
    .selectFrom('products')
    .select('id')
    .where('slug', '=', DEMO_PRODUCT_SLUG)
    .executeTakeFirst();
  const created = !existing;
  if (created) await seedOnce(db, config, now, sealingKey);
  return { created, customerLoginToken: await customerLink(db, now) };
}

async function seedOnce(db: Db, config: Config, now: Date, sealingKey: SealingKey): Promise<void> {
  const today = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO('UTC').toPlainDate();
  const ago = (months: number) => today.subtract({ months }).toString();
  const reports = await product(db, now, {
    slug: DEMO_PRODUCT_SLUG,
    name: 'Acme Reports',
    category: 'professional',
    planKey: 'annual-maintenance',
    amountMinor: 29900,
  });
  const phones = await product(db, now, {
    slug: 'acme-phone-system',
    name: 'Acme Phone System',
    category: 'standard',
    planKey: 'per-user-subscription',
    amountMinor: 0,
  });
  for (const [version, months] of [
    ['1.0.0', 30],
    ['1.4.2', 16],
    ['2.0.0', 8],
    ['2.1.0', 1],
  ] as const) {
    await release(
      db,
      config,
      { id: reports, slug: DEMO_PRODUCT_SLUG, name: 'Acme Reports' },
      version,
      ago(months),
      now,
    );
  }
  await release(
    db,
    config,
    { id: phones, slug: 'acme-phone-system', name: 'Acme Phone System' },
    '7.3.0',
    ago(6),
    now,
  );
  const suite = await product(db, now, {
    slug: 'acme-integration-suite',
    name: 'Acme Integration Suite',
    category: 'standard',
    planKey: 'business-sla',
    amountMinor: 6000000,
    currency: 'RUB',
  });
  const suiteRef = { id: suite, slug: 'acme-integration-suite', name: 'Acme Integration Suite' };
  await release(db, config, suiteRef, '3.2.0', ago(4), now);

  const globex = await organisation(db, 'Globex Ltd', 'globex');
  const initech = await organisation(db, 'Initech', 'initech');
  await customer(db, globex, DEMO_CUSTOMER_EMAIL, 'Grace Globex', now);
  await customer(db, initech, 'it@initech.demo', 'Ivan Initech', now);

  const ctx = {
    viewer: { kind: 'staff', accountId: null, apiKeyId: null } as const,
    clientIp: null,
    tax: config.tax,
    now,
    sealingKey,
  };
  // Globex bought Acme Reports 14 months ago: lapsed 2 months ago under S0 (a backdated renewal to try).
  await purchaseContract(db, { organisationId: globex, productId: reports, purchasedOn: ago(14) }, ctx);
  // Initech bought it 3 months ago (active) and runs a per-user phone subscription with 12 users.
  await purchaseContract(db, { organisationId: initech, productId: reports, purchasedOn: ago(3) }, ctx);
  await purchaseContract(
    db,
    { organisationId: initech, productId: phones, purchasedOn: ago(2), seats: 12, billing: 'monthly' },
    ctx,
  );
  // Globex also subscribes to the S3 business SLA for the integration suite (active): its tickets get clocks.
  await purchaseContract(db, { organisationId: globex, productId: suite, purchasedOn: ago(5) }, ctx);
  await demoTickets(db, now, { globex, initech, reports, suite });
}

/** Two open tickets so the agent queue and the customer's ticket list show live clocks. */
async function demoTickets(
  db: Db,
  now: Date,
  ids: Record<'globex' | 'initech' | 'reports' | 'suite', string>,
) {
  const staff = { kind: 'staff', accountId: null, apiKeyId: null } as const;
  const requester = async (organisationId: string) =>
    (
      await db
        .selectFrom('accounts')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .executeTakeFirstOrThrow()
    ).id;
  await createTicket(
    db,
    {
      organisationId: ids.globex,
      requesterAccountId: await requester(ids.globex),
      productId: ids.suite,
      categoryId: '3.2',
      subject: 'Order import module stops after the nightly sync',
      description:
        'Since Monday the order import module stops with "connection reset" after the nightly sync.',
      environment: { os: 'Debian 12', database: 'PostgreSQL 15' },
    },
    { viewer: staff, now },
  );
  await createTicket(
    db,
    {
      organisationId: ids.initech,
      requesterAccountId: await requester(ids.initech),
      productId: ids.reports,
      categoryId: 'support',
      channel: 'phone',
      subject: 'Scheduled report e-mails arrive empty',
      description: 'Phone call: the weekly sales report arrives as an empty PDF since the 2.1.0 update.',
    },
    { viewer: staff, now },
  );
}

async function product(
  db: Db,
  now: Date,
  p: {
    slug: string;
    name: string;
    category: string;
    planKey: string;
    amountMinor: number;
    currency?: string;
  },
): Promise<string> {
  const result = await createProduct(
    db,
    {
      slug: p.slug,
      name: p.name,
      category: p.category,
      description: `${p.name} (demo product)`,
      planKey: p.planKey,
      prices: [{ currency: p.currency ?? 'USD', amountMinor: p.amountMinor }],
    },
    now,
  );
  if (!result.ok) throw new Error(`demo product ${p.slug} could not be created: ${result.code}`);
  return result.product.id;
}

/** A demo release with one small file, so a customer can try a download from the portal. */
async function release(
  db: Db,
  config: Config,
  product: { id: string; slug: string; name: string },
  version: string,
  publishedOn: string,
  now: Date,
) {
  const result = await publishRelease(db, product.id, { version, publishedOn, notes: '' }, [], now);
  if (!result.ok) throw new Error(`demo release ${version} could not be published: ${result.code}`);
  const text = `${product.name} ${version}: a demo download (published ${publishedOn}).\n`;
  const uploaded = await uploadArtifact(
    db,
    directoryStore(config.artifactDir),
    {
      releaseId: result.release.id,
      fileName: `${product.slug}-${version}-demo.txt`,
      body: Readable.from([Buffer.from(text, 'utf8')]),
      maxBytes: config.artifactMaxBytes,
    },
    now,
  );
  if (!uploaded.ok) throw new Error(`demo file of ${version} could not be stored: ${uploaded.code}`);
}

async function organisation(db: Db, name: string, externalRef: string): Promise<string> {
  const id = newId('org');
  await db.insertInto('organisations').values({ id, name, external_ref: externalRef }).execute();
  return id;
}

async function customer(db: Db, organisationId: string, email: string, name: string, now: Date) {
  await db
    .insertInto('accounts')
    .values({
      id: newId('acc'),
      email,
      name,
      role: 'customer-admin',
      organisation_id: organisationId,
      password_hash: null,
      created_at: now,
      registered_at: now,
    })
    .execute();
}

/** A fresh one-time link for the demo customer admin while it has no password. */
async function customerLink(db: Db, now: Date): Promise<string | undefined> {
  const account = await db
    .selectFrom('accounts')
    .select('id')
    .where('email', '=', DEMO_CUSTOMER_EMAIL)
    .where('password_hash', 'is', null)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return account && (await createOneTimeToken(db, account.id, now));
}
