import { Temporal } from 'temporal-polyfill';
import { daysFromCivil, formatLocalDate } from './calendar.civil.ts';
import {
  type CompiledCalendar,
  formatInstant,
  MAX_QUERY_SECONDS,
  MAX_QUERY_YEARS,
  MAX_YEAR,
  RANGE_END,
  SUPPORTED_RANGE_TEXT,
} from './calendar.compile.ts';
import {
  addWorkingTimeEpoch,
  fromEpochSeconds,
  isWorkingInstantEpoch,
  nextWorkingInstantEpoch,
  toEpochSeconds,
} from './calendar.ops.ts';

/**
 * How "N working days" is counted:
 * - 'working-day-length': N × the calendar's working-day length of working time (R2.4's SLA rule).
 * - 'same-local-time': the same local wall-clock time on the N-th working day after the start.
 */
export type WorkingDaySemantics = 'working-day-length' | 'same-local-time';
export const WORKING_DAY_SEMANTICS = ['working-day-length', 'same-local-time'] as const;

/**
 * Adds n ≥ 0 whole working days to an epoch second.
 * @example addWorkingDaysEpoch(cal, friday1000, 1, 'same-local-time') // monday 10:00
 */
export function addWorkingDaysEpoch(
  cal: CompiledCalendar,
  t: number,
  n: number,
  semantics: WorkingDaySemantics,
): number {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  if (semantics === 'working-day-length') return addWorkingTimeEpoch(cal, t, n * cal.workingDayLength);
  return addSameLocalTime(cal, t, n);
}

/** Temporal form of addWorkingDaysEpoch. */
export function addWorkingDays(
  cal: CompiledCalendar,
  instant: Temporal.Instant,
  n: number,
  semantics: WorkingDaySemantics,
): Temporal.Instant {
  return fromEpochSeconds(addWorkingDaysEpoch(cal, toEpochSeconds(instant), n, semantics));
}

/** A local date is a working day when its effective hours (weekly, holiday or exception) are not empty. */
export function isWorkingDay(cal: CompiledCalendar, epochDay: number): boolean {
  return cal.hoursOn(epochDay).length > 0;
}

// A start outside working hours first moves to the next opening (as business_time does; so 0 days from a
// Saturday is Monday's opening), then the local date steps over n working days keeping the wall time. A
// wall time that does not exist on the target date resolves forward ('compatible'); a repeated one takes
// its first occurrence.
// The day loop is bounded like every query: at most MAX_QUERY_YEARS of dates, never past 9999-12-31.
function addSameLocalTime(cal: CompiledCalendar, t: number, n: number): number {
  // n working days are n distinct dates: more than the dates in MAX_QUERY_YEARS can never fit.
  if (n > MAX_QUERY_DAYS) throw tooFar(t, `${n} working days`);
  const start = isWorkingInstantEpoch(cal, t) ? t : nextWorkingInstantEpoch(cal, t);
  if (n === 0) return start;
  const local = fromEpochSeconds(start).toZonedDateTimeISO(cal.timeZone);
  let day = daysFromCivil(local.year, local.month, local.day);
  const lastDay = Math.min(LAST_DAY, day + MAX_QUERY_DAYS);
  for (let counted = 0; counted < n; ) {
    day += 1;
    if (day > lastDay) throw tooFar(t, `${n} working days`);
    if (isWorkingDay(cal, day)) counted += 1;
  }
  const target = Temporal.PlainDateTime.from(`${formatLocalDate(day)}T${local.toPlainTime().toString()}`);
  const zoned = target.toZonedDateTime(cal.timeZone, { disambiguation: 'compatible' });
  const result = zoned.epochMilliseconds / 1000;
  if (result > RANGE_END || result - t > MAX_QUERY_SECONDS) throw tooFar(t, `${n} working days`);
  return result;
}

const MAX_QUERY_DAYS = Math.floor(MAX_QUERY_SECONDS / 86_400);
const LAST_DAY = daysFromCivil(MAX_YEAR, 12, 31);

function tooFar(t: number, what: string): RangeError {
  return new RangeError(
    RANGE_END - t < MAX_QUERY_SECONDS
      ? `result beyond the supported range ${SUPPORTED_RANGE_TEXT}: ${what} after ${formatInstant(t)}`
      : `request spans more than ${MAX_QUERY_YEARS} years: ${what} after ${formatInstant(t)}`,
  );
}
