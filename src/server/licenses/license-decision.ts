import { type CivilDate, compareCivilDates } from '../../core/contract/civil-date.ts';
import { coverageState, hasServiceOn, isCoveredOn } from '../../core/contract/coverage.queries.ts';
import type { CoverageTerm, CoveredUntil } from '../../core/contract/coverage.types.ts';
import { type EntitlementReason, entitled, type Restriction } from '../../core/contract/entitlement.ts';
import { compareReleases, type Release } from '../../core/contract/fallback.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';
import type { ValidationCode, ValidationResult } from '../../schema/licenses.schema.ts';
import { civilToday } from './civil-today.ts';

/**
 * What validation needs to know about one key, as cached per key hash. It holds facts (dates, terms,
 * releases), never a decision: validity depends on the day, so the decision is recomputed from the
 * snapshot on every call (decideValidation, pure).
 */
export type LicenseSnapshot = { found: false } | FoundSnapshot;

export type FoundSnapshot = {
  found: true;
  keyId: string;
  keyPrefix: string;
  major: number;
  revokedAt: Date | null;
  licenseId: string;
  contractId: string;
  organisationId: string;
  organisationName: string;
  productId: string;
  productName: string;
  plan: Plan;
  purchasedOn: CivilDate;
  purchasedMajor: number;
  terms: CoverageTerm[];
  /** coveredUntil(terms), computed once when the snapshot is loaded (it does not depend on the day). */
  coveredUntil: CoveredUntil | null;
  restrictions: Restriction[];
  releases: Release[];
};

export type ValidationQuery = { version?: string | undefined; features?: readonly string[] | undefined };

/** The plan's civil "today": its calendar's zone, UTC when it has none. */
export function planToday(plan: Plan, now: Date): CivilDate {
  return civilToday(now, plan.calendar?.timeZone ?? 'UTC');
}

/**
 * R0.3, R1.3/R1.4, R4.3: the answer to one validation call. Pure: the same snapshot, query and
 * instant give the same answer.
 */
export function decideValidation(
  snapshot: LicenseSnapshot,
  query: ValidationQuery,
  now: Date,
): ValidationResult {
  const checkedAt = now.toISOString();
  if (!snapshot.found) return refusal('NOT_FOUND', query, checkedAt);
  if (snapshot.revokedAt !== null) return refusal('REVOKED', query, checkedAt);
  const today = planToday(snapshot.plan, now);
  const until = snapshot.coveredUntil;
  const fallback = licensedFallback(snapshot, today);
  const base = {
    coveredUntil: until?.lastCoveredDay ?? null,
    expiresOn: until?.expiresOn ?? null,
    // Only a plan with the perpetual fallback (R0.3, S0) keeps a release for life after lapse.
    fallbackVersion: snapshot.plan.entitlements.perpetualFallback ? (fallback?.version ?? null) : null,
    checkedAt,
  };
  if (isSuspended(snapshot.restrictions)) {
    return { valid: false, code: 'SUSPENDED', ...base, features: featuresOff(snapshot, query) };
  }
  const code =
    query.version === undefined
      ? codeToday(snapshot, today, fallback)
      : codeForVersion(snapshot, query.version, today);
  return { valid: code === 'VALID', code, ...base, features: featureAnswers(snapshot, query, today) };
}

/** Support or updates revoked by an active suspension or revocation (R1.3, R1.4). */
function isSuspended(restrictions: readonly Restriction[]): boolean {
  return restrictions.some((r) => r.revokes.includes('updates') || r.revokes.includes('support'));
}

/** No version asked: is the license usable today (service now, or the perpetual fallback after lapse)? */
function codeToday(s: FoundSnapshot, today: CivilDate, fallback: Release | undefined): ValidationCode {
  if (hasServiceOn(s.terms, today)) return 'VALID';
  const state = coverageState(s.terms, today);
  if (state === 'not-started') return 'NOT_STARTED';
  if (!s.plan.lapse.stops.includes('updates')) return 'VALID';
  return s.plan.entitlements.perpetualFallback && fallback !== undefined ? 'VALID' : 'EXPIRED';
}

/**
 * R0.3: which majors one key opens. Plans that issue a key per major (newMajorKeys 'automatic' or
 * 'manual', S0) tie a key to its major; plans that never issue per-major keys ('none': S1–S4) have
 * one key per license, which must then open every major of the product.
 */
export function keyCoversMajor(s: FoundSnapshot, major: number): boolean {
  return s.plan.entitlements.newMajorKeys === 'none' || major === s.major;
}

/** A version asked: it must be a published release the key opens and the license covers (R0.3, R0.8). */
function codeForVersion(s: FoundSnapshot, version: string, today: CivilDate): ValidationCode {
  const release = findRelease(s.releases, version);
  if (release === undefined || !keyCoversMajor(s, release.major)) return 'VERSION_NOT_COVERED';
  const result = entitled({
    plan: s.plan,
    contract: { terms: s.terms, purchasedOn: s.purchasedOn, purchasedMajor: s.purchasedMajor },
    restrictions: [],
    gate: { kind: 'updates', version: versionOf(release), release },
    at: today,
  });
  if (result.allowed) return 'VALID';
  return codeOfDenial(result.reason, s, release);
}

function codeOfDenial(reason: EntitlementReason, s: FoundSnapshot, release: Release): ValidationCode {
  switch (reason) {
    case 'LAPSED':
    case 'IN_BACKDATED_GAP':
      return 'EXPIRED';
    case 'NOT_STARTED':
      return 'NOT_STARTED';
    case 'NOT_ENTITLED_BY_PLAN':
      // A plan without updates still licenses what was bought.
      return compareCivilDates(release.effectiveOn, s.purchasedOn) <= 0 ? 'VALID' : 'VERSION_NOT_COVERED';
    default:
      return 'VERSION_NOT_COVERED';
  }
}

/** Matches '4.2.1' (or 'v4.2.1') against the releases by text, then by numbers. */
export function findRelease(releases: readonly Release[], version: string): Release | undefined {
  const wanted = version.trim().replace(/^v/i, '');
  const exact = releases.find((r) => r.version === wanted);
  if (exact) return exact;
  const parts = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(wanted);
  if (!parts) return undefined;
  const [maj, min, pat] = [Number(parts[1]), Number(parts[2]), Number(parts[3] ?? 0)];
  return releases.find((r) => {
    const v = versionOf(r);
    return v.major === maj && v.minor === min && v.patch === pat;
  });
}

function versionOf(release: Release): { major: number; minor: number; patch: number } {
  const [, minor = '0', patch = '0'] = release.version.split(/[.+-]/);
  return { major: release.major, minor: Number(minor) || 0, patch: Number(patch) || 0 };
}

/**
 * R0.3: the latest release of the key's major(s) (keyCoversMajor) this license keeps for life — published by today and
 * effective inside a covered term (gap included) or on/before the purchase.
 */
export function licensedFallback(s: FoundSnapshot, today: CivilDate): Release | undefined {
  let best: Release | undefined;
  for (const release of s.releases) {
    if (!keyCoversMajor(s, release.major) || compareCivilDates(release.publishedOn, today) > 0) continue;
    const licensed =
      isCoveredOn(s.terms, release.effectiveOn) || compareCivilDates(release.effectiveOn, s.purchasedOn) <= 0;
    if (licensed && (best === undefined || compareReleases(release, best) > 0)) best = release;
  }
  return best;
}

/** R4.3: each feature asked (all the plan's when none are named) is on iff entitled today. */
function featureAnswers(s: FoundSnapshot, query: ValidationQuery, today: CivilDate): Record<string, boolean> {
  const reportOff = s.plan.lapse.licenseValidationReportsFeaturesOff && !hasServiceOn(s.terms, today);
  const out: Record<string, boolean> = {};
  for (const key of featureKeys(s, query)) {
    out[key] =
      !reportOff &&
      entitled({
        plan: s.plan,
        contract: { terms: s.terms, purchasedOn: s.purchasedOn, purchasedMajor: s.purchasedMajor },
        restrictions: s.restrictions,
        gate: { kind: 'feature', key },
        at: today,
      }).allowed;
  }
  return out;
}

function featureKeys(s: FoundSnapshot | undefined, query: ValidationQuery): readonly string[] {
  return query.features ?? s?.plan.features.map((f) => f.key) ?? [];
}

function featuresOff(s: FoundSnapshot | undefined, query: ValidationQuery): Record<string, boolean> {
  return Object.fromEntries(featureKeys(s, query).map((key) => [key, false]));
}

function refusal(code: ValidationCode, query: ValidationQuery, checkedAt: string): ValidationResult {
  return {
    valid: false,
    code,
    coveredUntil: null,
    expiresOn: null,
    fallbackVersion: null,
    features: featuresOff(undefined, query),
    checkedAt,
  };
}

type Answer = Omit<ValidationResult, 'checkedAt'>;
const answers = new WeakMap<FoundSnapshot, Map<string, Answer>>();
const ANSWERS_PER_SNAPSHOT = 32;

/**
 * decideValidation, remembered per snapshot for the same civil day and question. Equivalent to
 * calling it every time: the answer depends only on (snapshot, plan's civil today, version,
 * features), and today is part of the memo key, so an answer is never reused on another day; a new
 * snapshot (after any write) starts empty. It saves the coverage arithmetic on the hot path.
 */
export function decideValidationMemo(
  snapshot: LicenseSnapshot,
  query: ValidationQuery,
  now: Date,
): ValidationResult {
  if (!snapshot.found) return decideValidation(snapshot, query, now);
  // today is always 10 characters; '-' (no version) and '=' (a version, even '') keep keys apart;
  // features (rare) go as JSON, which starts with '['.
  const today = planToday(snapshot.plan, now);
  const key =
    query.features !== undefined
      ? JSON.stringify([today, query.version ?? null, query.features])
      : query.version === undefined
        ? `${today}-`
        : `${today}=${query.version}`;
  let memo = answers.get(snapshot);
  if (!memo) {
    memo = new Map();
    answers.set(snapshot, memo);
  }
  const known = memo.get(key);
  if (known) return { ...known, checkedAt: now.toISOString() };
  const result = decideValidation(snapshot, query, now);
  if (memo.size >= ANSWERS_PER_SNAPSHOT) memo.clear();
  const { checkedAt: _, ...answer } = result;
  memo.set(key, answer);
  return result;
}
