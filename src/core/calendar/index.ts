export { daysFromCivil, formatInterval, formatLocalDate, parseLocalDate } from './calendar.civil.ts';
export {
  type CompiledCalendar,
  type CompileOptions,
  compileCalendar,
  MAX_YEAR,
  MIN_YEAR,
  workingDayLengthOf,
} from './calendar.compile.ts';
export {
  addWorkingDays,
  addWorkingDaysEpoch,
  isWorkingDay,
  WORKING_DAY_SEMANTICS,
  type WorkingDaySemantics,
} from './calendar.days.ts';
export { type ResolvedHoliday, resolveHolidays } from './calendar.holidays.ts';
export {
  addWorkingTime,
  addWorkingTimeEpoch,
  fromEpochSeconds,
  isWorkingInstant,
  isWorkingInstantEpoch,
  nextWorkingInstant,
  nextWorkingInstantEpoch,
  subtractWorkingTime,
  subtractWorkingTimeEpoch,
  toEpochSeconds,
  workingIntervalsEpoch,
  workingStretchEndEpoch,
  workingTimeBetween,
  workingTimeBetweenEpoch,
} from './calendar.ops.ts';
export {
  alwaysOpenCalendarSpec,
  type CalendarClosure,
  type CalendarException,
  type CalendarHolidays,
  type CalendarSpec,
  type CalendarSpecIssue,
  type CalendarWeek,
  calendarSpecSchema,
  type DayInterval,
  formatPath,
  HOLIDAY_TYPES,
  type HolidayType,
  isKnownTimeZone,
  parseCalendarSpec,
  parseHours,
  parseIntervalText,
  WEEK_DAYS,
  type WeekDay,
} from './calendar.schema.ts';
export {
  DURATION_PATTERN,
  type DurationOptions,
  type DurationResult,
  durationOrZeroSchema,
  durationSchema,
  durationSeconds,
  formatDuration,
  parseDuration,
} from './duration.ts';
