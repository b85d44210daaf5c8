import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { createProduct, storePreset } from '../support/commerce-fixtures.ts';

/** The token of a one-time link URL (`…/v1/auth/one-time/<token>`). */
export function tokenOf(url: string): string {
  const token = url.split('/v1/auth/one-time/')[1];
  if (!token) throw new Error(`not a one-time link: ${url}`);
  return token;
}

/** The outbox notices of one topic, oldest first, payload parsed. */
export async function noticesOf(db: Kysely<Database>, topic: string) {
  const rows = await db
    .selectFrom('outbox')
    .select(['topic', 'recipient', 'organisation_id', 'payload'])
    .where('topic', '=', topic)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, payload: r.payload as Record<string, string> }));
}

/** A bare contract row of the organisation for a product sold under a preset (no terms, no order). */
export async function createContractRow(
  db: Kysely<Database>,
  organisationId: string,
  planKey: string,
): Promise<string> {
  const productId = await createProduct(db, { planKey });
  const planVersionId = await storePreset(db, planKey);
  const id = newId('ctr');
  await db
    .insertInto('contracts')
    .values({
      id,
      organisation_id: organisationId,
      product_id: productId,
      plan_version_id: planVersionId,
      purchased_on: '2026-01-10',
      currency: 'USD',
      list_price_minor: 10000,
      purchased_major: 1,
      compatibility_snapshot: null,
    })
    .execute();
  return id;
}
