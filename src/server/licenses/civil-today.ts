import { Temporal } from 'temporal-polyfill';
import { type CivilDate, civilDateIn } from '../../core/contract/civil-date.ts';

type DayWindow = { date: CivilDate; fromMs: number; toMs: number };

const windows = new Map<string, DayWindow>();

/**
 * civilDateIn(now, timeZone), remembering per zone the instants the current civil day starts and
 * ends, so the hot validation path converts an instant to a date with two comparisons instead of
 * a Temporal zone conversion. Exact: any instant outside the remembered day is converted afresh
 * (clocks may jump either way); DST days are as long as the zone makes them.
 */
export function civilToday(now: Date, timeZone: string): CivilDate {
  const ms = now.getTime();
  const known = windows.get(timeZone);
  if (known && ms >= known.fromMs && ms < known.toMs) return known.date;
  const date = civilDateIn(now, timeZone);
  const day = Temporal.PlainDate.from(date);
  windows.set(timeZone, {
    date,
    fromMs: day.toZonedDateTime({ timeZone }).epochMilliseconds,
    toMs: day.add({ days: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds,
  });
  return date;
}
