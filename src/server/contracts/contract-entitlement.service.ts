import type { Kysely } from 'kysely';
import {
  type Entitlement,
  entitled,
  type Gate,
  type Restriction,
  type RevocableRight,
} from '../../core/contract/entitlement.ts';
import { compareReleases, type Release } from '../../core/contract/fallback.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { type ContractFacts, loadContractFacts } from './contract-facts.ts';
import { todayFor } from './contract-order.ts';

// The entitlement decisions of one contract (R0.3, R0.8, R1.1, R4.3): the contract core's entitled()
// over the contract's stored facts, for one gate on one day, or a summary for today.

type Db = Kysely<Database>;

export function entitlementSummary(facts: ContractFacts, releases: Release[], today: string) {
  const decide = (gate: Gate) => {
    const e = decideGate(facts, gate, today);
    return { allowed: e.allowed, reason: e.reason };
  };
  const latest = [...releases].sort(compareReleases).at(-1);
  return {
    support: decide({ kind: 'support' }),
    updates: decide({
      kind: 'updates',
      version: { major: facts.contract.purchasedMajor, minor: 0, patch: 0 },
    }),
    downloads: latest === undefined ? null : decide({ kind: 'download', release: latest }),
    features: Object.fromEntries(
      facts.plan.features.map((f) => [f.key, decide({ kind: 'feature', key: f.key })]),
    ),
  };
}

/** THE entitlement decision of the contract core for this contract's facts (R1.1, R0.3, R0.8, R4.3). */
export function decideGate(facts: ContractFacts, gate: Gate, on: string): Entitlement {
  const restrictions: Restriction[] = facts.restrictions.map((r) => ({
    reason: r.reason,
    revokes: r.revokes.filter((x): x is RevocableRight => ['support', 'updates', 'refund'].includes(x)),
  }));
  return entitled({
    plan: facts.plan,
    contract: {
      terms: facts.terms,
      purchasedOn: facts.contract.purchasedOn,
      purchasedMajor: facts.contract.purchasedMajor,
    },
    restrictions,
    gate,
    at: on,
  });
}

export type EntitlementQuery = {
  gate: 'support' | 'updates' | 'download' | 'feature';
  releaseId?: string | undefined;
  feature?: string | undefined;
  on?: string | undefined;
};

/** GET /v1/contracts/:id/entitlements: the decision for one gate on one day. */
export async function contractEntitlement(
  db: Db,
  contractId: string,
  query: EntitlementQuery,
  organisationFilter: string | null,
  now: Date,
) {
  const facts = await loadContractFacts(db, contractId, organisationFilter);
  if (!facts) return undefined;
  const on = query.on ?? todayFor(facts.plan, now);
  const gate = await gateOf(db, facts, query);
  const e = decideGate(facts, gate, on);
  const term = e.facts.termUsed;
  return {
    contractId,
    gate: query.gate,
    on,
    allowed: e.allowed,
    reason: e.reason,
    facts: {
      expiresOn: e.facts.coveredUntil?.expiresOn ?? null,
      lastCoveredDay: e.facts.coveredUntil?.lastCoveredDay ?? null,
      serviceOn: e.facts.serviceOn,
      termUsed:
        term === undefined
          ? null
          : {
              kind: term.kind,
              startsOn: term.startsOn,
              endsOn: term.endsOn,
              givesService: term.givesService,
            },
      releaseEffectiveOn: e.facts.releaseEffectiveOn ?? null,
      revokedBecause: e.facts.revokedBecause ?? null,
    },
  };
}

async function gateOf(db: Db, facts: ContractFacts, query: EntitlementQuery): Promise<Gate> {
  if (query.gate === 'support') return { kind: 'support' };
  if (query.gate === 'feature') return { kind: 'feature', key: query.feature ?? '' };
  const release =
    query.releaseId === undefined
      ? undefined
      : await findRelease(db, facts.contract.productId, query.releaseId);
  if (query.gate === 'download') {
    if (!release)
      throw new AppError('NOT_FOUND', `query.releaseId: no release ${query.releaseId} of this product.`);
    return { kind: 'download', release };
  }
  const version = release ?? { major: facts.contract.purchasedMajor, minor: 0, patch: 0 };
  return { kind: 'updates', version: { major: version.major, minor: 0, patch: 0 }, release };
}

async function findRelease(db: Db, productId: string, releaseId: string): Promise<Release | undefined> {
  const r = await db
    .selectFrom('releases')
    .select(['id', 'version', 'major', 'published_on', 'effective_on'])
    .where('id', '=', releaseId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    version: r.version,
    major: r.major,
    publishedOn: r.published_on,
    effectiveOn: r.effective_on,
  };
}
