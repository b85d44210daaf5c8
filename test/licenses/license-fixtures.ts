import type { Kysely } from 'kysely';
import type { TermKind } from '../../src/core/contract/coverage.types.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { createOrganisation, createProduct, storePreset } from '../support/commerce-fixtures.ts';

export type TermRow = { kind: TermKind; startsOn: string; endsOn: string; givesService?: boolean };

export type ContractFixture = {
  planKey: string;
  purchasedOn: string;
  purchasedMajor?: number;
  terms: TermRow[];
  organisationId?: string;
  productId?: string;
};

/**
 * A contract written straight to the tables (the contracts service is another part's): organisation,
 * product under the preset, the pinned plan version and the given coverage terms.
 */
export async function createContract(db: Kysely<Database>, input: ContractFixture) {
  const organisationId = input.organisationId ?? (await createOrganisation(db));
  const productId = input.productId ?? (await createProduct(db, { planKey: input.planKey }));
  const planVersionId = await storePreset(db, input.planKey);
  const contractId = newId('ctr');
  await db
    .insertInto('contracts')
    .values({
      id: contractId,
      organisation_id: organisationId,
      product_id: productId,
      plan_version_id: planVersionId,
      purchased_on: input.purchasedOn,
      currency: 'USD',
      list_price_minor: 10000,
      purchased_major: input.purchasedMajor ?? 4,
      compatibility_snapshot: null,
    })
    .execute();
  for (const term of input.terms) await addTerm(db, contractId, term);
  return { organisationId, productId, contractId };
}

/** Appends a coverage term (the next seq). */
export async function addTerm(db: Kysely<Database>, contractId: string, term: TermRow): Promise<void> {
  const last = await db
    .selectFrom('coverage_terms')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('contract_id', '=', contractId)
    .executeTakeFirst();
  await db
    .insertInto('coverage_terms')
    .values({
      id: newId('term'),
      contract_id: contractId,
      seq: Number(last?.seq ?? 0) + 1,
      kind: term.kind,
      starts_on: term.startsOn,
      ends_on: term.endsOn,
      gives_service: term.givesService ?? term.kind !== 'backdated-gap',
      order_id: null,
    })
    .execute();
}

/** An S0 contract bought 2026-01-10 for major 4, covered [2026-01-10, 2027-01-10). */
export function s0Contract(db: Kysely<Database>, extra: Partial<ContractFixture> = {}) {
  return createContract(db, {
    planKey: 'annual-maintenance',
    purchasedOn: '2026-01-10',
    purchasedMajor: 4,
    terms: [{ kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10' }],
    ...extra,
  });
}
