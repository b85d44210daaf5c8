import type { Plan } from '../plan/plan.schema.ts';
import type { Term } from '../plan/plan-common.schema.ts';
import {
  addDays,
  addTerm,
  type CivilDate,
  compareCivilDates,
  daysBetween,
  earlierOfInvoiceOrPayment,
  type MaybeDate,
  maxCivilDate,
  minCivilDate,
} from './civil-date.ts';
import { effectiveTerms, mergedCoverage } from './coverage.queries.ts';
import type { CoverageTerm, EffectiveTerm, TermKind } from './coverage.types.ts';
import { explainRenewal, type RenewalStory } from './renewal.explain.ts';

export interface RenewalInput {
  plan: Plan;
  /** The contract's stored terms, in the order they were appended. */
  terms: readonly CoverageTerm[];
  /** Civil date of the renewal order (the plan's time zone). */
  renewOn: CivilDate;
  paidOn?: MaybeDate;
  invoiceOn?: MaybeDate;
  /** Terms bought at once (S0: "1 year or more"); default 1. */
  count?: number | undefined;
}

/**
 * How the new coverage is dated: `contiguous` starts at the current expiry (renewed in time, or extend while
 * active); `backdated` starts at the old expiry after a lapse, the lapse being an unserved gap; `reinstatement`
 * is a backdated renewal of a plan with a reinstatement fee (S4, R4.4); `restart` (extend after a lapse) and
 * `from-now` start on the renewal date.
 */
export type RenewalKind = 'contiguous' | 'backdated' | 'reinstatement' | 'restart' | 'from-now';

export type RenewalRefusal =
  | 'INVALID_COUNT'
  | 'TOO_MANY_TERMS'
  | 'NO_COVERAGE_TO_RENEW'
  | 'RENEWAL_BEFORE_CURRENT_TERM'
  | 'WOULD_SHORTEN_COVERAGE';

/**
 * Whole terms a renewal leaves uncovered because the lapse outlasts the terms bought: `[startsOn, endsOn)`
 * runs from the previous expiry (or the order date of a from-now / restarted term) to the new start, an
 * anniversary on the anchor's term grid. Neither paid nor served, so releases published then are not licensed.
 */
export interface UncoveredLapse {
  startsOn: CivilDate;
  endsOn: CivilDate;
  /** Terms skipped (the new start is this many terms after startsOn). */
  terms: number;
  /** Terms that would backfill the whole lapse (may exceed maxTermsPerRenewal). */
  termsToBackfillAll: number;
}

export type RenewalPlan =
  | {
      ok: true;
      kind: RenewalKind;
      /** Terms to append to the contract, in order (a gap term first when service starts later). */
      newTerms: CoverageTerm[];
      startsOn: CivilDate;
      serviceFrom: CivilDate;
      expiresOn: CivilDate;
      lastCoveredDay: CivilDate;
      /** Days of the current term a from-now renewal gives up (0 otherwise). */
      forfeitedDays: number;
      needsReinstatementFee: boolean;
      /** Set when the lapse is longer than the terms bought can backfill; null otherwise. */
      leftUncovered: UncoveredLapse | null;
      explanation: string;
    }
  | { ok: false; reason: RenewalRefusal; message: string; maxTerms?: number };

type Refusal = Extract<RenewalPlan, { ok: false }>;

const MAX_STEPS = 10_000;

/**
 * R0.4: the terms a renewal appends, dated by plan.renewal.timing (backdate, extend, from-now), with the
 * service start of plan.renewal.serviceResumesFrom. Refusals are data, never throws on business input.
 * @example planRenewal({ plan: s0, terms: [{ kind:'initial', startsOn:'2026-01-10', endsOn:'2027-01-10', givesService:true }],
 *   renewOn: '2027-03-01', paidOn: '2027-03-01' })
 *   // kind 'backdated': gap [2027-01-10, 2027-03-01) + renewal [2027-03-01, 2028-01-10)
 */
export function planRenewal(input: RenewalInput): RenewalPlan {
  const { plan, renewOn } = input;
  const count = input.count ?? 1;
  const refused = checkCount(count, plan.renewal.maxTermsPerRenewal);
  if (refused) return refused;
  const effective = effectiveTerms(input.terms);
  const last = effective.at(-1);
  if (last === undefined) {
    return { ok: false, reason: 'NO_COVERAGE_TO_RENEW', message: 'the contract has no term to renew' };
  }
  const dated = dateRenewal(plan, effective, last, renewOn, count);
  if (!dated.ok) return dated;
  const expiry = last.endsOn;
  const serviceFrom = maxCivilDate(dated.startsOn, serviceStart(plan, dated.startsOn, input));
  const span = fitToService(plan, dated, serviceFrom, count);
  const isLapsed = compareCivilDates(serviceFrom, expiry) > 0;
  const needsReinstatementFee = isLapsed && plan.payment.reinstatementFee !== undefined;
  const kind = renewalKind(dated.kind, serviceFrom, span, needsReinstatementFee);
  const serviceKind: TermKind = needsReinstatementFee ? 'reinstatement' : 'renewal';
  const newTerms = splitAtService(span.startsOn, serviceFrom, span.endsOn, serviceKind);
  const forfeitedDays = compareCivilDates(span.startsOn, expiry) < 0 ? daysBetween(span.startsOn, expiry) : 0;
  const story: RenewalStory = {
    kind,
    term: plan.renewal.term,
    count,
    previousExpiry: expiry,
    startsOn: span.startsOn,
    serviceFrom,
    serviceRule: plan.renewal.serviceResumesFrom,
    expiresOn: span.endsOn,
    forfeitedDays,
    needsReinstatementFee,
    leftUncovered: span.leftUncovered && { ...span.leftUncovered, ...span.withMax },
  };
  return {
    ok: true,
    kind,
    newTerms,
    startsOn: span.startsOn,
    serviceFrom,
    expiresOn: span.endsOn,
    lastCoveredDay: addDays(span.endsOn, -1),
    forfeitedDays,
    needsReinstatementFee,
    leftUncovered: span.leftUncovered,
    explanation: explainRenewal(story),
  };
}

function checkCount(count: number, max: number): Refusal | undefined {
  if (!Number.isInteger(count) || count < 1) {
    return {
      ok: false,
      reason: 'INVALID_COUNT',
      message: `count: expected a whole number >= 1, got ${count}`,
    };
  }
  if (count > max) {
    return {
      ok: false,
      reason: 'TOO_MANY_TERMS',
      message: `count: at most ${max} term(s) per renewal on this plan, got ${count}`,
      maxTerms: max,
    };
  }
  return undefined;
}

type Dated =
  | {
      ok: true;
      kind: 'contiguous' | 'restart' | 'from-now';
      startsOn: CivilDate;
      endsOn: CivilDate;
      anchor: Anchor;
    }
  | Refusal;

type DatedOk = Extract<Dated, { ok: true }>;

/** The date a span is measured from and how many renewal terms already lie between it and the start. */
interface Anchor {
  date: CivilDate;
  termsBefore: number;
}

function dateRenewal(
  plan: Plan,
  effective: EffectiveTerm[],
  last: EffectiveTerm,
  renewOn: CivilDate,
  count: number,
): Dated {
  const term = plan.renewal.term;
  const expiry = last.endsOn;
  const startsFresh = plan.renewal.timing === 'from-now' || compareCivilDates(renewOn, expiry) >= 0;
  if (plan.renewal.timing === 'backdate' || !startsFresh) {
    const anchor = anchorOf(effective, term, expiry);
    const endsOn = addTerm(anchor.date, term, anchor.termsBefore + count);
    return { ok: true, kind: 'contiguous', startsOn: expiry, endsOn, anchor };
  }
  const endsOn = addTerm(renewOn, term, count);
  const anchor = { date: renewOn, termsBefore: 0 };
  if (plan.renewal.timing === 'extend')
    return { ok: true, kind: 'restart', startsOn: renewOn, endsOn, anchor };
  if (compareCivilDates(renewOn, last.startsOn) < 0) {
    return {
      ok: false,
      reason: 'RENEWAL_BEFORE_CURRENT_TERM',
      message: `renewOn: ${renewOn} is before the current term starts (${last.startsOn})`,
    };
  }
  if (compareCivilDates(endsOn, expiry) < 0) {
    return {
      ok: false,
      reason: 'WOULD_SHORTEN_COVERAGE',
      message: `a renewal from ${renewOn} would end on ${endsOn}, before the current expiry ${expiry}`,
    };
  }
  return { ok: true, kind: 'from-now', startsOn: renewOn, endsOn, anchor };
}

/**
 * LESSONS "never chain": a contiguous renewal is measured from the start of the contiguous span it extends,
 * when the span is a whole number of renewal terms from it (Jan 31 + 3 months, + 6 months, … stays on the
 * 31st where the month has one); otherwise from the current expiry.
 */
function anchorOf(effective: EffectiveTerm[], term: Term, expiry: CivilDate): Anchor {
  const spanStart = mergedCoverage(effective).at(-1)?.startsOn ?? expiry;
  for (let k = 1; k <= MAX_STEPS; k++) {
    const end = addTerm(spanStart, term, k);
    const order = compareCivilDates(end, expiry);
    if (order === 0) return { date: spanStart, termsBefore: k };
    if (order > 0) break;
  }
  return { date: expiry, termsBefore: 0 };
}

function serviceStart(plan: Plan, startsOn: CivilDate, input: RenewalInput): CivilDate {
  switch (plan.renewal.serviceResumesFrom) {
    case 'payment-date':
      return input.paidOn ?? input.renewOn;
    case 'earlier-of-invoice-or-payment':
      return earlierOfInvoiceOrPayment(input.renewOn, input.invoiceOn, input.paidOn);
    case 'term-start':
      // A backdated term never serves the past: service starts no earlier than the order, invoice or payment.
      return maxCivilDate(
        startsOn,
        minCivilDate(input.renewOn, earlierOfInvoiceOrPayment(input.renewOn, input.invoiceOn, input.paidOn)),
      );
  }
}

function renewalKind(
  dated: 'contiguous' | 'restart' | 'from-now',
  serviceFrom: CivilDate,
  span: Span,
  needsReinstatementFee: boolean,
): RenewalKind {
  if (needsReinstatementFee) return 'reinstatement';
  const lapsed = span.leftUncovered !== null || compareCivilDates(serviceFrom, span.startsOn) > 0;
  if (dated === 'contiguous' && lapsed) return 'backdated';
  return dated;
}

function splitAtService(
  startsOn: CivilDate,
  serviceFrom: CivilDate,
  endsOn: CivilDate,
  kind: TermKind,
): CoverageTerm[] {
  const served: CoverageTerm = { kind, startsOn: serviceFrom, endsOn, givesService: true };
  if (compareCivilDates(serviceFrom, startsOn) <= 0) return [served];
  return [{ kind: 'backdated-gap', startsOn, endsOn: serviceFrom, givesService: false }, served];
}

/** Where the bought terms land, and what a lapse longer than them leaves uncovered. */
interface Span {
  startsOn: CivilDate;
  endsOn: CivilDate;
  leftUncovered: UncoveredLapse | null;
  /** What buying the plan's maximum at once would do instead (for the explanation). */
  withMax: { maxTerms: number; startsOnWithMax: CivilDate | null };
}

/**
 * R0.4 "renewal is possible at any time, with no deadline" + R4.4: the bought terms must end after the service
 * start (a term wholly in the past is never sold). When the lapse is longer than the `count` terms can
 * backfill, the renewal is backdated only as far as they reach: it starts `termsNeeded − count` whole terms
 * after the dated start, on the anchor's term grid (anniversaries of the expiry, never chained), and the
 * skipped anniversaries stay uncovered.
 */
function fitToService(plan: Plan, dated: DatedOk, serviceFrom: CivilDate, count: number): Span {
  const max = plan.renewal.maxTermsPerRenewal;
  const noMax = { maxTerms: max, startsOnWithMax: null };
  if (compareCivilDates(serviceFrom, dated.endsOn) < 0) {
    return { startsOn: dated.startsOn, endsOn: dated.endsOn, leftUncovered: null, withMax: noMax };
  }
  const { anchor } = dated;
  const term = plan.renewal.term;
  const at = (n: number) => addTerm(anchor.date, term, anchor.termsBefore + n);
  const needed = termsToPass(term, anchor, serviceFrom, count + 1);
  const skipped = needed - count;
  const startsOn = at(skipped);
  const startsOnWithMax = count < max ? at(Math.max(0, needed - max)) : null;
  return {
    startsOn,
    endsOn: at(needed),
    leftUncovered: { startsOn: dated.startsOn, endsOn: startsOn, terms: skipped, termsToBackfillAll: needed },
    withMax: { maxTerms: max, startsOnWithMax },
  };
}

/** The fewest terms (at least `from`) after the anchor's own terms that end after `date`. */
function termsToPass(term: Term, anchor: Anchor, date: CivilDate, from: number): number {
  // No term is longer than this many days, so anchor + n terms stays on or before `date` for n below the jump.
  const longest = (term.years ?? 0) * 366 + (term.months ?? 0) * 31 + (term.days ?? 0);
  const jump = Math.floor(daysBetween(anchor.date, date) / longest) - anchor.termsBefore;
  let n = Math.max(from, jump);
  while (compareCivilDates(addTerm(anchor.date, term, anchor.termsBefore + n), date) <= 0) n++;
  return n;
}
