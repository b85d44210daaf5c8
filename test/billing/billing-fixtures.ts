import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { createOrganisation, createProduct, storePreset } from '../support/commerce-fixtures.ts';

export type SoldContract = { organisationId: string; contractId: string; orderId: string; productId: string };

/** A contract with its purchase order, written directly (the contracts service is not needed here). */
export async function sellContract(
  db: Kysely<Database>,
  planKey: string,
  purchasedOn = '2026-03-02',
  organisationId?: string,
): Promise<SoldContract> {
  const orgId = organisationId ?? (await createOrganisation(db));
  const productId = await createProduct(db, { planKey, prices: { USD: 10000 } });
  const planVersionId = await storePreset(db, planKey);
  const contractId = newId('ctr');
  await db
    .insertInto('contracts')
    .values({
      id: contractId,
      organisation_id: orgId,
      product_id: productId,
      plan_version_id: planVersionId,
      purchased_on: purchasedOn,
      currency: 'USD',
      list_price_minor: 10000,
      purchased_major: 1,
      compatibility_snapshot: null,
    })
    .execute();
  const orderId = newId('ord');
  await db
    .insertInto('orders')
    .values({
      id: orderId,
      contract_id: contractId,
      kind: 'purchase',
      ordered_on: purchasedOn,
      quote: JSON.stringify({}),
      created_by: null,
    })
    .execute();
  return { organisationId: orgId, contractId, orderId, productId };
}

/** The input of a one-line USD invoice of `amountMinor` (exclusive tax at `ratePercent`). */
export function oneLine(
  organisationId: string,
  orderId: string | null,
  amountMinor = 10000,
  ratePercent = '0',
) {
  return {
    organisationId,
    orderId,
    currency: 'USD',
    taxMode: 'exclusive' as const,
    issuedOn: '2026-03-02',
    lines: [
      { description: 'Support', quantity: 1, unitAmountMinor: amountMinor, taxRatePercent: ratePercent },
    ],
  };
}
