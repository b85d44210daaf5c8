import { Temporal } from 'temporal-polyfill';
import {
  type CompiledCalendar,
  checkInstant,
  extendToCover,
  formatInstant,
  MAX_QUERY_SECONDS,
  MAX_QUERY_YEARS,
  MAX_YEAR,
  MIN_YEAR,
  RANGE_END,
  RANGE_START,
  SUPPORTED_RANGE_TEXT,
} from './calendar.compile.ts';

// The numeric API works in epoch seconds (fractions allowed) and allocates nothing per call: two index
// lookups over the compiled typed arrays, each followed by a short forward scan (see CompiledCalendar).
// W(t) below is the working time from `cal.lo` to t.

const DAY = 86_400;

/** First interval index i with ends[i] > t (count when none); t must lie in [cal.lo, cal.hi]. */
function intervalAfter(cal: CompiledCalendar, t: number): number {
  const ends = cal.ends;
  let i = cal.dayFirst[((t - cal.lo) / DAY) | 0]!;
  while (ends[i]! <= t) i++;
  return i;
}

/** Working seconds in [cal.lo, t); t must lie in [cal.lo, cal.hi]. */
function workedBefore(cal: CompiledCalendar, t: number): number {
  const i = intervalAfter(cal, t);
  const start = cal.starts[i]!;
  return t > start ? cal.cum[i]! + (t - start) : cal.cum[i]!;
}

/** First interval j with cumEnd[j] >= target (strict: > target); 0 <= target <= cal.total. */
function intervalReaching(cal: CompiledCalendar, target: number, strict: boolean): number {
  const cumEnd = cal.cumEnd;
  let j = cal.cumFirst[(target / cal.bucket) | 0]!;
  if (strict) while (cumEnd[j]! <= target) j++;
  else while (cumEnd[j]! < target) j++;
  return j;
}

function covers(cal: CompiledCalendar, t: number): boolean {
  return t >= cal.lo && t < cal.hi;
}

// Compiles around t for a query about the instant t itself, which must lie before the end of 9999.
function coverPoint(cal: CompiledCalendar, t: number): void {
  if (t === RANGE_END) {
    throw new RangeError(`instant ${formatInstant(t)} is beyond the supported range ${SUPPORTED_RANGE_TEXT}`);
  }
  extendToCover(cal, t, t);
}

function checkSeconds(seconds: number): void {
  if (!Number.isFinite(seconds))
    throw new RangeError(`working time must be a finite number of seconds, got ${seconds}`);
}

// Slow paths never recurse: each loop grows the compiled years forward (or backward) until the answer is
// inside them, and stops with a RangeError at the year limits or MAX_QUERY_YEARS from the start.
// Growing by at least the compiled span keeps a long stretch without working time (a closure for
// years) to a logarithmic number of rebuilds, not one per year.

const YEAR = 31_556_952;
// A module-local copy: the hot paths compare against it on every call.
const MAX_SPAN = MAX_QUERY_SECONDS;

function yearsNeeded(cal: CompiledCalendar, missing: number): number {
  const span = Math.max(1, Math.round((cal.hi - cal.lo) / YEAR));
  const perYear = cal.total / span;
  return perYear > 0 ? Math.max(span, Math.ceil(missing / perYear) + 1) : span;
}

/** The latest instant a query from t may answer forward: MAX_QUERY_YEARS later or the end of 9999. */
function forwardLimit(t: number): number {
  return Math.min(RANGE_END, t + MAX_QUERY_SECONDS);
}

function backwardLimit(t: number): number {
  return Math.max(RANGE_START, t - MAX_QUERY_SECONDS);
}

// What: "not enough working time" / "no working time"; the limit decides which rule was hit.
function outOfReach(what: string, t: number, limit: number, forward: boolean): RangeError {
  const start = formatInstant(t);
  if (limit === (forward ? RANGE_END : RANGE_START)) {
    const edge = forward ? `the end of ${MAX_YEAR}` : `the start of ${String(MIN_YEAR).padStart(4, '0')}`;
    return new RangeError(
      `result beyond the supported range ${SUPPORTED_RANGE_TEXT}: ${what} between ${start} and ${edge}`,
    );
  }
  return new RangeError(
    `request spans more than ${MAX_QUERY_YEARS} years: ${what} within ${MAX_QUERY_YEARS} years ${forward ? 'after' : 'before'} ${start}`,
  );
}

/**
 * The earliest instant by which `seconds` of working time have elapsed since t (closing-time convention:
 * work ending at 18:00 returns 18:00). Zero returns t unchanged; negative subtracts.
 * @example addWorkingTimeEpoch(cal, Date.parse('2026-03-02T08:00:00Z') / 1000, 16 * 3600)
 */
export function addWorkingTimeEpoch(cal: CompiledCalendar, t: number, seconds: number): number {
  if (!(seconds > 0)) {
    checkSeconds(seconds);
    return seconds === 0 ? t : subtractWorkingTimeEpoch(cal, t, -seconds);
  }
  if (!covers(cal, t)) coverPoint(cal, t);
  const target = workedBefore(cal, t) + seconds;
  if (target > cal.total) return addBeyondRange(cal, t, seconds);
  const j = intervalReaching(cal, target, false);
  const result = cal.starts[j]! + (target - cal.cum[j]!);
  if (result - t > MAX_SPAN) throw outOfReach('not enough working time', t, t + MAX_SPAN, true);
  return result;
}

// Slow path: grow the compiled range forward by an estimate of the years the remaining time needs.
function addBeyondRange(cal: CompiledCalendar, t: number, seconds: number): number {
  checkSeconds(seconds);
  const limit = forwardLimit(t);
  // Working time never outruns the clock (the compiled intervals are disjoint UTC intervals).
  if (seconds > limit - t) throw outOfReach('not enough working time', t, limit, true);
  for (;;) {
    const target = workedBefore(cal, t) + seconds;
    if (target <= cal.total) {
      const j = intervalReaching(cal, target, false);
      const result = cal.starts[j]! + (target - cal.cum[j]!);
      if (result <= limit) return result;
      throw outOfReach('not enough working time', t, limit, true);
    }
    if (cal.hi >= limit) throw outOfReach('not enough working time', t, limit, true);
    extendToCover(cal, t, Math.min(limit, cal.hi + yearsNeeded(cal, target - cal.total) * YEAR));
  }
}

/**
 * The latest instant s ≤ t with `seconds` of working time in [s, t) (across an opening this is the
 * opening itself, not the previous closing). Zero returns t unchanged; negative adds.
 * @example subtractWorkingTimeEpoch(cal, tuesday0930, 1800) // tuesday 09:00
 */
export function subtractWorkingTimeEpoch(cal: CompiledCalendar, t: number, seconds: number): number {
  if (!(seconds > 0)) {
    checkSeconds(seconds);
    return seconds === 0 ? t : addWorkingTimeEpoch(cal, t, -seconds);
  }
  if (!(t >= cal.lo && t <= cal.hi)) extendToCover(cal, t, t);
  const target = workedBefore(cal, t) - seconds;
  if (target < 0) return subtractBeyondRange(cal, t, seconds);
  const j = intervalReaching(cal, target, true);
  const result = cal.starts[j]! + (target - cal.cum[j]!);
  if (t - result > MAX_SPAN) throw outOfReach('not enough working time', t, t - MAX_SPAN, false);
  return result;
}

function subtractBeyondRange(cal: CompiledCalendar, t: number, seconds: number): number {
  checkSeconds(seconds);
  const limit = backwardLimit(t);
  if (seconds > t - limit) throw outOfReach('not enough working time', t, limit, false);
  for (;;) {
    const target = workedBefore(cal, t) - seconds;
    if (target >= 0) {
      const j = intervalReaching(cal, target, true);
      const result = cal.starts[j]! + (target - cal.cum[j]!);
      if (result >= limit) return result;
      throw outOfReach('not enough working time', t, limit, false);
    }
    if (cal.lo <= limit) throw outOfReach('not enough working time', t, limit, false);
    extendToCover(cal, Math.max(limit, cal.lo - yearsNeeded(cal, -target) * YEAR), t);
  }
}

/**
 * Working seconds in [a, b); negative when b is before a. a and b at most MAX_QUERY_YEARS apart.
 * @example workingTimeBetweenEpoch(cal, monday0900, monday1800) // 32400
 */
export function workingTimeBetweenEpoch(cal: CompiledCalendar, a: number, b: number): number {
  if (b < a) return -workingTimeBetweenEpoch(cal, b, a);
  if (b - a > MAX_SPAN) throw spanTooLong(a, b);
  if (!(a >= cal.lo && b <= cal.hi)) extendToCover(cal, a, b);
  return workedBefore(cal, b) - workedBefore(cal, a);
}

function spanTooLong(a: number, b: number): RangeError {
  checkInstant(a);
  checkInstant(b);
  return new RangeError(
    `request spans more than ${MAX_QUERY_YEARS} years: ${formatInstant(a)} to ${formatInstant(b)}`,
  );
}

/** Whether t is working time (intervals are half-open: the opening instant works, the closing does not). */
export function isWorkingInstantEpoch(cal: CompiledCalendar, t: number): boolean {
  if (!covers(cal, t)) coverPoint(cal, t);
  return cal.starts[intervalAfter(cal, t)]! <= t;
}

/** t itself when it is working, else the next opening: where a late-start clock begins counting. */
export function nextWorkingInstantEpoch(cal: CompiledCalendar, t: number): number {
  if (!covers(cal, t)) coverPoint(cal, t);
  const i = intervalAfter(cal, t);
  const result = i === cal.count ? nextBeyondRange(cal, t) : Math.max(t, cal.starts[i]!);
  if (result - t > MAX_SPAN) throw outOfReach('no working time', t, t + MAX_SPAN, true);
  return result;
}

function nextBeyondRange(cal: CompiledCalendar, t: number): number {
  const limit = forwardLimit(t);
  let i = cal.count;
  while (i === cal.count) {
    if (cal.hi >= limit) throw outOfReach('no working time', t, limit, true);
    extendToCover(cal, t, Math.min(limit, cal.hi + yearsNeeded(cal, 0) * YEAR));
    i = intervalAfter(cal, t);
  }
  return Math.max(t, cal.starts[i]!);
}

/** The end of the working stretch containing t (t itself when t is not working). */
export function workingStretchEndEpoch(cal: CompiledCalendar, t: number): number {
  if (!covers(cal, t)) coverPoint(cal, t);
  const i = intervalAfter(cal, t);
  if (i === cal.count || cal.starts[i]! > t) return t;
  const limit = forwardLimit(t);
  let end = cal.ends[i]!;
  // A stretch cut at the compiled range's end may continue into the next year (up to the end of 9999).
  while (end === cal.hi && end < RANGE_END) {
    if (cal.hi >= limit) break;
    extendToCover(cal, t, Math.min(limit, cal.hi + yearsNeeded(cal, 0) * YEAR));
    end = cal.ends[intervalAfter(cal, t)]!;
  }
  if (end > limit || (end === cal.hi && end < RANGE_END)) {
    throw new RangeError(
      `request spans more than ${MAX_QUERY_YEARS} years: the working stretch at ${formatInstant(t)} lasts longer than that`,
    );
  }
  return end;
}

/** The merged working intervals overlapping [a, b), clipped to it, as [start, end] epoch-second pairs. */
export function workingIntervalsEpoch(cal: CompiledCalendar, a: number, b: number): Array<[number, number]> {
  if (b - a > MAX_SPAN) throw spanTooLong(a, b);
  if (!(a >= cal.lo && b <= cal.hi)) extendToCover(cal, a, b);
  const out: Array<[number, number]> = [];
  for (let i = intervalAfter(cal, a); i < cal.count && cal.starts[i]! < b; i++) {
    out.push([Math.max(a, cal.starts[i]!), Math.min(b, cal.ends[i]!)]);
  }
  return out;
}

// Temporal API: instants at millisecond precision, converted at the edges.

export function toEpochSeconds(instant: Temporal.Instant): number {
  return instant.epochMilliseconds / 1000;
}

export function fromEpochSeconds(seconds: number): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(Math.round(seconds * 1000));
}

/** @example addWorkingTime(cal, Temporal.Instant.from('2026-03-02T08:00:00Z'), 16 * 3600) */
export function addWorkingTime(
  cal: CompiledCalendar,
  instant: Temporal.Instant,
  seconds: number,
): Temporal.Instant {
  return fromEpochSeconds(addWorkingTimeEpoch(cal, toEpochSeconds(instant), seconds));
}

/** @example subtractWorkingTime(cal, Temporal.Instant.from('2026-03-03T08:30:00Z'), 3600) */
export function subtractWorkingTime(
  cal: CompiledCalendar,
  instant: Temporal.Instant,
  seconds: number,
): Temporal.Instant {
  return fromEpochSeconds(subtractWorkingTimeEpoch(cal, toEpochSeconds(instant), seconds));
}

/** Working seconds in [a, b). */
export function workingTimeBetween(cal: CompiledCalendar, a: Temporal.Instant, b: Temporal.Instant): number {
  return workingTimeBetweenEpoch(cal, toEpochSeconds(a), toEpochSeconds(b));
}

export function isWorkingInstant(cal: CompiledCalendar, instant: Temporal.Instant): boolean {
  return isWorkingInstantEpoch(cal, toEpochSeconds(instant));
}

export function nextWorkingInstant(cal: CompiledCalendar, instant: Temporal.Instant): Temporal.Instant {
  return fromEpochSeconds(nextWorkingInstantEpoch(cal, toEpochSeconds(instant)));
}
