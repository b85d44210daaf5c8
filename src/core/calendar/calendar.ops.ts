import { Temporal } from 'temporal-polyfill';
import { daysFromCivil } from './calendar.civil.ts';
import { type CompiledCalendar, extendToCover, MAX_YEAR, MIN_YEAR } from './calendar.compile.ts';

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

function checkSeconds(seconds: number): void {
  if (!Number.isFinite(seconds))
    throw new RangeError(`working time must be a finite number of seconds, got ${seconds}`);
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
  if (!covers(cal, t)) extendToCover(cal, t, t);
  const target = workedBefore(cal, t) + seconds;
  if (target > cal.total) return addBeyondRange(cal, t, seconds);
  const j = intervalReaching(cal, target, false);
  return cal.starts[j]! + (target - cal.cum[j]!);
}

// Slow path: grow the compiled range forward by an estimate of the years the remaining time needs.
function addBeyondRange(cal: CompiledCalendar, t: number, seconds: number): number {
  const remaining = workedBefore(cal, t) + seconds - cal.total;
  if (cal.hi >= RANGE_END) throw new RangeError(`no working time left before the year ${MAX_YEAR + 1}`);
  extendToCover(cal, t, Math.min(RANGE_END - 1, cal.hi + yearsNeeded(cal, remaining) * YEAR));
  return addWorkingTimeEpoch(cal, t, seconds);
}

const YEAR = 31_556_952;
const RANGE_START = daysFromCivil(MIN_YEAR, 1, 1) * DAY;
const RANGE_END = daysFromCivil(MAX_YEAR + 1, 1, 1) * DAY;

// Grows by at least the compiled span, so a long stretch without working time (a closure for years)
// costs a logarithmic number of rebuilds, not one per year.
function yearsNeeded(cal: CompiledCalendar, missing: number): number {
  const span = Math.max(1, Math.round((cal.hi - cal.lo) / YEAR));
  const perYear = cal.total / span;
  return perYear > 0 ? Math.max(span, Math.ceil(missing / perYear) + 1) : span;
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
  return cal.starts[j]! + (target - cal.cum[j]!);
}

function subtractBeyondRange(cal: CompiledCalendar, t: number, seconds: number): number {
  const missing = seconds - workedBefore(cal, t);
  if (cal.lo <= RANGE_START) throw new RangeError(`no working time left after the year ${MIN_YEAR}`);
  const from = Math.max(RANGE_START, cal.lo - yearsNeeded(cal, missing) * YEAR);
  extendToCover(cal, from, Math.min(t, cal.hi - 1));
  return subtractWorkingTimeEpoch(cal, t, seconds);
}

/**
 * Working seconds in [a, b); negative when b is before a.
 * @example workingTimeBetweenEpoch(cal, monday0900, monday1800) // 32400
 */
export function workingTimeBetweenEpoch(cal: CompiledCalendar, a: number, b: number): number {
  if (b < a) return -workingTimeBetweenEpoch(cal, b, a);
  if (!(a >= cal.lo && b <= cal.hi)) extendToCover(cal, a, b);
  return workedBefore(cal, b) - workedBefore(cal, a);
}

/** Whether t is working time (intervals are half-open: the opening instant works, the closing does not). */
export function isWorkingInstantEpoch(cal: CompiledCalendar, t: number): boolean {
  if (!covers(cal, t)) extendToCover(cal, t, t);
  return cal.starts[intervalAfter(cal, t)]! <= t;
}

/** t itself when it is working, else the next opening: where a late-start clock begins counting. */
export function nextWorkingInstantEpoch(cal: CompiledCalendar, t: number): number {
  if (!covers(cal, t)) extendToCover(cal, t, t);
  const i = intervalAfter(cal, t);
  if (i === cal.count) {
    if (cal.hi >= RANGE_END) throw new RangeError(`no working time left before the year ${MAX_YEAR + 1}`);
    extendToCover(cal, t, Math.min(RANGE_END - 1, cal.hi + yearsNeeded(cal, 0) * YEAR));
    return nextWorkingInstantEpoch(cal, t);
  }
  return Math.max(t, cal.starts[i]!);
}

/** The end of the working stretch containing t (t itself when t is not working). */
export function workingStretchEndEpoch(cal: CompiledCalendar, t: number): number {
  if (!covers(cal, t)) extendToCover(cal, t, t);
  const i = intervalAfter(cal, t);
  if (i === cal.count || cal.starts[i]! > t) return t;
  const end = cal.ends[i]!;
  // A stretch cut at the compiled range's end may continue into the next year.
  return end === cal.hi ? workingStretchEndEpoch(cal, end) : end;
}

/** The merged working intervals overlapping [a, b), clipped to it, as [start, end] epoch-second pairs. */
export function workingIntervalsEpoch(cal: CompiledCalendar, a: number, b: number): Array<[number, number]> {
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
