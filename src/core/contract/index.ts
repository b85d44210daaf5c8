// Contract core (pure): civil dates, coverage terms and renewal timing (R0.1, R0.4), perpetual fallback
// and keys (R0.3, R0.8), the one entitlement decision (R1.1, R4.3) and refund eligibility (R5.1).
// See docs/contracts.md.
export {
  addDays,
  addTerm,
  type CivilDate,
  type CivilDateResult,
  civilDateIn,
  compareCivilDates,
  daysBetween,
  earlierOfInvoiceOrPayment,
  isCivilDate,
  type MaybeDate,
  maxCivilDate,
  minCivilDate,
  parseCivilDate,
  toPlainDate,
} from './civil-date.ts';
export {
  coverageState,
  coveredUntil,
  daysLapsed,
  effectiveTerms,
  hasServiceOn,
  isCoveredOn,
  mergedCoverage,
  termOn,
} from './coverage.queries.ts';
export { type FirstTermInput, firstTerm } from './coverage.ts';
export type {
  CoverageSpan,
  CoverageState,
  CoverageTerm,
  CoveredUntil,
  EffectiveTerm,
  TermKind,
} from './coverage.types.ts';
export {
  type ContractFacts,
  type Entitlement,
  type EntitlementFacts,
  type EntitlementInput,
  type EntitlementReason,
  entitled,
  type Gate,
  type Restriction,
  type RevocableRight,
  type Version,
} from './entitlement.ts';
export {
  compareReleases,
  fallbackRelease,
  isReleaseCovered,
  type MajorsToKeyInput,
  majorsToKey,
  type Release,
  releaseTerm,
} from './fallback.ts';
export { type RefundEligibility, type RefundInput, type RefundReason, refundEligibility } from './refund.ts';
export { formatTermLength } from './renewal.explain.ts';
export {
  planRenewal,
  type RenewalInput,
  type RenewalKind,
  type RenewalPlan,
  type RenewalRefusal,
} from './renewal.ts';
