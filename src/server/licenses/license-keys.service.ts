import type { Kysely } from 'kysely';
import { coveredUntil } from '../../core/contract/coverage.queries.ts';
import { majorsToKey, type Release } from '../../core/contract/fallback.ts';
import { loadContractFacts } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { sealLicenseKeys } from '../secrets/notice-secrets.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { generateLicenseKey } from './license-key-format.ts';

export type IssuedKey = {
  id: string;
  major: number;
  /** The full key: shown once, in this answer only; the database keeps its SHA-256. */
  key: string;
  prefix: string;
};

export type SyncResult = { licenseId: string; issued: IssuedKey[] };

export const KEY_ISSUED_TOPIC = 'license.key-issued';

/**
 * R0.3: makes sure the contract's license has a key for every major it should have one for — the
 * purchased major always; with newMajorKeys 'automatic', every later major published on a covered
 * day (a backdated gap counts). Idempotent: existing keys are kept, only missing ones are issued,
 * and a concurrent run inserts nothing twice (one active key per license and major, ON CONFLICT DO
 * NOTHING). Each new key beyond the purchased major queues a 'license.key-issued' notice to the
 * organisation's customer admins (R0.3, R0.7). Call it inside the transaction that changed coverage
 * or published the release. Throws when the contract does not exist. With a sealing key the notice
 * carries the key sealed (docs/licensing.md); the app, CLI and hooks always pass it — without one
 * (tests of key issuance only) the notice names the key by prefix.
 */
export async function syncLicenseKeys(
  trx: Kysely<Database>,
  contractId: string,
  now: Date,
  sealingKey?: SealingKey,
): Promise<SyncResult> {
  const facts = await loadContractFacts(trx, contractId);
  if (!facts) throw new Error(`contract ${contractId} does not exist`);
  const { contract, plan, terms } = facts;
  const licenseId = await ensureLicense(trx, contractId, now);
  const releases = await loadReleases(trx, contract.productId);
  const wanted = majorsToKey({ plan, terms, releases, purchasedMajor: contract.purchasedMajor });
  const have = new Set(
    (
      await trx
        .selectFrom('license_keys')
        .select('major')
        .where('license_id', '=', licenseId)
        .where('revoked_at', 'is', null)
        .execute()
    ).map((r) => r.major),
  );
  const issued: IssuedKey[] = [];
  for (const major of wanted) {
    if (have.has(major)) continue;
    const key = await insertKey(trx, licenseId, major, now);
    if (!key) continue;
    issued.push(key);
    if (major !== contract.purchasedMajor) {
      const notice = { licenseId, productId: contract.productId, key, validity: coveredUntil(terms) };
      await notifyCustomerAdmins(trx, contract.organisationId, notice, sealingKey, now);
    }
  }
  return { licenseId, issued };
}

/** The contract's license row (one per contract), created on first use. */
export async function ensureLicense(trx: Kysely<Database>, contractId: string, now: Date): Promise<string> {
  await trx
    .insertInto('licenses')
    .values({ id: newId('lic', now.getTime()), contract_id: contractId, created_at: now })
    .onConflict((oc) => oc.column('contract_id').doNothing())
    .execute();
  const row = await trx
    .selectFrom('licenses')
    .select('id')
    .where('contract_id', '=', contractId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Inserts one active key for (license, major), or nothing when another transaction did first.
 * A prefix collision (40 random bits) is retried with a new key.
 */
export async function insertKey(
  trx: Kysely<Database>,
  licenseId: string,
  major: number,
  now: Date,
): Promise<IssuedKey | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const fresh = generateLicenseKey();
    const id = newId('lkey', now.getTime());
    const inserted = await trx
      .insertInto('license_keys')
      .values({
        id,
        license_id: licenseId,
        major,
        prefix: fresh.prefix,
        key_hash: fresh.keyHash,
        issued_at: now,
        revoked_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id, major, key: fresh.key, prefix: fresh.prefix };
    const active = await trx
      .selectFrom('license_keys')
      .select('id')
      .where('license_id', '=', licenseId)
      .where('major', '=', major)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (active) return undefined;
  }
  throw new Error(`could not issue a unique license key for license ${licenseId} major ${major}`);
}

/** The product's releases as the contract core sees them. */
export async function loadReleases(db: Kysely<Database>, productId: string): Promise<Release[]> {
  const rows = await db
    .selectFrom('releases')
    .select(['id', 'version', 'major', 'published_on', 'effective_on'])
    .where('product_id', '=', productId)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    major: r.major,
    publishedOn: r.published_on,
    effectiveOn: r.effective_on,
  }));
}

type KeyNotice = {
  licenseId: string;
  productId: string;
  key: IssuedKey;
  validity: ReturnType<typeof coveredUntil>;
};

async function notifyCustomerAdmins(
  trx: Kysely<Database>,
  organisationId: string,
  notice: KeyNotice,
  sealingKey: SealingKey | undefined,
  now: Date,
): Promise<void> {
  const { licenseId, productId, key, validity } = notice;
  const admins = await trx
    .selectFrom('accounts')
    .select(['id', 'email'])
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'customer-admin')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  // One notice per key (R0.3, R0.7). The key rests in the row only sealed (the database keeps its hash):
  // the delivery worker opens it for the mail and then erases it (docs/licensing.md). Should the mail be
  // lost, the admin takes a new key by rotating it (takeKeyPath), shown once.
  const licenseKeys =
    sealingKey === undefined
      ? [{ major: key.major, prefix: key.prefix }]
      : sealLicenseKeys(sealingKey, [{ major: key.major, prefix: key.prefix, key: key.key }]);
  await enqueueNotice(
    trx,
    {
      topic: KEY_ISSUED_TOPIC,
      dedupeKey: `license-key:${licenseId}:${key.major}`,
      organisationId,
      recipient: admins.map((a) => a.email).join(', ') || null,
      payload: {
        licenseId,
        productId,
        keyId: key.id,
        major: key.major,
        prefix: key.prefix,
        licenseKeys,
        validity,
        takeKeyPath: `/v1/licenses/${licenseId}/keys/${key.major}/rotate`,
        recipients: admins.map((a) => a.email),
      },
    },
    now,
  );
}

/**
 * For `config.idempotencyRedact` on order routes: the answer stored for Idempotency-Key replays keeps
 * each issued key's id, major and prefix but not the key itself (`key: null, keyShownOnce: true`), so
 * no full key rests in `idempotency_keys` and a replay never shows it again (rotate for a new one).
 */
export function redactIssuedKeys(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  const keys = (body as { licenseKeys?: unknown }).licenseKeys;
  if (!Array.isArray(keys)) return body;
  const licenseKeys = keys.map((entry) =>
    entry !== null && typeof entry === 'object' ? { ...entry, key: null, keyShownOnce: true } : entry,
  );
  return { ...body, licenseKeys };
}
