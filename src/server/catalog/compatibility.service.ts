import type { Kysely, Selectable } from 'kysely';
import type { CompatibilityDeclaration } from '../../schema/catalog.schema.ts';
import type { CompatibilityDeclarationsTable } from '../db/commerce.tables.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';

type Db = Kysely<Database>;
type Platform = { platform: string; versions: string[] };

export type DeclareOutcome =
  | { ok: true; declaration: CompatibilityDeclaration }
  | { ok: false; code: 'NOT_FOUND' }
  | { ok: false; code: 'ALREADY_EXISTS'; id: string };

/**
 * R1.2: records which platform versions a product supports from `effectiveFrom` on. Declarations are
 * append-only: one per date; a change is a new declaration with a later date.
 */
export async function declareCompatibility(
  db: Db,
  productId: string,
  input: { effectiveFrom: string; platforms: Platform[]; note: string },
  now: Date,
): Promise<DeclareOutcome> {
  const product = await db.selectFrom('products').select('id').where('id', '=', productId).executeTakeFirst();
  if (!product) return { ok: false, code: 'NOT_FOUND' };
  const row = await db
    .insertInto('compatibility_declarations')
    .values({
      id: newId('cmp'),
      product_id: productId,
      effective_from: input.effectiveFrom,
      platforms: JSON.stringify(input.platforms),
      note: input.note,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['product_id', 'effective_from']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { ok: true, declaration: toDeclaration(row) };
  const taken = await db
    .selectFrom('compatibility_declarations')
    .select('id')
    .where('product_id', '=', productId)
    .where('effective_from', '=', input.effectiveFrom)
    .executeTakeFirst();
  return { ok: false, code: 'ALREADY_EXISTS', id: taken?.id ?? '' };
}

/** Every declaration of a product, newest effectiveFrom first. */
export async function listCompatibility(db: Db, productId: string): Promise<CompatibilityDeclaration[]> {
  const rows = await db
    .selectFrom('compatibility_declarations')
    .selectAll()
    .where('product_id', '=', productId)
    .orderBy('effective_from', 'desc')
    .execute();
  return rows.map(toDeclaration);
}

/**
 * R1.2: the declaration in force on `on` (the latest with effectiveFrom ≤ on), or null when the product
 * declared nothing by then. The contracts part snapshots it with each purchase.
 * @example await compatibilityInForce(db, 'prd_…', '2026-05-01') // { effectiveFrom: '2026-01-01', platforms: [...] }
 */
export async function compatibilityInForce(
  db: Db,
  productId: string,
  on: string,
): Promise<CompatibilityDeclaration | null> {
  const row = await db
    .selectFrom('compatibility_declarations')
    .selectAll()
    .where('product_id', '=', productId)
    .where('effective_from', '<=', on)
    .orderBy('effective_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toDeclaration(row) : null;
}

function toDeclaration(row: Selectable<CompatibilityDeclarationsTable>): CompatibilityDeclaration {
  return {
    id: row.id,
    productId: row.product_id,
    effectiveFrom: row.effective_from,
    platforms: row.platforms as Platform[],
    note: row.note,
    createdAt: row.created_at.toISOString(),
  };
}
