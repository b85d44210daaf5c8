// Our engine seen through the bench's eyes, and the classification of a peer's disagreements.
import { Temporal } from 'temporal-polyfill';
import {
  addWorkingTimeEpoch,
  type CompiledCalendar,
  isWorkingInstantEpoch,
  nextWorkingInstantEpoch,
} from '../src/core/calendar/index.ts';

const ZONE = 'Europe/Berlin';

/** The numeric (epoch-second) API of our engine, bound to one compiled calendar. */
export interface Ours {
  add(epochSeconds: number, seconds: number): number;
  isWorking(epochSeconds: number): boolean;
  next(epochSeconds: number): number;
}

export function oursFor(cal: CompiledCalendar): Ours {
  return {
    add: (t, seconds) => addWorkingTimeEpoch(cal, t, seconds),
    isWorking: (t) => isWorkingInstantEpoch(cal, t),
    next: (t) => nextWorkingInstantEpoch(cal, t),
  };
}

/** Names why a peer's result differs from ours, most specific reason first. */
export function classifyDisagreement(ours: Ours, start: number, mine: number, theirs: number): string {
  if (!ours.isWorking(mine) && theirs === ours.next(mine)) {
    return 'ends exactly at closing time: ours shows the closing time, the peer returns the next opening';
  }
  if (Math.abs(theirs - mine) <= 60 && start % 60 !== 0) {
    return 'start has seconds: the peer counts whole minutes and lands up to 1 minute off';
  }
  if (hasDstChange(start, Math.max(mine, theirs))) return 'a DST change lies between start and result';
  return 'other';
}

function offsetAt(epochSeconds: number): number {
  return Temporal.Instant.fromEpochMilliseconds(epochSeconds * 1000).toZonedDateTimeISO(ZONE)
    .offsetNanoseconds;
}

function hasDstChange(from: number, to: number): boolean {
  return offsetAt(from) !== offsetAt(to);
}

/** The share of starts in working hours, outside hours on working days, on weekends and on holidays. */
export function describeStartMix(ours: Ours, starts: Float64Array, holidays: ReadonlySet<string>): string {
  const counts = {
    'in working hours': 0,
    'outside hours on a working day': 0,
    weekend: 0,
    'weekday holiday': 0,
  };
  for (const start of starts) {
    const zoned = Temporal.Instant.fromEpochMilliseconds(start * 1000).toZonedDateTimeISO(ZONE);
    if (ours.isWorking(start)) counts['in working hours']++;
    else if (zoned.dayOfWeek >= 6) counts.weekend++;
    else if (holidays.has(zoned.toPlainDate().toString())) counts['weekday holiday']++;
    else counts['outside hours on a working day']++;
  }
  const n = starts.length;
  return Object.entries(counts)
    .map(([label, count]) => `${label} ${((100 * count) / n).toFixed(1)} %`)
    .join(', ');
}
