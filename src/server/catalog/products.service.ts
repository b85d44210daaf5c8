import type { Kysely, Selectable } from 'kysely';
import type { Product, ProductCreate, ProductUpdate } from '../../schema/catalog.schema.ts';
import { type Page, type PageQuery, toPage } from '../../schema/pagination.schema.ts';
import type { ProductsTable } from '../db/commerce.tables.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';

type Db = Kysely<Database>;
type Price = { currency: string; amountMinor: number };

export type ProductOutcome =
  | { ok: true; product: Product }
  | { ok: false; code: 'ALREADY_EXISTS'; id: string }
  | { ok: false; code: 'UNKNOWN_PLAN' }
  | { ok: false; code: 'NOT_FOUND' };

/** Creates a product and its list prices in one transaction; the slug is unique and the plan must be stored. */
export async function createProduct(db: Db, input: ProductCreate, now: Date): Promise<ProductOutcome> {
  return db.transaction().execute(async (trx) => {
    if (!(await planExists(trx, input.planKey))) return { ok: false, code: 'UNKNOWN_PLAN' };
    const row = await trx
      .insertInto('products')
      .values({
        id: newId('prd'),
        slug: input.slug,
        name: input.name,
        category: input.category,
        description: input.description,
        plan_key: input.planKey,
        created_at: now,
        archived_at: null,
      })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const taken = await trx
        .selectFrom('products')
        .select('id')
        .where('slug', '=', input.slug)
        .executeTakeFirst();
      return { ok: false, code: 'ALREADY_EXISTS', id: taken?.id ?? '' };
    }
    await insertPrices(trx, row.id, input.prices);
    return { ok: true, product: toProduct(row, input.prices) };
  });
}

export async function getProduct(db: Db, id: string): Promise<Product | undefined> {
  const row = await db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return toProduct(row, await pricesOf(db, [id]).then((m) => m.get(id) ?? []));
}

export type ProductListQuery = PageQuery & { category?: string | undefined; includeArchived: boolean };

/** Products in id (creation) order, a page at a time. */
export async function listProducts(db: Db, query: ProductListQuery): Promise<Page<Product>> {
  let q = db
    .selectFrom('products')
    .selectAll()
    .orderBy('id')
    .limit(query.limit + 1);
  if (query.cursor !== undefined) q = q.where('id', '>', query.cursor);
  if (query.category !== undefined) q = q.where('category', '=', query.category);
  if (!query.includeArchived) q = q.where('archived_at', 'is', null);
  const rows = await q.execute();
  const prices = await pricesOf(
    db,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    query.limit,
    (r) => r.id,
    (r) => toProduct(r, prices.get(r.id) ?? []),
  );
}

export async function updateProduct(
  db: Db,
  id: string,
  patch: ProductUpdate,
  now: Date,
): Promise<ProductOutcome> {
  return db.transaction().execute(async (trx) => {
    if (patch.planKey !== undefined && !(await planExists(trx, patch.planKey))) {
      return { ok: false, code: 'UNKNOWN_PLAN' };
    }
    const set: Partial<{
      name: string;
      category: string;
      description: string;
      plan_key: string;
      archived_at: Date | null;
    }> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.category !== undefined) set.category = patch.category;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.planKey !== undefined) set.plan_key = patch.planKey;
    if (patch.archived !== undefined) set.archived_at = patch.archived ? now : null;
    const row = await trx
      .updateTable('products')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) return { ok: false, code: 'NOT_FOUND' };
    return { ok: true, product: toProduct(row, (await pricesOf(trx, [id])).get(id) ?? []) };
  });
}

/** Replaces every list price of a product (a currency left out no longer has a list price). */
export async function replacePrices(db: Db, id: string, prices: readonly Price[]): Promise<ProductOutcome> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('products')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { ok: false, code: 'NOT_FOUND' };
    await trx.deleteFrom('product_prices').where('product_id', '=', id).execute();
    await insertPrices(trx, id, prices);
    return { ok: true, product: toProduct(row, sortPrices([...prices])) };
  });
}

async function planExists(db: Db, key: string): Promise<boolean> {
  const row = await db.selectFrom('plans').select('key').where('key', '=', key).executeTakeFirst();
  return row !== undefined;
}

async function insertPrices(db: Db, productId: string, prices: readonly Price[]): Promise<void> {
  if (prices.length === 0) return;
  await db
    .insertInto('product_prices')
    .values(prices.map((p) => ({ product_id: productId, currency: p.currency, amount_minor: p.amountMinor })))
    .execute();
}

async function pricesOf(db: Db, productIds: readonly string[]): Promise<Map<string, Price[]>> {
  const out = new Map<string, Price[]>();
  if (productIds.length === 0) return out;
  const rows = await db
    .selectFrom('product_prices')
    .selectAll()
    .where('product_id', 'in', productIds)
    .orderBy('currency')
    .execute();
  for (const r of rows) {
    const list = out.get(r.product_id) ?? [];
    list.push({ currency: r.currency, amountMinor: r.amount_minor });
    out.set(r.product_id, list);
  }
  return out;
}

function sortPrices(prices: Price[]): Price[] {
  return prices.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

function toProduct(row: Selectable<ProductsTable>, prices: Price[]): Product {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    category: row.category,
    description: row.description,
    planKey: row.plan_key,
    prices: sortPrices(prices.map((p) => ({ currency: p.currency, amountMinor: p.amountMinor }))),
    createdAt: row.created_at.toISOString(),
    archivedAt: row.archived_at?.toISOString() ?? null,
  };
}
