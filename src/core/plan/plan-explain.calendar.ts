import { workingDayLengthOf } from '../calendar/calendar.compile.ts';
import type { CalendarSpec } from '../calendar/calendar.schema.ts';
import { humanSeconds } from './plan-explain.words.ts';

/** The calendar's working-day length in words, e.g. "9 hours". */
export function workingDayLengthOfSpec(spec: CalendarSpec): string {
  return humanSeconds(workingDayLengthOf(spec));
}
