import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { type CompiledCalendar, compileCalendar } from './calendar.compile.ts';
import { addWorkingDaysEpoch } from './calendar.days.ts';
import {
  addWorkingTimeEpoch,
  isWorkingInstantEpoch,
  nextWorkingInstantEpoch,
  subtractWorkingTimeEpoch,
  workingTimeBetweenEpoch,
} from './calendar.ops.ts';
import { type OracleCalendar, type OracleHours, oracleIsWorking, oracleModel } from './calendar.oracle.ts';
import { type CalendarSpec, parseCalendarSpec, WEEK_DAYS } from './calendar.schema.ts';

// Random calendars (breaks, split shifts, overnight shifts, exceptions, closures) around the DST and
// offset changes of five zones, checked against the brute-force oracle of calendar.oracle.ts.

const DAY = 86_400;
const ZONE_DATES: Record<string, string[]> = {
  'Europe/Berlin': ['2026-03-29', '2026-10-25', '2027-03-28'],
  'America/New_York': ['2026-03-08', '2026-11-01'],
  'Australia/Lord_Howe': ['2026-04-05', '2026-10-04'],
  'Asia/Kathmandu': ['1986-01-01', '2026-06-15'],
  'Pacific/Apia': ['2011-12-30', '2011-04-02', '2011-09-24'],
};

// Boundaries favour the hours where clocks change (01:30, 02:00, 02:30, 03:00) and office hours.
const minuteArb = fc.oneof(
  fc.constantFrom(0, 60, 90, 120, 150, 180, 210, 540, 720, 780, 1080, 1320, 1440),
  fc.integer({ min: 0, max: 1440 }),
);

const dayHoursArb = fc
  .record({
    points: fc.uniqueArray(minuteArb, { maxLength: 6 }),
    overnight: fc.option(fc.record({ start: minuteArb, end: fc.integer({ min: 1, max: 600 }) }), {
      nil: undefined,
    }),
  })
  .map(({ points, overnight }) => {
    const sorted = [...points].sort((a, b) => a - b);
    const hours: Array<[number, number]> = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) hours.push([sorted[i]! * 60, sorted[i + 1]! * 60]);
    const lastEnd = hours.at(-1)?.[1] ?? 0;
    // An overnight shift starts after the day's last interval and ends (next day) no later than it starts.
    if (overnight !== undefined && overnight.start * 60 > lastEnd && overnight.start < 1440) {
      const endNext = Math.min(overnight.end, overnight.start) * 60;
      hours.push([overnight.start * 60, DAY + endNext]);
    }
    return hours;
  });

type Generated = { spec: CalendarSpec; oracle: OracleCalendar; base: number };

function fmt(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

function toText(hours: OracleHours): string[] {
  return hours.map(([s, e]) => (e > DAY ? `${fmt(s)}-${fmt(e - DAY)}+1` : `${fmt(s)}-${fmt(e)}`));
}

// The weekly overnight tail may not overlap the next weekday's hours: cut it at the next day's opening.
function fixOvernightTails(week: Array<Array<[number, number]>>): void {
  week.forEach((hours, index) => {
    const nextStart = week[(index + 1) % 7]![0]?.[0] ?? DAY;
    for (const interval of hours) {
      if (interval[1] > DAY) interval[1] = Math.min(interval[1], DAY + nextStart);
    }
    const kept = hours.filter(([s, e]) => e > s);
    hours.splice(0, hours.length, ...kept);
  });
}

const calendarArb: fc.Arbitrary<Generated> = fc
  .record({
    zone: fc.constantFrom(...Object.keys(ZONE_DATES)),
    pick: fc.nat(),
    randomDay: fc.integer({ min: 9000, max: 24000 }),
    useRandomDay: fc.boolean(),
    week: fc.array(dayHoursArb, { minLength: 7, maxLength: 7 }),
    exceptions: fc.array(fc.record({ offset: fc.integer({ min: -4, max: 4 }), hours: dayHoursArb }), {
      maxLength: 3,
    }),
    closures: fc.array(
      fc.record({
        at: fc.integer({ min: -4 * 1440, max: 4 * 1440 }),
        length: fc.integer({ min: 1, max: 720 }),
      }),
      { maxLength: 2 },
    ),
  })
  .map((r): Generated | undefined => {
    const dates = ZONE_DATES[r.zone]!;
    const baseDate = r.useRandomDay
      ? Temporal.PlainDate.from('1970-01-01').add({ days: r.randomDay })
      : Temporal.PlainDate.from(dates[r.pick % dates.length]!);
    const base = baseDate.toZonedDateTime(r.zone).epochMilliseconds / 1000;
    const week = r.week.map((h) => h.map(([s, e]) => [s, e] as [number, number]));
    fixOvernightTails(week);
    if (week.every((h) => h.length === 0)) week[0] = [[9 * 3600, 17 * 3600]];
    const exceptions = new Map<string, OracleHours>();
    for (const e of r.exceptions) exceptions.set(baseDate.add({ days: e.offset }).toString(), e.hours);
    const closures = r.closures.map((c) => [base + c.at * 60, base + (c.at + c.length) * 60] as const);
    const spec = {
      timeZone: r.zone,
      week: Object.fromEntries(WEEK_DAYS.map((day, i) => [day, toText(week[i]!)])),
      exceptions: [...exceptions].map(([date, hours]) => ({ date, hours: toText(hours) })),
      closures: closures.map(([s, e]) => ({
        start: new Date(s * 1000).toISOString(),
        end: new Date(e * 1000).toISOString(),
      })),
    };
    const parsed = parseCalendarSpec(spec);
    if (!parsed.ok) return undefined;
    return { spec: parsed.spec, oracle: { timeZone: r.zone, week, exceptions, closures }, base };
  })
  .filter((g): g is Generated => g !== undefined);

// Whole hours and minutes are favoured so that starts and results often fall exactly on openings and
// closings, where the conventions (C1, C4) decide.
const secondsArb = fc.oneof(
  fc.integer({ min: -2 * DAY, max: 2 * DAY }),
  fc.integer({ min: -48, max: 48 }).map((h) => h * 3600),
  fc.integer({ min: -48 * 60, max: 48 * 60 }).map((m) => m * 60),
);
function durationArb(maxHours: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: 1, max: maxHours * 3600 }),
    fc.integer({ min: 1, max: maxHours }).map((h) => h * 3600),
    fc.integer({ min: 1, max: maxHours * 60 }).map((m) => m * 60),
  );
}
const RUNS = { numRuns: 60 };

function setup(g: Generated): { cal: CompiledCalendar; model: ReturnType<typeof oracleModel> } {
  return { cal: compileCalendar(g.spec), model: oracleModel(g.oracle) };
}

describe('calendar engine agrees with the second-by-second oracle (Berlin, New York, Lord Howe, Kathmandu, Apia)', () => {
  it('isWorkingInstant: an instant works iff its wall time is in its date hours, not in a closure', () => {
    fc.assert(
      fc.property(calendarArb, fc.array(secondsArb, { minLength: 5, maxLength: 20 }), (g, offsets) => {
        // Second by second, straight from Temporal: no per-minute shortcut here.
        const cal = compileCalendar(g.spec);
        for (const offset of offsets) {
          expect(isWorkingInstantEpoch(cal, g.base + offset), `at ${g.base + offset}`).toBe(
            oracleIsWorking(g.oracle, g.base + offset),
          );
        }
      }),
      RUNS,
    );
  });

  it('workingTimeBetween counts the working seconds in [a, b)', () => {
    fc.assert(
      fc.property(calendarArb, secondsArb, fc.integer({ min: 0, max: 2 * DAY }), (g, offset, length) => {
        const { cal, model } = setup(g);
        const a = g.base + offset;
        expect(workingTimeBetweenEpoch(cal, a, a + length)).toBe(model.between(a, a + length));
        expect(workingTimeBetweenEpoch(cal, a + length, a) + 0).toBe(0 - model.between(a, a + length));
      }),
      RUNS,
    );
  });

  it('addWorkingTime returns the earliest instant with that much working time elapsed', () => {
    fc.assert(
      fc.property(calendarArb, secondsArb, durationArb(20), (g, offset, seconds) => {
        const { cal, model } = setup(g);
        const t = g.base + offset;
        const limit = t + 8 * DAY;
        const expected = model.add(t, seconds, limit);
        const actual = addWorkingTimeEpoch(cal, t, seconds);
        if (expected === undefined) expect(actual).toBeGreaterThan(limit - 60);
        else expect(actual).toBe(expected);
      }),
      RUNS,
    );
  });

  it('C1: adding the working time of [t, e) lands on e or, when e is not working, on the closing before it', () => {
    fc.assert(
      fc.property(calendarArb, secondsArb, fc.integer({ min: 1, max: 3 * DAY }), (g, offset, length) => {
        const { cal, model } = setup(g);
        const t = g.base + offset;
        const seconds = model.between(t, t + length);
        fc.pre(seconds > 0);
        const expected = model.add(t, seconds, t + length + 60)!;
        expect(expected).toBeLessThanOrEqual(t + length);
        expect(addWorkingTimeEpoch(cal, t, seconds)).toBe(expected);
        expect(subtractWorkingTimeEpoch(cal, expected, seconds)).toBe(model.next(t, expected));
      }),
      RUNS,
    );
  });

  it('nextWorkingInstant is the instant itself when working, else the first working second after it', () => {
    fc.assert(
      fc.property(calendarArb, secondsArb, (g, offset) => {
        const { cal, model } = setup(g);
        const t = g.base + offset;
        const limit = t + 8 * DAY;
        const expected = model.next(t, limit);
        const actual = nextWorkingInstantEpoch(cal, t);
        if (expected === undefined) expect(actual).toBeGreaterThan(limit - 60);
        else expect(actual).toBe(expected);
      }),
      RUNS,
    );
  });

  it('subtractWorkingTime is the latest instant s with the working time in [s, t), and add undoes it', () => {
    fc.assert(
      fc.property(calendarArb, secondsArb, durationArb(12), (g, offset, seconds) => {
        const { cal, model } = setup(g);
        const t = g.base + offset;
        const s = subtractWorkingTimeEpoch(cal, t, seconds);
        fc.pre(t - s < 6 * DAY);
        expect(model.between(s, t)).toBe(seconds);
        // Latest: the second starting at s works, so any later start would have less working time.
        expect(model.isWorking(s)).toBe(true);
        expect(addWorkingTimeEpoch(cal, s, seconds)).toBeLessThanOrEqual(t);
        expect(workingTimeBetweenEpoch(cal, s, addWorkingTimeEpoch(cal, s, seconds))).toBe(seconds);
      }),
      RUNS,
    );
  });

  it('answers do not depend on which years were compiled first (lazy extension)', () => {
    fc.assert(
      fc.property(
        calendarArb,
        secondsArb,
        fc.integer({ min: 1, max: 60 * 3600 }),
        fc.integer({ min: -40, max: 40 }),
        (g, offset, seconds, shift) => {
          const fresh = compileCalendar(g.spec);
          const year = new Date(g.base * 1000).getUTCFullYear() + shift;
          const elsewhere = compileCalendar(g.spec, { fromYear: year, toYear: year });
          const t = g.base + offset;
          expect(addWorkingTimeEpoch(elsewhere, t, seconds)).toBe(addWorkingTimeEpoch(fresh, t, seconds));
          expect(subtractWorkingTimeEpoch(elsewhere, t, seconds)).toBe(
            subtractWorkingTimeEpoch(fresh, t, seconds),
          );
          expect(workingTimeBetweenEpoch(elsewhere, t - seconds, t)).toBe(
            workingTimeBetweenEpoch(fresh, t - seconds, t),
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it('same-local-time working days: the N-th date with hours after the (rolled) start, at its wall time', () => {
    fc.assert(
      fc.property(calendarArb, secondsArb, fc.integer({ min: 0, max: 6 }), (g, offset, n) => {
        const { cal, model } = setup(g);
        const t = g.base + offset;
        const rolled = model.next(t, t + 30 * DAY);
        fc.pre(rolled !== undefined);
        const zone = g.oracle.timeZone;
        const from = Temporal.Instant.fromEpochMilliseconds(rolled! * 1000).toZonedDateTimeISO(zone);
        let date = from.toPlainDate();
        for (let counted = 0; counted < n; ) {
          date = date.add({ days: 1 });
          const hours = g.oracle.exceptions.get(date.toString()) ?? g.oracle.week[date.dayOfWeek - 1]!;
          if (hours.length > 0) counted += 1;
        }
        const expected = date
          .toPlainDateTime(from.toPlainTime())
          .toZonedDateTime(zone, { disambiguation: 'compatible' });
        expect(addWorkingDaysEpoch(cal, t, n, 'same-local-time')).toBe(expected.epochMilliseconds / 1000);
      }),
      { numRuns: 40 },
    );
  });
});
