import { formatInterval, formatLocalDate, isoWeekday, parseLocalDate } from './calendar.civil.ts';
import {
  type CalendarHolidays,
  type CalendarWeek,
  type DayInterval,
  type HolidayType,
  parseHours,
  WEEK_DAYS,
} from './calendar.schema.ts';
import { holidaySource, type RawHoliday } from './holidays.source.ts';

/** A holiday as a dated exception: what an admin reviews, and may copy into `exceptions` to edit. */
export type ResolvedHoliday = {
  date: string;
  name: string;
  type: HolidayType;
  /** Working hours left on that date: [] for a whole-day holiday, the morning for "from 14:00". */
  hours: string[];
};

/**
 * The holidays of `holidays` for the years fromYear..toYear (inclusive), as dated exceptions over `week`.
 * Only the configured types are kept (`public` by default); several holidays on one date are merged.
 * @example resolveHolidays({ country: 'DE', region: 'BY' }, 2026, 2026, week)[0] // { date: '2026-01-01', name: 'Neujahr', type: 'public', hours: [] }
 */
export function resolveHolidays(
  holidays: CalendarHolidays,
  fromYear: number,
  toYear: number,
  week: CalendarWeek,
): ResolvedHoliday[] {
  return holidayReader(holidays, week)(fromYear, toYear);
}

/** A reusable reader (one date-holidays instance) for compiling a calendar year by year. */
export function holidayReader(
  holidays: CalendarHolidays,
  week: CalendarWeek,
): (fromYear: number, toYear: number) => ResolvedHoliday[] {
  const source = holidaySource(holidays);
  const types = new Set<HolidayType>(holidays.types ?? ['public']);
  return (fromYear, toYear) => {
    const byDate = new Map<string, ResolvedHoliday & { closedFrom: number }>();
    for (let year = fromYear; year <= toYear; year++) {
      for (const raw of source(year)) {
        if (types.has(raw.type)) addHolidayDays(byDate, raw);
      }
    }
    return [...byDate.values()]
      .sort((a, b) => (a.date < b.date ? -1 : 1))
      .map(({ closedFrom, ...holiday }) => ({
        ...holiday,
        hours: hoursBefore(week, holiday.date, closedFrom),
      }));
  };
}

function addHolidayDays(
  byDate: Map<string, ResolvedHoliday & { closedFrom: number }>,
  raw: RawHoliday,
): void {
  const first = parseLocalDate(raw.date);
  for (let offset = 0; offset < raw.days; offset++) {
    const date = formatLocalDate(first + offset);
    const closedFrom = offset === 0 ? raw.startSecond : 0;
    const known = byDate.get(date);
    if (known === undefined) {
      byDate.set(date, { date, name: raw.name, type: raw.type, hours: [], closedFrom });
    } else if (!known.name.split(' / ').includes(raw.name)) {
      // Two holidays on one date: the earlier closing wins, both names stay visible.
      known.name = `${known.name} / ${raw.name}`;
      known.closedFrom = Math.min(known.closedFrom, closedFrom);
    }
  }
}

// A partial-day holiday (Christmas Eve from 14:00) keeps the weekly hours that start before it, cut there.
function hoursBefore(week: CalendarWeek, date: string, closedFrom: number): string[] {
  if (closedFrom === 0) return [];
  const day = WEEK_DAYS[isoWeekday(parseLocalDate(date)) - 1]!;
  return parseHours(week[day])
    .filter((interval: DayInterval) => interval.start < closedFrom)
    .map((interval) => formatInterval(interval.start, Math.min(interval.end, closedFrom)));
}
