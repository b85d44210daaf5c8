import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './database-types.ts';
import { newId } from './ids.ts';

/** One stored, immutable version of a plan document. */
export type PlanVersion = {
  id: string;
  planKey: string;
  version: number;
  document: unknown;
  contentHash: string;
  createdAt: Date;
};

export type PlanSummary = { key: string; name: string; createdAt: Date; latest: PlanVersion };

export type SavePlanVersionInput = {
  key: string;
  name: string;
  /** A validated plan document (stored as jsonb). */
  document: unknown;
  /** planContentHash(document) from src/core/plan/plan.version.ts. */
  contentHash: string;
};

export type SavePlanVersionResult = PlanVersion & {
  /** false when a version with this content hash was already stored (nothing was written). */
  created: boolean;
};

type Db = Kysely<Database>;

/**
 * Stores a plan document as the next version of its plan, in one transaction. Saving a document
 * whose content hash is already stored for this plan returns that version (unique(plan_key,
 * content_hash)): saving the latest again is a no-op, and re-saving an older document finds the
 * older version rather than copying it. Concurrent saves of one plan are serialised by the row
 * lock the upsert of `plans` takes; a unique violation (e.g. two first saves racing) is retried.
 */
export async function savePlanVersion(
  db: Db,
  input: SavePlanVersionInput,
  /** Runs in the same transaction when a new version was written (its audit row, say). */
  onCreated?: (trx: Transaction<Database>, saved: SavePlanVersionResult) => Promise<void>,
): Promise<SavePlanVersionResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const saved = await saveInTransaction(trx, input);
        if (saved.created && onCreated) await onCreated(trx, saved);
        return saved;
      });
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

async function saveInTransaction(trx: Transaction<Database>, input: SavePlanVersionInput) {
  await trx
    .insertInto('plans')
    .values({ key: input.key, name: input.name })
    .onConflict((oc) => oc.column('key').doUpdateSet({ name: input.name }))
    .execute();
  const existing = await selectVersions(trx)
    .where('plan_key', '=', input.key)
    .where('content_hash', '=', input.contentHash)
    .executeTakeFirst();
  if (existing) return { ...toPlanVersion(existing), created: false };
  const { max } = await trx
    .selectFrom('plan_versions')
    .select((eb) => eb.fn.max('version').as('max'))
    .where('plan_key', '=', input.key)
    .executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('plan_versions')
    .values({
      id: newId('plv'),
      plan_key: input.key,
      version: (max ?? 0) + 1,
      document: JSON.stringify(input.document),
      content_hash: input.contentHash,
    })
    .returning(['id', 'plan_key', 'version', 'document', 'content_hash', 'created_at'])
    .executeTakeFirstOrThrow();
  return { ...toPlanVersion(row), created: true };
}

/** A given version of a plan, or its latest when `version` is omitted; undefined when there is none. */
export async function getPlanVersion(
  db: Db,
  key: string,
  version?: number,
): Promise<PlanVersion | undefined> {
  let query = selectVersions(db).where('plan_key', '=', key);
  query =
    version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  return row ? toPlanVersion(row) : undefined;
}

/** A version by its id (what contracts and tickets pin); undefined when there is none. */
export async function getPlanVersionById(db: Db, id: string): Promise<PlanVersion | undefined> {
  const row = await selectVersions(db).where('id', '=', id).executeTakeFirst();
  return row ? toPlanVersion(row) : undefined;
}

/** Every version of a plan, oldest first. */
export async function listPlanVersions(db: Db, key: string): Promise<PlanVersion[]> {
  const rows = await selectVersions(db).where('plan_key', '=', key).orderBy('version', 'asc').execute();
  return rows.map(toPlanVersion);
}

/** Every plan with its latest version, by key. */
export async function listPlans(db: Db): Promise<PlanSummary[]> {
  const rows = await db
    .selectFrom('plans as p')
    .innerJoin('plan_versions as v', 'v.plan_key', 'p.key')
    .where(
      'v.version',
      '=',
      sql<number>`(select max(m.version) from plan_versions m where m.plan_key = p.key)`,
    )
    .select([
      'p.key',
      'p.name',
      'p.created_at as plan_created_at',
      'v.id',
      'v.plan_key',
      'v.version',
      'v.document',
      'v.content_hash',
      'v.created_at',
    ])
    .orderBy('p.key')
    .execute();
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    createdAt: r.plan_created_at,
    latest: toPlanVersion(r),
  }));
}

function selectVersions(db: Kysely<Database>) {
  return db
    .selectFrom('plan_versions')
    .select(['id', 'plan_key', 'version', 'document', 'content_hash', 'created_at']);
}

type VersionRow = {
  id: string;
  plan_key: string;
  version: number;
  document: unknown;
  content_hash: string;
  created_at: Date;
};

function toPlanVersion(row: VersionRow): PlanVersion {
  return {
    id: row.id,
    planKey: row.plan_key,
    version: row.version,
    document: row.document,
    contentHash: row.content_hash,
    createdAt: row.created_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
