import { civilFromDays, daysFromCivil, isoWeekday, parseLocalDate } from './calendar.civil.ts';
import { holidayReader } from './calendar.holidays.ts';
import {
  type CalendarSpec,
  calendarSpecSchema,
  type DayInterval,
  formatPath,
  parseHours,
  WEEK_DAYS,
} from './calendar.schema.ts';
import { offsetSegments } from './calendar.zone.ts';
import { durationSeconds } from './duration.ts';

const DAY = 86_400;
/** Years the engine compiles; Temporal and date-holidays are reliable inside this range. */
export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;
/** First and end second of the supported range: 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z. */
export const RANGE_START = daysFromCivil(MIN_YEAR, 1, 1) * DAY;
export const RANGE_END = daysFromCivil(MAX_YEAR + 1, 1, 1) * DAY;
/**
 * How far one query may reach: its answer (or, for a span query, its end) must lie within this many
 * years of 365.2425 days of its start, so one query compiles at most MAX_QUERY_YEARS + 4 UTC years
 * (the years it touches and one on each side). No real SLA comes near it; it keeps a query over a
 * calendar without working time (a closure to the far future) or a huge duration prompt.
 */
export const MAX_QUERY_YEARS = 200;
export const MAX_QUERY_SECONDS = MAX_QUERY_YEARS * 31_556_952;
// The years [from, from + MAX_QUERY_SECONDS] touch at most MAX_QUERY_YEARS + 2 UTC years, plus a spare each side.
const MAX_WINDOW_YEARS = MAX_QUERY_YEARS + 4;

/**
 * A calendar compiled into sorted, merged UTC working intervals [starts[i], ends[i]) in epoch seconds,
 * with running totals: cum[i] = working seconds from `lo` to starts[i], cumEnd[i] = cum[i] + length.
 * Index `count` of each array is a sentinel (starts/ends/cumEnd = +∞, cum = total) so scans need no
 * bounds checks. Two indexes replace binary searches: dayFirst[d] is the first interval ending after
 * lo + d days, cumFirst[k] the first interval whose cumEnd reaches k × bucket seconds of working time.
 * The arrays cover [lo, hi) and are replaced (never mutated) when a query leaves that range; lo and hi
 * are NaN before the first compile.
 */
export type CompiledCalendar = {
  readonly spec: CalendarSpec;
  readonly timeZone: string;
  /** Seconds of working time in one working day ("N working days" = N × this). */
  readonly workingDayLength: number;
  lo: number;
  hi: number;
  count: number;
  total: number;
  starts: Float64Array;
  ends: Float64Array;
  cum: Float64Array;
  cumEnd: Float64Array;
  dayFirst: Int32Array;
  cumFirst: Int32Array;
  bucket: number;
  /** Effective working hours of a local date (epoch day): exception, else holiday, else weekly hours. */
  readonly hoursOn: (epochDay: number) => readonly DayInterval[];
};

export type CompileOptions = { fromYear?: number; toYear?: number };

/**
 * Compiles a validated calendar; queries outside the compiled years extend it lazily.
 * @example const cal = compileCalendar(spec, { fromYear: 2026, toYear: 2030 });
 */
export function compileCalendar(spec: CalendarSpec, options: CompileOptions = {}): CompiledCalendar {
  const checked = calendarSpecSchema.safeParse(spec);
  if (!checked.success) {
    const first = checked.error.issues[0];
    throw new RangeError(`invalid calendar at ${formatPath(first?.path ?? [])}: ${first?.message}`);
  }
  const cal: CompiledCalendar = {
    spec,
    timeZone: spec.timeZone,
    workingDayLength: workingDayLengthOf(spec),
    // NaN until the first compile, so every "is it covered" comparison fails and compiles first.
    lo: Number.NaN,
    hi: Number.NaN,
    count: 0,
    total: 0,
    starts: new Float64Array(0),
    ends: new Float64Array(0),
    cum: new Float64Array(0),
    cumEnd: new Float64Array(0),
    dayFirst: new Int32Array(0),
    cumFirst: new Int32Array(0),
    bucket: 1,
    hoursOn: dayHoursLookup(spec),
  };
  if (options.fromYear !== undefined || options.toYear !== undefined) {
    const from = options.fromYear ?? options.toYear!;
    rebuild(cal, from, options.toYear ?? from);
  }
  return cal;
}

/** The configured working-day length, or the most common length of a working weekday (ties: longer). */
export function workingDayLengthOf(spec: CalendarSpec): number {
  if (spec.workingDayLength !== undefined) return durationSeconds(spec.workingDayLength);
  const counts = new Map<number, number>();
  for (const day of WEEK_DAYS) {
    const length = parseHours(spec.week[day]).reduce((sum, i) => sum + i.end - i.start, 0);
    if (length > 0) counts.set(length, (counts.get(length) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [length, count] of counts) {
    if (count > bestCount || (count === bestCount && length > best)) [best, bestCount] = [length, count];
  }
  return best;
}

function dayHoursLookup(spec: CalendarSpec): (epochDay: number) => readonly DayInterval[] {
  const sortHours = (list: readonly string[] | undefined) =>
    parseHours(list).sort((a, b) => a.start - b.start);
  const weekly = WEEK_DAYS.map((day) => sortHours(spec.week[day]));
  const explicit = new Map((spec.exceptions ?? []).map((e) => [parseLocalDate(e.date), sortHours(e.hours)]));
  const holidays = new Map<number, DayInterval[]>();
  const resolvedYears = new Set<number>();
  const read = spec.holidays === undefined ? undefined : holidayReader(spec.holidays, spec.week);
  return (epochDay) => {
    const exception = explicit.get(epochDay);
    if (exception !== undefined) return exception;
    if (read !== undefined) {
      const year = civilFromDays(epochDay).year;
      if (!resolvedYears.has(year)) {
        resolvedYears.add(year);
        for (const h of read(year, year)) {
          const day = parseLocalDate(h.date);
          if (!holidays.has(day)) holidays.set(day, sortHours(h.hours));
        }
      }
      const holiday = holidays.get(epochDay);
      if (holiday !== undefined) return holiday;
    }
    return weekly[isoWeekday(epochDay) - 1]!;
  };
}

/** First second of a UTC year. */
function yearStart(year: number): number {
  return daysFromCivil(year, 1, 1) * DAY;
}

/** The UTC year containing epoch second t. */
export function yearOf(t: number): number {
  return civilFromDays(Math.floor(t / DAY)).year;
}

/** Recompiles the calendar for the UTC years fromYear..toYear (inclusive, at most MAX_QUERY_YEARS + 4). */
export function rebuild(cal: CompiledCalendar, fromYear: number, toYear: number): void {
  if (!(Number.isInteger(fromYear) && Number.isInteger(toYear) && fromYear <= toYear)) {
    throw new RangeError(
      `compiled years must be whole numbers with fromYear ≤ toYear, got ${fromYear}..${toYear}`,
    );
  }
  if (fromYear < MIN_YEAR || toYear > MAX_YEAR) {
    throw new RangeError(
      `years ${fromYear}..${toYear} are beyond the supported range ${MIN_YEAR_TEXT}–${MAX_YEAR_TEXT}`,
    );
  }
  if (toYear - fromYear + 1 > MAX_WINDOW_YEARS) {
    throw new RangeError(
      `years ${fromYear}..${toYear}: the engine compiles at most ${MAX_WINDOW_YEARS} years at once`,
    );
  }
  const lo = yearStart(fromYear);
  const hi = yearStart(toYear + 1);
  const closures = closuresOf(cal.spec);
  const pieces = subtractClosures(mergePieces(localPiecesToUtc(cal, lo, hi, closures)), closures);
  const count = pieces.length / 2;
  const starts = new Float64Array(count + 1);
  const ends = new Float64Array(count + 1);
  const cum = new Float64Array(count + 1);
  const cumEnd = new Float64Array(count + 1);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const start = Math.max(lo, pieces[2 * i]!);
    const end = Math.min(hi, pieces[2 * i + 1]!);
    starts[i] = start;
    ends[i] = end;
    cum[i] = total;
    total += end - start;
    cumEnd[i] = total;
  }
  starts[count] = Number.POSITIVE_INFINITY;
  ends[count] = Number.POSITIVE_INFINITY;
  cum[count] = total;
  cumEnd[count] = Number.POSITIVE_INFINITY;
  const bucket = Math.min(DAY, Math.max(60, Math.floor(total / Math.max(1, count) / 2)));
  const dayFirst = firstIndexes(ends, count, Math.round((hi - lo) / DAY), DAY, lo, (a, b) => a <= b);
  const cumFirst = firstIndexes(cumEnd, count, Math.floor(total / bucket) + 1, bucket, 0, (a, b) => a < b);
  Object.assign(cal, { lo, hi, count, total, starts, ends, cum, cumEnd, dayFirst, cumFirst, bucket });
}

// index[k] = first i < count with !before(values[i], origin + k × step), or count; k = 0..size.
function firstIndexes(
  values: Float64Array,
  count: number,
  size: number,
  step: number,
  origin: number,
  before: (value: number, bound: number) => boolean,
): Int32Array {
  const index = new Int32Array(size + 1);
  let i = 0;
  for (let k = 0; k <= size; k++) {
    const bound = origin + k * step;
    while (i < count && before(values[i]!, bound)) i++;
    index[k] = i;
  }
  return index;
}

// Every local interval of every date near [lo, hi), mapped to UTC through the zone's offset segments.
// Dates whose hours could only fall inside a closure are skipped without reading their hours (or
// resolving their year's holidays), so a closure for decades costs next to nothing.
function localPiecesToUtc(
  cal: CompiledCalendar,
  lo: number,
  hi: number,
  closures: readonly number[],
): Array<[number, number]> {
  const segments = offsetSegments(cal.timeZone, lo - 3 * DAY, hi + 3 * DAY);
  const pieces: Array<[number, number]> = [];
  let first = 0;
  let closure = 0;
  const lastDay = Math.floor(hi / DAY) + 2;
  for (let day = Math.floor(lo / DAY) - 2; day <= lastDay; day++) {
    // A date's hours (up to 48 h with an overnight tail) lie within [day − 2, day + 4) days in UTC.
    while (closure < closures.length && closures[closure + 1]! < (day + 4) * DAY) closure += 2;
    if (closure < closures.length && closures[closure]! <= (day - 2) * DAY) continue;
    for (const interval of cal.hoursOn(day)) {
      const a = day * DAY + interval.start;
      const b = day * DAY + interval.end;
      // Offsets stay within ±26 h, so segments ending more than 2 days before `a` never matter again.
      while (first < segments.length - 1 && segments[first]!.end <= a - 2 * DAY) first++;
      for (let k = first; k < segments.length && segments[k]!.start < b + 2 * DAY; k++) {
        const segment = segments[k]!;
        const start = Math.max(segment.start, a - segment.offset);
        const end = Math.min(segment.end, b - segment.offset);
        if (start < end && end > lo && start < hi) pieces.push([start, end]);
      }
    }
  }
  return pieces;
}

// Sorts and merges overlapping or touching pieces into a flat [s0, e0, s1, e1, …] list.
function mergePieces(pieces: Array<[number, number]>): number[] {
  pieces.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [start, end] of pieces) {
    const last = out.length - 1;
    if (last > 0 && start <= out[last]!) out[last] = Math.max(out[last]!, end);
    else out.push(start, end);
  }
  return out;
}

function closuresOf(spec: CalendarSpec): number[] {
  const pieces = (spec.closures ?? []).map((c): [number, number] => [
    Date.parse(c.start) / 1000,
    Date.parse(c.end) / 1000,
  ]);
  return mergePieces(pieces);
}

// Removes closure ranges from merged working intervals (both flat, sorted lists).
function subtractClosures(work: number[], closures: number[]): number[] {
  if (closures.length === 0) return work;
  const out: number[] = [];
  let c = 0;
  for (let i = 0; i < work.length; i += 2) {
    let start = work[i]!;
    const end = work[i + 1]!;
    while (c < closures.length && closures[c + 1]! <= start) c += 2;
    for (let k = c; k < closures.length && closures[k]! < end; k += 2) {
      if (closures[k]! > start) out.push(start, closures[k]!);
      start = Math.max(start, closures[k + 1]!);
    }
    if (start < end) out.push(start, end);
  }
  return out;
}

const MIN_YEAR_TEXT = String(MIN_YEAR).padStart(4, '0');
const MAX_YEAR_TEXT = String(MAX_YEAR);

/** The supported range as text, for error messages. */
export const SUPPORTED_RANGE_TEXT = `${MIN_YEAR_TEXT}–${MAX_YEAR_TEXT}`;

/** An epoch second as ISO 8601 UTC text for error messages (the number itself when Date cannot show it). */
export function formatInstant(t: number): string {
  if (!(Math.abs(t) <= 8.64e12)) return `${t} s`;
  return new Date(Math.round(t * 1000)).toISOString().replace('.000Z', 'Z');
}

/** Throws a RangeError unless t is a finite epoch second inside [RANGE_START, RANGE_END]. */
export function checkInstant(t: number): void {
  if (!Number.isFinite(t)) throw new RangeError(`instant must be a finite number of seconds, got ${t}`);
  if (t < RANGE_START || t > RANGE_END) {
    throw new RangeError(`instant ${formatInstant(t)} is beyond the supported range ${SUPPORTED_RANGE_TEXT}`);
  }
}

/**
 * Makes sure the compiled range contains every epoch second in [from, to] (to ≤ RANGE_END; to − from at
 * most MAX_QUERY_SECONDS); outside the hot path. Compiles whole UTC years with one spare year each side,
 * keeping the years already compiled when they are near and the union stays small enough.
 */
export function extendToCover(cal: CompiledCalendar, from: number, to: number): void {
  checkInstant(from);
  checkInstant(to);
  if (cal.hi > cal.lo && from >= cal.lo && to < cal.hi) return;
  if (to - from > MAX_QUERY_SECONDS) {
    throw new RangeError(
      `request spans more than ${MAX_QUERY_YEARS} years (${formatInstant(from)} to ${formatInstant(to)})`,
    );
  }
  const wantFrom = Math.max(MIN_YEAR, yearOf(from) - 1);
  const wantTo = Math.min(MAX_YEAR, yearOf(to) + 1);
  if (!(cal.hi > cal.lo)) {
    rebuild(cal, wantFrom, wantTo);
    return;
  }
  const haveFrom = yearOf(cal.lo);
  const haveTo = yearOf(cal.hi - 1);
  // Keep what is compiled when the new years are near it; otherwise start a fresh window at the query.
  const fromYear = Math.min(wantFrom, haveFrom);
  const toYear = Math.max(wantTo, haveTo);
  const near = wantFrom <= haveTo + 50 && wantTo >= haveFrom - 50;
  if (near && toYear - fromYear + 1 <= MAX_WINDOW_YEARS) rebuild(cal, fromYear, toYear);
  else rebuild(cal, wantFrom, wantTo);
}
