import { type Kysely, sql } from 'kysely';
import type { CoverageTerm } from '../../core/contract/coverage.types.ts';
import { type Plan, planSchema } from '../../core/plan/plan.schema.ts';
import type { OrderKind } from '../db/commerce.tables.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';

type Db = Kysely<Database>;

/** A product as a purchase needs it: its plan's latest version and its list price in the plan's currency. */
export type ProductForSale = {
  id: string;
  name: string;
  category: string;
  archived: boolean;
  planVersionId: string;
  planVersion: number;
  plan: Plan;
  listPriceMinor: number | null;
};

export async function findProductForSale(db: Db, productId: string): Promise<ProductForSale | undefined> {
  const product = await db
    .selectFrom('products')
    .select(['id', 'name', 'category', 'plan_key', 'archived_at'])
    .where('id', '=', productId)
    .executeTakeFirst();
  if (!product) return undefined;
  const version = await db
    .selectFrom('plan_versions')
    .select(['id', 'version', 'document'])
    .where('plan_key', '=', product.plan_key)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!version) throw new Error(`product ${productId}: its plan ${product.plan_key} has no stored version`);
  const plan = planSchema.parse(version.document);
  const price = await db
    .selectFrom('product_prices')
    .select('amount_minor')
    .where('product_id', '=', productId)
    .where('currency', '=', plan.currency)
    .executeTakeFirst();
  return {
    id: product.id,
    name: product.name,
    category: product.category,
    archived: product.archived_at !== null,
    planVersionId: version.id,
    planVersion: version.version,
    plan,
    listPriceMinor: price?.amount_minor ?? null,
  };
}

export async function organisationExists(db: Db, organisationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The major of the latest release published on or before `on`; 1 when none (R0.3 purchased major). */
export async function latestMajorOn(db: Db, productId: string, on: string): Promise<number> {
  const row = await db
    .selectFrom('releases')
    .select(({ fn }) => fn.max('major').as('major'))
    .where('product_id', '=', productId)
    .where('published_on', '<=', on)
    .where('prerelease', 'is', null)
    .executeTakeFirst();
  return row?.major ?? 1;
}

export async function findContractId(db: Db, organisationId: string, productId: string) {
  const row = await db
    .selectFrom('contracts')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
  return row?.id;
}

/** The active customer-admins of an organisation: the recipients of contract notices. */
export async function customerAdminEmails(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('accounts')
    .select('email')
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'customer-admin')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.email);
}

/**
 * Locks the contract row until the transaction ends (SELECT … FOR UPDATE), so parallel renewals of one
 * contract run one after another and each sees the terms the previous one appended.
 */
export async function lockContract(trx: Db, contractId: string, organisationId: string | null) {
  let query = trx
    .selectFrom('contracts')
    .select(['id', 'organisation_id'])
    .where('id', '=', contractId)
    .forUpdate();
  if (organisationId !== null) query = query.where('organisation_id', '=', organisationId);
  return query.executeTakeFirst();
}

export type NewOrder = {
  contractId: string;
  kind: OrderKind;
  orderedOn: string;
  quote: unknown;
  createdBy: string | null;
};

export async function insertOrder(trx: Db, order: NewOrder): Promise<string> {
  const id = newId('ord');
  await trx
    .insertInto('orders')
    .values({
      id,
      contract_id: order.contractId,
      kind: order.kind,
      ordered_on: order.orderedOn,
      quote: JSON.stringify(order.quote),
      created_by: order.createdBy,
    })
    .execute();
  return id;
}

/** Appends terms after the contract's last one (seq continues; unique (contract, seq) guards races). */
export async function appendTerms(
  trx: Db,
  contractId: string,
  orderId: string,
  terms: readonly CoverageTerm[],
): Promise<void> {
  if (terms.length === 0) return;
  const row = await trx
    .selectFrom('coverage_terms')
    .select(({ fn }) => fn.max('seq').as('seq'))
    .where('contract_id', '=', contractId)
    .executeTakeFirst();
  const start = (row?.seq ?? 0) + 1;
  await trx
    .insertInto('coverage_terms')
    .values(
      terms.map((t, i) => ({
        id: newId('trm'),
        contract_id: contractId,
        seq: start + i,
        kind: t.kind,
        starts_on: t.startsOn,
        ends_on: t.endsOn,
        gives_service: t.givesService,
        order_id: orderId,
      })),
    )
    .execute();
}

/**
 * Counted users on the contract now: the seats of the latest purchase, renewal or reinstatement plus the
 * users added after it (R4.2); null when no order recorded seats.
 */
export async function currentSeats(db: Db, contractId: string): Promise<number | null> {
  const rows = await db
    .selectFrom('orders')
    .select(['kind', sql<number | null>`(quote->'quote'->>'seats')::int`.as('seats')])
    .where('contract_id', '=', contractId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  let added = 0;
  for (const row of rows) {
    if (row.seats === null) continue;
    if (row.kind === 'added-users') added += row.seats;
    else return row.seats + added;
  }
  return null;
}
