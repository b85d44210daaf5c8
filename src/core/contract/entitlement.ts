import type { Plan } from '../plan/plan.schema.ts';
import { type CivilDate, compareCivilDates } from './civil-date.ts';
import { coverageState, coveredUntil, termOn } from './coverage.queries.ts';
import type { CoverageTerm, CoveredUntil, EffectiveTerm } from './coverage.types.ts';
import { type Release, releaseTerm } from './fallback.ts';

/** A right conduct can revoke (R1.3) or a refusal reason can suspend (R1.4). */
export type RevocableRight = 'support' | 'updates' | 'refund';

/** An ACTIVE suspension or revocation record; lifted ones are not passed in. */
export interface Restriction {
  revokes: readonly RevocableRight[];
  reason: string;
}

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export type Gate =
  | { kind: 'support' }
  | { kind: 'updates'; version: Version; release?: Release | undefined }
  | { kind: 'download'; release: Release }
  | { kind: 'feature'; key: string };

export interface ContractFacts {
  terms: readonly CoverageTerm[];
  /** Civil date of the license/contract purchase: releases effective by then are what was bought. */
  purchasedOn: CivilDate;
  /** Major line bought; needed only for plans whose updates are 'minor-only'. */
  purchasedMajor?: number | undefined;
}

export interface EntitlementInput {
  plan: Plan;
  contract: ContractFacts | null;
  restrictions: readonly Restriction[];
  gate: Gate;
  /** The civil date asked about (today in the plan's time zone). */
  at: CivilDate;
}

export type EntitlementReason =
  | 'COVERED'
  | 'FALLBACK_LICENSE'
  | 'KEPT_AFTER_LAPSE'
  | 'PLAN_ALLOWS_ALL_RELEASES'
  | 'NO_CONTRACT'
  | 'LAPSED'
  | 'NOT_STARTED'
  | 'IN_BACKDATED_GAP'
  | 'NOT_ENTITLED_BY_PLAN'
  | 'RELEASE_NOT_COVERED'
  | 'RELEASE_NOT_PUBLISHED'
  | 'REVOKED'
  | 'UNKNOWN_FEATURE';

export interface EntitlementFacts {
  coveredUntil: CoveredUntil | null;
  /** `at` lies in a term that gives service. */
  serviceOn: boolean;
  termUsed?: EffectiveTerm;
  releaseEffectiveOn?: CivilDate;
  revokedBecause?: string;
}

export interface Entitlement {
  allowed: boolean;
  reason: EntitlementReason;
  facts: EntitlementFacts;
}

type LapseStop = Plan['lapse']['stops'][number];
type Decision = { allowed: boolean; reason: EntitlementReason; termUsed?: EffectiveTerm | undefined };

/**
 * THE entitlement decision: may this contract use this gate on day `at`? Checks, in order: the plan gives the
 * right at all, a contract exists, no active restriction revokes it, then coverage and service on `at`.
 * Lapse consequences come from plan.lapse.stops.
 * @example entitled({ plan: s0, contract: { terms, purchasedOn: '2026-01-10' }, restrictions: [], gate: { kind: 'support' }, at: '2026-06-01' })
 *   // { allowed: true, reason: 'COVERED', facts: { serviceOn: true, ... } }
 */
export function entitled(input: EntitlementInput): Entitlement {
  const { contract, gate, at } = input;
  const terms = contract?.terms ?? [];
  const facts: EntitlementFacts = { coveredUntil: coveredUntil(terms), serviceOn: false };
  const serviceTerm = termOn(terms, at);
  facts.serviceOn = serviceTerm?.givesService === true;
  if ((gate.kind === 'download' || gate.kind === 'updates') && gate.release !== undefined) {
    facts.releaseEffectiveOn = gate.release.effectiveOn;
  }
  const decision = decide(input, terms, facts);
  if (decision.termUsed !== undefined) facts.termUsed = decision.termUsed;
  return { allowed: decision.allowed, reason: decision.reason, facts };
}

function decide(input: EntitlementInput, terms: readonly CoverageTerm[], facts: EntitlementFacts): Decision {
  const { plan, contract, gate, at } = input;
  const refusal = planRefusal(plan, gate, contract);
  if (refusal) return { allowed: false, reason: refusal };
  if (contract === null || terms.length === 0) return { allowed: false, reason: 'NO_CONTRACT' };
  const right = revocableRightOf(gate);
  const revoked = right && input.restrictions.find((r) => r.revokes.includes(right));
  if (revoked) {
    facts.revokedBecause = revoked.reason;
    return { allowed: false, reason: 'REVOKED' };
  }
  switch (gate.kind) {
    case 'support':
      return serviceDecision(plan, terms, at, 'support');
    case 'feature':
      return serviceDecision(plan, terms, at, 'features');
    case 'updates':
      return gate.release === undefined
        ? serviceDecision(plan, terms, at, 'updates')
        : releaseDecision(plan, contract, gate.release, at, 'updates');
    case 'download':
      if (plan.entitlements.downloads === 'all-releases') {
        return isPublishedBy(gate.release, at)
          ? { allowed: true, reason: 'PLAN_ALLOWS_ALL_RELEASES' }
          : { allowed: false, reason: 'RELEASE_NOT_PUBLISHED' };
      }
      return releaseDecision(plan, contract, gate.release, at, 'downloads');
  }
}

function planRefusal(plan: Plan, gate: Gate, contract: ContractFacts | null): EntitlementReason | undefined {
  const e = plan.entitlements;
  switch (gate.kind) {
    case 'support':
      return e.support ? undefined : 'NOT_ENTITLED_BY_PLAN';
    case 'feature':
      return plan.features.some((f) => f.key === gate.key) ? undefined : 'UNKNOWN_FEATURE';
    case 'download':
      return e.downloads === 'none' ? 'NOT_ENTITLED_BY_PLAN' : undefined;
    case 'updates': {
      if (e.updates === 'none') return 'NOT_ENTITLED_BY_PLAN';
      const bought = contract?.purchasedMajor;
      const isMajorJump = bought !== undefined && gate.version.major > bought;
      return e.updates === 'minor-only' && isMajorJump ? 'NOT_ENTITLED_BY_PLAN' : undefined;
    }
  }
}

function revocableRightOf(gate: Gate): RevocableRight | undefined {
  if (gate.kind === 'support') return 'support';
  if (gate.kind === 'updates' || gate.kind === 'download') return 'updates';
  return undefined;
}

/** Support needs service on `at` always (R1.1); other rights only while plan.lapse.stops names them. */
function serviceDecision(
  plan: Plan,
  terms: readonly CoverageTerm[],
  at: CivilDate,
  stop: LapseStop,
): Decision {
  const term = termOn(terms, at);
  if (term?.givesService) return { allowed: true, reason: 'COVERED', termUsed: term };
  const state = coverageState(terms, at);
  if (stop !== 'support' && !plan.lapse.stops.includes(stop) && state !== 'not-started') {
    return { allowed: true, reason: 'KEPT_AFTER_LAPSE' };
  }
  return { allowed: false, reason: term ? 'IN_BACKDATED_GAP' : denialOf(state) };
}

/**
 * R0.3/R0.8: a release is licensed when its effectiveOn lies in a term (gap included) or on/before the
 * purchase (what was bought). With service on `at` a licensed release is COVERED; without service, a plan
 * with perpetualFallback still lets the customer fetch a licensed release (FALLBACK_LICENSE).
 */
function releaseDecision(
  plan: Plan,
  contract: ContractFacts,
  release: Release,
  at: CivilDate,
  stop: LapseStop,
): Decision {
  if (!isPublishedBy(release, at)) return { allowed: false, reason: 'RELEASE_NOT_PUBLISHED' };
  const terms = contract.terms;
  const term = termOn(terms, at);
  const state = coverageState(terms, at);
  if (!term?.givesService && !plan.lapse.stops.includes(stop) && state !== 'not-started') {
    return { allowed: true, reason: 'KEPT_AFTER_LAPSE' };
  }
  const coveringTerm = releaseTerm(terms, release);
  const isLicensed =
    coveringTerm !== undefined || compareCivilDates(release.effectiveOn, contract.purchasedOn) <= 0;
  if (term?.givesService) {
    return isLicensed
      ? { allowed: true, reason: 'COVERED', termUsed: term }
      : { allowed: false, reason: 'RELEASE_NOT_COVERED' };
  }
  if (isLicensed && plan.entitlements.perpetualFallback) {
    return { allowed: true, reason: 'FALLBACK_LICENSE', termUsed: coveringTerm };
  }
  if (term) return { allowed: false, reason: 'IN_BACKDATED_GAP' };
  if (!isLicensed && plan.entitlements.perpetualFallback && state === 'lapsed') {
    return { allowed: false, reason: 'RELEASE_NOT_COVERED' };
  }
  return { allowed: false, reason: denialOf(state) };
}

function isPublishedBy(release: Release, at: CivilDate): boolean {
  return compareCivilDates(release.publishedOn, at) <= 0;
}

function denialOf(state: 'active' | 'lapsed' | 'not-started'): EntitlementReason {
  return state === 'not-started' ? 'NOT_STARTED' : 'LAPSED';
}
