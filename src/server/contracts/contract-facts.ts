import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { CoverageTerm } from '../../core/contract/coverage.types.ts';
import { type Plan, planSchema } from '../../core/plan/plan.schema.ts';
import type { Database } from '../db/database-types.ts';

/** An active suspension or revocation of an organisation (R1.3, R1.4). */
export type ActiveRestriction = {
  id: string;
  kind: 'suspension' | 'revocation';
  reason: string;
  revokes: string[];
  startsAt: Date;
};

/** Everything the pure contract rules need about one contract, read in one place. */
export type ContractFacts = {
  contract: {
    id: string;
    organisationId: string;
    productId: string;
    planVersionId: string;
    purchasedOn: string;
    purchasedMajor: number;
    currency: string;
    listPriceMinor: number;
  };
  plan: Plan;
  /** Stored terms in order (seq); the core's effectiveTerms() gives what counts. */
  terms: CoverageTerm[];
  restrictions: ActiveRestriction[];
};

/**
 * Loads a contract with its pinned plan version, its coverage terms and its organisation's active
 * restrictions. `organisationId` limits the lookup to one customer: another's contract is undefined,
 * exactly like a missing one (the route answers 404).
 */
export async function loadContractFacts(
  db: Kysely<Database>,
  contractId: string,
  organisationId: string | null = null,
): Promise<ContractFacts | undefined> {
  let query = db
    .selectFrom('contracts')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select([
      'contracts.id',
      'contracts.organisation_id',
      'contracts.product_id',
      'contracts.plan_version_id',
      'contracts.purchased_on',
      'contracts.purchased_major',
      'contracts.currency',
      'contracts.list_price_minor',
      'plan_versions.document',
    ])
    .where('contracts.id', '=', contractId);
  if (organisationId !== null) query = query.where('contracts.organisation_id', '=', organisationId);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const [terms, restrictions] = [
    await loadTerms(db, row.id),
    await loadActiveRestrictions(db, row.organisation_id),
  ];
  return {
    contract: {
      id: row.id,
      organisationId: row.organisation_id,
      productId: row.product_id,
      planVersionId: row.plan_version_id,
      purchasedOn: row.purchased_on,
      purchasedMajor: row.purchased_major,
      currency: row.currency,
      listPriceMinor: row.list_price_minor,
    },
    // Stored versions were validated when saved; parsing again gives the typed plan with defaults.
    plan: planSchema.parse(row.document),
    terms,
    restrictions,
  };
}

/**
 * Contracts with a coverage term (not refunded) that contains the civil date `on`: terms are
 * half-open, [starts_on, ends_on). The release hooks ask it for a publication date (R0.3, R0.8).
 */
export function coversDate(on: string) {
  return (eb: ExpressionBuilder<Database, 'contracts'>) =>
    eb.exists(
      eb
        .selectFrom('coverage_terms')
        .select('coverage_terms.id')
        .whereRef('coverage_terms.contract_id', '=', 'contracts.id')
        .where('coverage_terms.starts_on', '<=', on)
        .where('coverage_terms.ends_on', '>', on)
        .where(isNotRefunded),
    );
}

/**
 * R5.1: a refund is a credit note, never an edit — and a credit note that refunds an order's invoice
 * in full voids the terms that order bought (they stay stored; every reader skips them). Use this
 * filter wherever coverage is read.
 */
export function isNotRefunded(eb: ExpressionBuilder<Database, 'coverage_terms'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('invoices')
        .select(sql.lit(1).as('one'))
        .whereRef('invoices.order_id', '=', 'coverage_terms.order_id')
        .where('invoices.total_minor', '>', 0)
        .where(
          (inner) =>
            inner
              .selectFrom('credit_notes')
              .select((c) =>
                c.fn.coalesce(c.fn.sum<number>('credit_notes.amount_minor'), sql.lit(0)).as('credited'),
              )
              .whereRef('credit_notes.invoice_id', '=', 'invoices.id'),
          '>=',
          (inner) => inner.ref('invoices.total_minor'),
        ),
    ),
  );
}

export async function loadTerms(db: Kysely<Database>, contractId: string): Promise<CoverageTerm[]> {
  const rows = await db
    .selectFrom('coverage_terms')
    .select(['kind', 'starts_on', 'ends_on', 'gives_service'])
    .where('contract_id', '=', contractId)
    .where(isNotRefunded)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    givesService: r.gives_service,
  }));
}

export async function loadActiveRestrictions(
  db: Kysely<Database>,
  organisationId: string,
): Promise<ActiveRestriction[]> {
  const rows = await db
    .selectFrom('organisation_restrictions')
    .select(['id', 'kind', 'reason', 'revokes', 'starts_at'])
    .where('organisation_id', '=', organisationId)
    .where('lifted_at', 'is', null)
    .orderBy('starts_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    reason: r.reason,
    revokes: r.revokes,
    startsAt: r.starts_at,
  }));
}
