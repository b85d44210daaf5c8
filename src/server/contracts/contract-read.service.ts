import type { Kysely } from 'kysely';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import {
  coverageState,
  coveredUntil,
  effectiveTerms,
  hasServiceOn,
} from '../../core/contract/coverage.queries.ts';
import type { CoverageTerm } from '../../core/contract/coverage.types.ts';
import { flattenCategories } from '../../core/plan/plan.categories.ts';
import type { ContractDetail, ContractListQuery, ContractSummary } from '../../schema/contracts.schema.ts';
import { type Page, toPage } from '../../schema/pagination.schema.ts';
import type { Database } from '../db/database-types.ts';
import { loadReleases } from '../licenses/license-keys.service.ts';
import { currentSeats } from './contract.repository.ts';
import { entitlementSummary } from './contract-entitlement.service.ts';
import { isNotRefunded, loadContractFacts } from './contract-facts.ts';
import { todayFor } from './contract-order.ts';

// Reads: one contract with its coverage, state and entitlements today (R0.3, R1.1, R4.3), the list, and
// the entitlement decision of one gate. Another organisation's contract is undefined, exactly like a missing one.

type Db = Kysely<Database>;
type Summary = ContractSummary;

export async function listContracts(
  db: Db,
  query: ContractListQuery,
  organisationFilter: string | null,
  now: Date,
): Promise<Page<Summary>> {
  let q = db
    .selectFrom('contracts')
    .innerJoin('products', 'products.id', 'contracts.product_id')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select([
      'contracts.id',
      'contracts.organisation_id',
      'contracts.product_id',
      'products.name as product_name',
      'plan_versions.plan_key',
      'plan_versions.version',
      'plan_versions.id as plan_version_id',
      'plan_versions.document',
      'contracts.purchased_on',
      'contracts.currency',
    ])
    .orderBy('contracts.id')
    .limit(query.limit + 1);
  const org = organisationFilter ?? query.organisationId;
  if (org !== undefined) q = q.where('contracts.organisation_id', '=', org);
  if (query.productId !== undefined) q = q.where('contracts.product_id', '=', query.productId);
  if (query.cursor !== undefined) q = q.where('contracts.id', '>', query.cursor);
  const rows = await q.execute();
  const terms = await termsOf(
    db,
    rows.slice(0, query.limit).map((r) => r.id),
  );
  return toPage(
    rows,
    query.limit,
    (r) => r.id,
    (r) => {
      const zone = (r.document as { calendar?: { timeZone: string } }).calendar?.timeZone ?? 'UTC';
      return summaryOf(
        {
          id: r.id,
          organisationId: r.organisation_id,
          productId: r.product_id,
          productName: r.product_name,
          plan: { key: r.plan_key, version: r.version, versionId: r.plan_version_id },
          purchasedOn: r.purchased_on,
          currency: r.currency,
        },
        terms.get(r.id) ?? [],
        civilDateIn(now, zone),
      );
    },
  );
}

type SummaryBase = Omit<Summary, 'state' | 'expiresOn' | 'lastCoveredDay'>;

function summaryOf(base: SummaryBase, terms: readonly CoverageTerm[], today: string): Summary {
  const until = coveredUntil(terms);
  return {
    ...base,
    state: coverageState(terms, today),
    expiresOn: until?.expiresOn ?? null,
    lastCoveredDay: until?.lastCoveredDay ?? null,
  };
}

async function termsOf(db: Db, contractIds: string[]): Promise<Map<string, CoverageTerm[]>> {
  const map = new Map<string, CoverageTerm[]>();
  if (contractIds.length === 0) return map;
  const rows = await db
    .selectFrom('coverage_terms')
    .select(['contract_id', 'kind', 'starts_on', 'ends_on', 'gives_service'])
    .where('contract_id', 'in', contractIds)
    .where(isNotRefunded)
    .orderBy('contract_id')
    .orderBy('seq')
    .execute();
  for (const r of rows) {
    const list = map.get(r.contract_id) ?? [];
    list.push({ kind: r.kind, startsOn: r.starts_on, endsOn: r.ends_on, givesService: r.gives_service });
    map.set(r.contract_id, list);
  }
  return map;
}

/** One contract as GET /v1/contracts/:id shows it; undefined when missing or another organisation's. */
export async function getContractDetail(
  db: Db,
  contractId: string,
  organisationFilter: string | null,
  now: Date,
): Promise<ContractDetail | undefined> {
  const facts = await loadContractFacts(db, contractId, organisationFilter);
  if (!facts) return undefined;
  const row = await db
    .selectFrom('contracts')
    .innerJoin('products', 'products.id', 'contracts.product_id')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select([
      'products.name as product_name',
      'plan_versions.version',
      'contracts.purchase_discount_minor',
      'contracts.compatibility_snapshot',
    ])
    .where('contracts.id', '=', contractId)
    .executeTakeFirstOrThrow();
  const { contract, plan, terms } = facts;
  const today = todayFor(plan, now);
  const releases = await loadReleases(db, contract.productId);
  const base: SummaryBase = {
    id: contract.id,
    organisationId: contract.organisationId,
    productId: contract.productId,
    productName: row.product_name,
    plan: { key: plan.key, version: row.version, versionId: contract.planVersionId },
    purchasedOn: contract.purchasedOn,
    currency: contract.currency,
  };
  return {
    ...summaryOf(base, terms, today),
    listPriceMinor: contract.listPriceMinor,
    purchaseDiscountMinor: row.purchase_discount_minor,
    purchasedMajor: contract.purchasedMajor,
    compatibilitySnapshot: row.compatibility_snapshot ?? null,
    seats: await currentSeats(db, contractId),
    today,
    serviceToday: hasServiceOn(terms, today),
    terms: {
      stored: terms,
      effective: effectiveTerms(terms).map(({ index: _i, storedEndsOn: _s, ...t }) => t),
    },
    entitlements: entitlementSummary(facts, releases, today),
    categories: flattenCategories(plan.categories).map((f) => ({
      id: f.category.id,
      name: f.category.name,
      parentId: f.ancestors.at(-1)?.id ?? null,
    })),
    productUpdateListRequired: plan.eligibility.productUpdateMailSubscription,
    orders: await ordersOf(db, contractId),
  };
}

async function ordersOf(db: Db, contractId: string): Promise<ContractDetail['orders']> {
  const rows = await db
    .selectFrom('orders')
    .leftJoin('invoices', 'invoices.order_id', 'orders.id')
    .select([
      'orders.id',
      'orders.kind',
      'orders.ordered_on',
      'orders.created_at',
      'invoices.number',
      'invoices.total_minor',
    ])
    .where('orders.contract_id', '=', contractId)
    .orderBy('orders.created_at')
    .orderBy('orders.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    orderedOn: r.ordered_on,
    invoiceNumber: r.number,
    totalMinor: r.total_minor,
    createdAt: r.created_at.toISOString(),
  }));
}
