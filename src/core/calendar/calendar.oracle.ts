import { Temporal } from 'temporal-polyfill';

// A brute-force model of a calendar for tests: it decides for a single instant whether its local wall
// time (found with Temporal, instant by instant) lies in working hours. It never looks at the engine's
// compiled intervals, so agreement between the two is evidence, not tautology.

/** Structured hours: [start, end) seconds after local midnight; end > 86 400 runs into the next date. */
export type OracleHours = ReadonlyArray<readonly [number, number]>;

export type OracleCalendar = {
  timeZone: string;
  /** Index 0 = Monday … 6 = Sunday. */
  week: readonly OracleHours[];
  /** Local date "YYYY-MM-DD" → hours replacing that date's weekly hours. */
  exceptions: ReadonlyMap<string, OracleHours>;
  /** [start, end) epoch-second ranges without working time. */
  closures: ReadonlyArray<readonly [number, number]>;
};

const DAY = 86_400;

/** Hours in force on a local date. */
function hoursOn(cal: OracleCalendar, date: Temporal.PlainDate): OracleHours {
  return cal.exceptions.get(date.toString()) ?? cal.week[date.dayOfWeek - 1] ?? [];
}

/**
 * Whether epoch second t is working: its wall time is inside its date's hours or the previous date's
 * overnight tail, and t is in no closure.
 */
export function oracleIsWorking(cal: OracleCalendar, t: number): boolean {
  if (cal.closures.some(([start, end]) => t >= start && t < end)) return false;
  const wall = Temporal.Instant.fromEpochMilliseconds(Math.floor(t) * 1000).toZonedDateTimeISO(cal.timeZone);
  const second = wall.hour * 3600 + wall.minute * 60 + wall.second;
  const date = wall.toPlainDate();
  if (hoursOn(cal, date).some(([start, end]) => second >= start && second < end)) return true;
  const previous = date.subtract({ days: 1 });
  return hoursOn(cal, previous).some(([, end]) => end > DAY && second < end - DAY);
}

/**
 * The oracle steps second by second. In the generated calendars every boundary (hours, closures and the
 * zones' offset changes since 1990) falls on a whole minute, so one Temporal lookup per minute decides
 * all 60 seconds of it; `memo` caches those lookups across calls on one calendar.
 */
export function oracleModel(cal: OracleCalendar) {
  const memo = new Map<number, boolean>();
  const isWorking = (t: number): boolean => {
    const minute = Math.floor(t / 60) * 60;
    let known = memo.get(minute);
    if (known === undefined) {
      known = oracleIsWorking(cal, minute);
      memo.set(minute, known);
    }
    return known;
  };
  const nextBoundary = (t: number) => Math.floor(t / 60) * 60 + 60;

  /** Working seconds in [a, b). */
  const between = (a: number, b: number): number => {
    let total = 0;
    for (let t = a; t < b; ) {
      const stop = Math.min(b, nextBoundary(t));
      if (isWorking(t)) total += stop - t;
      t = stop;
    }
    return total;
  };

  /** Earliest u ≥ t with `seconds` working seconds in [t, u); undefined when beyond `limit`. */
  const add = (t: number, seconds: number, limit: number): number | undefined => {
    let left = seconds;
    let u = t;
    while (left > 0) {
      if (u > limit) return undefined;
      const stop = nextBoundary(u);
      if (isWorking(u)) {
        const take = Math.min(left, stop - u);
        left -= take;
        u += take;
      } else {
        u = stop;
      }
    }
    return u;
  };

  /** First working second at or after t; undefined when beyond `limit`. */
  const next = (t: number, limit: number): number | undefined => {
    for (let u = t; u <= limit; u = nextBoundary(u)) if (isWorking(u)) return u;
    return undefined;
  };

  return { isWorking, between, add, next };
}
