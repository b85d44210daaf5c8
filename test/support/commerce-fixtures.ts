import type { Kysely } from 'kysely';
import type { Plan } from '../../src/core/plan/plan.schema.ts';
import { planContentHash } from '../../src/core/plan/plan.version.ts';
import type { CustomerRole } from '../../src/schema/auth.schema.ts';
import { SESSION_COOKIE } from '../../src/server/auth/access.ts';
import { createSession } from '../../src/server/auth/sessions.service.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { savePlanVersion } from '../../src/server/db/plan-versions.repository.ts';
import { loadPlanRef } from '../../src/server/plan/plan-files.ts';
import type { SignedIn } from '../server/app-helpers.ts';

/** The preset keys, one per seed: S0 … S4. */
export const PRESET = {
  S0: 'annual-maintenance',
  S1: 'ticket-desk',
  S2: 'addon-support',
  S3: 'business-sla',
  S4: 'per-user-subscription',
} as const;

/** A preset plan as the typed document. */
export async function presetPlan(key: string): Promise<Plan> {
  const result = await loadPlanRef(key);
  if (!result.ok) throw new Error(`preset ${key} does not load`);
  return result.plan;
}

/** Stores a preset as a plan version (idempotent) and returns the version id. */
export async function storePreset(db: Kysely<Database>, key: string): Promise<string> {
  const plan = await presetPlan(key);
  const saved = await savePlanVersion(db, {
    key: plan.key,
    name: plan.name,
    document: plan,
    contentHash: planContentHash(plan),
  });
  return saved.id;
}

export async function createOrganisation(db: Kysely<Database>, name = 'Acme GmbH'): Promise<string> {
  const id = newId('org');
  await db.insertInto('organisations').values({ id, name, external_ref: null }).execute();
  return id;
}

/** A registered customer account of the organisation with a live session. */
export async function signInCustomer(
  db: Kysely<Database>,
  organisationId: string,
  role: CustomerRole = 'customer-admin',
  now = new Date(),
): Promise<SignedIn> {
  const id = newId('acc');
  await db
    .insertInto('accounts')
    .values({
      id,
      email: `${role}-${Math.random().toString(36).slice(2)}@customer.test`,
      name: `Customer ${role}`,
      role,
      organisation_id: organisationId,
      password_hash: null,
      created_at: now,
      registered_at: now,
    })
    .execute();
  const session = await createSession(db, id, now);
  return { cookie: `${SESSION_COOKIE}=${session.token}`, csrfToken: session.csrfToken, accountId: id };
}

export type ProductFixture = {
  planKey: string;
  category?: string;
  slug?: string;
  prices?: Record<string, number>;
};

/** A product sold under a stored preset, with list prices per currency (minor units). */
export async function createProduct(db: Kysely<Database>, input: ProductFixture): Promise<string> {
  await storePreset(db, input.planKey);
  const id = newId('prd');
  await db
    .insertInto('products')
    .values({
      id,
      slug: input.slug ?? `product-${Math.random().toString(36).slice(2, 8)}`,
      name: 'Test product',
      category: input.category ?? 'standard',
      plan_key: input.planKey,
      archived_at: null,
    })
    .execute();
  for (const [currency, amount] of Object.entries(input.prices ?? { USD: 10000 })) {
    await db
      .insertInto('product_prices')
      .values({ product_id: id, currency, amount_minor: amount })
      .execute();
  }
  return id;
}

export async function createRelease(
  db: Kysely<Database>,
  productId: string,
  version: string,
  publishedOn: string,
  effectiveOn = publishedOn,
): Promise<string> {
  const [major = 0, minor = 0, patch = 0] = version.split('-')[0]?.split('.').map(Number) ?? [];
  const id = newId('rel');
  await db
    .insertInto('releases')
    .values({
      id,
      product_id: productId,
      version,
      major,
      minor,
      patch,
      prerelease: null,
      published_on: publishedOn,
      effective_on: effectiveOn,
    })
    .execute();
  return id;
}
