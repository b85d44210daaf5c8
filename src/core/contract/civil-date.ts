import { Temporal } from 'temporal-polyfill';
import type { Term } from '../plan/plan-common.schema.ts';

/** A civil date `'YYYY-MM-DD'` (no time, no zone): how dates cross every boundary of the contract core. */
export type CivilDate = string;

/** A date the caller may not know yet (an unpaid invoice): absent, undefined or null. */
export type MaybeDate = CivilDate | null | undefined;

export type CivilDateResult = { ok: true; date: CivilDate } | { ok: false; reason: string };

const CIVIL_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validates a `'YYYY-MM-DD'` text as a real calendar date.
 * @example parseCivilDate('2027-02-29') // { ok: false, reason: 'not a calendar date: 2027-02-29' }
 */
export function parseCivilDate(text: string): CivilDateResult {
  if (!CIVIL_DATE_PATTERN.test(text)) return { ok: false, reason: `expected YYYY-MM-DD, got ${text}` };
  try {
    return { ok: true, date: Temporal.PlainDate.from(text, { overflow: 'reject' }).toString() };
  } catch {
    return { ok: false, reason: `not a calendar date: ${text}` };
  }
}

/** True when `text` is a valid `'YYYY-MM-DD'` date. @example isCivilDate('2026-01-31') // true */
export function isCivilDate(text: string): boolean {
  return parseCivilDate(text).ok;
}

/**
 * The Temporal.PlainDate of a civil date; throws a RangeError naming the field on bad input (a fault:
 * routes validate dates before they reach the core).
 * @example toPlainDate('2026-01-31').month // 1
 */
export function toPlainDate(date: CivilDate, field = 'date'): Temporal.PlainDate {
  const parsed = parseCivilDate(date);
  if (!parsed.ok) throw new RangeError(`${field}: ${parsed.reason}`);
  return Temporal.PlainDate.from(parsed.date);
}

/** -1, 0 or 1. @example compareCivilDates('2026-01-31', '2026-02-01') // -1 */
export function compareCivilDates(a: CivilDate, b: CivilDate): number {
  // Zero-padded four-digit ISO dates sort as text; this runs in every coverage query, so skip Temporal.
  if (!CIVIL_DATE_PATTERN.test(a)) toPlainDate(a, 'a');
  if (!CIVIL_DATE_PATTERN.test(b)) toPlainDate(b, 'b');
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The earlier of two dates. @example minCivilDate('2026-03-01', '2026-02-01') // '2026-02-01' */
export function minCivilDate(a: CivilDate, b: CivilDate): CivilDate {
  return compareCivilDates(a, b) <= 0 ? a : b;
}

/** The later of two dates. @example maxCivilDate('2026-03-01', '2026-02-01') // '2026-03-01' */
export function maxCivilDate(a: CivilDate, b: CivilDate): CivilDate {
  return compareCivilDates(a, b) >= 0 ? a : b;
}

/** `date` plus `days` (negative goes back). @example addDays('2028-02-28', 1) // '2028-02-29' */
export function addDays(date: CivilDate, days: number): CivilDate {
  return toPlainDate(date).add({ days }).toString();
}

/** Whole days from `from` to `to` (negative when `to` is earlier). @example daysBetween('2026-01-01', '2026-02-01') // 31 */
export function daysBetween(from: CivilDate, to: CivilDate): number {
  return toPlainDate(from).until(toPlainDate(to), { largestUnit: 'days' }).days;
}

/**
 * `anchor` plus n × term, added FROM THE ANCHOR with end-of-month clamping (never chained term by term):
 * years, then months, then days, as Temporal adds them.
 * @example addTerm('2026-01-31', { months: 1 }, 1) // '2026-02-28'
 * @example addTerm('2028-02-29', { years: 1 }, 1) // '2029-02-28'
 * @example addTerm('2026-01-31', { months: 1 }, 3) // '2026-04-30' (chaining would give 2026-04-28)
 */
export function addTerm(anchor: CivilDate, term: Term, n: number): CivilDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n: expected a whole number >= 0, got ${n}`);
  const duration = {
    years: (term.years ?? 0) * n,
    months: (term.months ?? 0) * n,
    days: (term.days ?? 0) * n,
  };
  return toPlainDate(anchor, 'anchor').add(duration, { overflow: 'constrain' }).toString();
}

/**
 * The civil date an instant falls on in a time zone (use the plan's calendar zone).
 * @example civilDateIn(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin') // '2027-01-01'
 */
export function civilDateIn(instant: Date, timeZone: string): CivilDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('instant: not a valid Date');
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/**
 * R4.2 (S4): the earlier of the invoice date and the payment date; a missing one falls back to the other,
 * both missing to `fallback`.
 * @example earlierOfInvoiceOrPayment('2026-03-10', '2026-03-01', '2026-03-05') // '2026-03-01'
 */
export function earlierOfInvoiceOrPayment(
  fallback: CivilDate,
  invoiceOn: MaybeDate,
  paidOn: MaybeDate,
): CivilDate {
  const invoice = invoiceOn ?? paidOn ?? fallback;
  return minCivilDate(invoice, paidOn ?? invoice);
}
