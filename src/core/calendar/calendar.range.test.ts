import { describe, expect, it } from 'vitest';
import {
  compileCalendar,
  MAX_QUERY_SECONDS,
  MAX_QUERY_YEARS,
  RANGE_END,
  RANGE_START,
} from './calendar.compile.ts';
import { addWorkingDaysEpoch } from './calendar.days.ts';
import { calendarOf, MON_FRI, weekOf } from './calendar.fixtures.ts';
import {
  addWorkingTimeEpoch,
  isWorkingInstantEpoch,
  nextWorkingInstantEpoch,
  subtractWorkingTimeEpoch,
  workingIntervalsEpoch,
  workingStretchEndEpoch,
  workingTimeBetweenEpoch,
} from './calendar.ops.ts';
import { oracleIsWorking } from './calendar.oracle.ts';
import { alwaysOpenCalendarSpec } from './calendar.schema.ts';

// docs/calendar.md, "Range": every operation answers or throws a RangeError promptly; an answer must lie
// in the years 0001–9999 and within MAX_QUERY_YEARS (200) years of the query's start.

const H = 3600;
const YEAR = 31_556_952;
const utc = (iso: string) => Date.parse(iso) / 1000;
const office = { timeZone: 'UTC', week: weekOf(MON_FRI, '09:00-17:00') };
const BEYOND = /^result beyond the supported range 0001–9999/;
const TOO_LONG = /^request spans more than 200 years/;

describe('the supported range 0001–9999', () => {
  it('adding past the end of 9999 is a RangeError, not a stack overflow (9999-12-31 + 10 000 h)', () => {
    for (const spec of [office, alwaysOpenCalendarSpec]) {
      const fresh = calendarOf(spec);
      expect(() => addWorkingTimeEpoch(fresh, utc('9999-12-31T00:00:00Z'), 10_000 * H)).toThrow(BEYOND);
      // The same once the last years are compiled, and again on the same calendar.
      const compiled = compileCalendar(fresh.spec, { fromYear: 9990, toYear: 9999 });
      expect(() => addWorkingTimeEpoch(compiled, utc('9999-12-31T00:00:00Z'), 10_000 * H)).toThrow(BEYOND);
      expect(() => addWorkingTimeEpoch(compiled, utc('9999-12-31T00:00:00Z'), 10_000 * H)).toThrow(BEYOND);
    }
    expect(() => nextWorkingInstantEpoch(calendarOf(office), utc('9999-12-31T18:00:00Z'))).toThrow(BEYOND);
  });

  it('answers inside the range still work at its edges', () => {
    const cal = calendarOf(office);
    // 9999-12-31 is a Friday.
    expect(addWorkingTimeEpoch(cal, utc('9999-12-31T09:00:00Z'), 8 * H)).toBe(utc('9999-12-31T17:00:00Z'));
    const always = compileCalendar(alwaysOpenCalendarSpec);
    expect(addWorkingTimeEpoch(always, utc('9999-12-31T23:00:00Z'), H)).toBe(RANGE_END);
    expect(workingStretchEndEpoch(always, utc('9999-12-31T23:00:00Z'))).toBe(RANGE_END);
    expect(subtractWorkingTimeEpoch(always, utc('0001-01-01T01:00:00Z'), H)).toBe(RANGE_START);
    expect(workingTimeBetweenEpoch(always, RANGE_END - H, RANGE_END)).toBe(H);
    expect(subtractWorkingTimeEpoch(compileCalendar(alwaysOpenCalendarSpec), RANGE_END, H)).toBe(
      RANGE_END - H,
    );
    expect(workingIntervalsEpoch(always, RANGE_END - H, RANGE_END)).toEqual([[RANGE_END - H, RANGE_END]]);
  });

  it('subtracting before the start of 0001 is a RangeError', () => {
    const cal = calendarOf(office);
    expect(() => subtractWorkingTimeEpoch(cal, utc('0001-01-02T10:00:00Z'), 10_000 * H)).toThrow(BEYOND);
    expect(() => addWorkingTimeEpoch(cal, utc('0001-01-02T10:00:00Z'), -10_000 * H)).toThrow(BEYOND);
  });

  it('an instant outside 0001–9999, or not a finite number, is a RangeError naming it (not NaN)', () => {
    const cal = calendarOf(office);
    const outside = [
      utc('+010000-06-01T00:00:00Z'),
      utc('0000-06-01T00:00:00Z'),
      utc('-000100-06-01T00:00:00Z'),
    ];
    for (const t of outside) {
      expect(() => addWorkingTimeEpoch(cal, t, H)).toThrow(
        /^instant .* is beyond the supported range 0001–9999$/,
      );
      expect(() => subtractWorkingTimeEpoch(cal, t, H)).toThrow(RangeError);
      expect(() => isWorkingInstantEpoch(cal, t)).toThrow(RangeError);
      expect(() => nextWorkingInstantEpoch(cal, t)).toThrow(RangeError);
      expect(() => workingTimeBetweenEpoch(cal, t, t + H)).toThrow(RangeError);
    }
    expect(() => isWorkingInstantEpoch(cal, RANGE_END)).toThrow('instant +010000-01-01T00:00:00Z is beyond');
    for (const t of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => addWorkingTimeEpoch(cal, t, H)).toThrow(/finite/);
      expect(() => workingTimeBetweenEpoch(cal, 0, t)).toThrow(/finite/);
    }
    expect(() => addWorkingTimeEpoch(cal, 0, Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(() => subtractWorkingTimeEpoch(cal, 0, Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });

  it('the first query on a fresh calendar at the epoch (1970-01-01T00:00Z) compiles first', () => {
    // A fresh calendar once looked compiled for [0, 0] and answered NaN here.
    expect(subtractWorkingTimeEpoch(calendarOf(office), 0, H)).toBe(utc('1969-12-31T16:00:00Z'));
    expect(workingTimeBetweenEpoch(calendarOf(office), 0, 0)).toBe(0);
    expect(workingIntervalsEpoch(calendarOf(office), 0, 0)).toEqual([]);
  });
});

describe(`one query reaches at most MAX_QUERY_YEARS (${MAX_QUERY_YEARS}) years`, () => {
  const start = utc('2026-06-01T10:00:00Z');

  it('a huge request is refused at once, before compiling anything', () => {
    const cal = calendarOf({ ...office, holidays: { country: 'DE' } });
    expect(() => addWorkingDaysEpoch(cal, start, 99_999_999, 'working-day-length')).toThrow(TOO_LONG);
    expect(() => addWorkingDaysEpoch(cal, start, 99_999_999, 'same-local-time')).toThrow(TOO_LONG);
    expect(() => addWorkingTimeEpoch(cal, start, 1e9 * H)).toThrow(TOO_LONG);
    expect(() => subtractWorkingTimeEpoch(cal, start, 1e9 * H)).toThrow(TOO_LONG);
    expect(() => workingTimeBetweenEpoch(cal, start, start + 300 * YEAR)).toThrow(TOO_LONG);
    expect(() => workingTimeBetweenEpoch(cal, start + 300 * YEAR, start)).toThrow(TOO_LONG);
    expect(() => workingIntervalsEpoch(cal, start, start + 300 * YEAR)).toThrow(TOO_LONG);
    expect(cal.hi - cal.lo).toBeLessThan(4 * YEAR); // only the start's years were compiled
  });

  it('a request that needs more than 200 years of this calendar is a RangeError', () => {
    // One hour a week: 20 000 h take about 385 years.
    const sparse = calendarOf({ timeZone: 'UTC', week: { mon: ['09:00-10:00'] } });
    expect(() => addWorkingTimeEpoch(sparse, start, 20_000 * H)).toThrow(TOO_LONG);
    expect(() => subtractWorkingTimeEpoch(sparse, start, 20_000 * H)).toThrow(TOO_LONG);
    expect(() => addWorkingDaysEpoch(sparse, start, 20_000, 'same-local-time')).toThrow(TOO_LONG);
    // 5 000 h (about 96 years) still answer.
    const later = addWorkingTimeEpoch(sparse, start, 5000 * H);
    expect(workingTimeBetweenEpoch(sparse, start, later)).toBe(5000 * H);
    expect(subtractWorkingTimeEpoch(sparse, later, 5000 * H)).toBe(utc('2026-06-08T09:00:00Z'));
  });

  it('the limit does not depend on what was compiled before (the 24/7 calendar at exactly 200 years)', () => {
    const fresh = () => compileCalendar(alwaysOpenCalendarSpec);
    const precompiled = () => compileCalendar(alwaysOpenCalendarSpec, { fromYear: 2025, toYear: 2228 });
    for (const make of [fresh, precompiled]) {
      expect(addWorkingTimeEpoch(make(), start, MAX_QUERY_SECONDS)).toBe(start + MAX_QUERY_SECONDS);
      expect(() => addWorkingTimeEpoch(make(), start, MAX_QUERY_SECONDS + 1)).toThrow(TOO_LONG);
      const end = start + MAX_QUERY_SECONDS;
      expect(subtractWorkingTimeEpoch(make(), end, MAX_QUERY_SECONDS)).toBe(start);
      expect(() => subtractWorkingTimeEpoch(make(), end, MAX_QUERY_SECONDS + 1)).toThrow(TOO_LONG);
      expect(workingTimeBetweenEpoch(make(), start, end)).toBe(MAX_QUERY_SECONDS);
      expect(() => workingTimeBetweenEpoch(make(), start, end + 1)).toThrow(TOO_LONG);
      expect(() => workingStretchEndEpoch(make(), start)).toThrow(TOO_LONG);
    }
  });

  it('compiled years stay bounded however queries wander', () => {
    const cal = calendarOf(office);
    for (let year = 1900; year <= 2600; year += 40) {
      addWorkingTimeEpoch(cal, utc(`${year}-06-01T10:00:00Z`), 100 * H);
      expect(cal.hi - cal.lo).toBeLessThanOrEqual((MAX_QUERY_YEARS + 4) * 366 * 86_400);
    }
    expect(() => compileCalendar(office as never, { fromYear: 2000, toYear: 2300 })).toThrow(
      /compiles at most 204 years at once/,
    );
  });
});

describe('a calendar without working time in the searched span answers with a RangeError, not a hang', () => {
  const start = utc('2026-06-01T10:00:00Z');

  it('a closure to the far future', () => {
    const closed = calendarOf({
      ...office,
      closures: [{ start: '2026-01-01T00:00:00Z', end: '9000-01-01T00:00:00Z' }],
    });
    expect(() => addWorkingTimeEpoch(closed, start, H)).toThrow(TOO_LONG);
    expect(() => nextWorkingInstantEpoch(closed, start)).toThrow(TOO_LONG);
    expect(() => addWorkingDaysEpoch(closed, start, 1, 'same-local-time')).toThrow(TOO_LONG);
    expect(() => addWorkingDaysEpoch(closed, start, 1, 'working-day-length')).toThrow(TOO_LONG);
    expect(isWorkingInstantEpoch(closed, start)).toBe(false);
    expect(workingTimeBetweenEpoch(closed, start, start + 100 * YEAR)).toBe(0);
  });

  it('a closure from the far past', () => {
    const closed = calendarOf({
      ...office,
      closures: [{ start: '0500-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' }],
    });
    expect(() => subtractWorkingTimeEpoch(closed, utc('2026-01-01T00:00:00Z'), H)).toThrow(TOO_LONG);
  });

  it('every day an exception without hours for years: crossed when work follows, a RangeError when it never does', () => {
    const exceptions = [];
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2029, 0, 1); day += 86_400_000) {
      exceptions.push({ date: new Date(day).toISOString().slice(0, 10), hours: [] });
    }
    const idle = calendarOf({ ...office, exceptions });
    // 2029-01-01 is a Monday.
    expect(addWorkingTimeEpoch(idle, start, H)).toBe(utc('2029-01-01T10:00:00Z'));
    expect(addWorkingDaysEpoch(idle, start, 1, 'same-local-time')).toBe(utc('2029-01-02T09:00:00Z'));
    const forever = calendarOf({
      ...office,
      exceptions,
      closures: [{ start: '2029-01-01T00:00:00Z', end: '9999-01-01T00:00:00Z' }],
    });
    expect(() => addWorkingTimeEpoch(forever, start, H)).toThrow(TOO_LONG);
    expect(() => nextWorkingInstantEpoch(forever, start)).toThrow(TOO_LONG);
  });

  it('near the end of 9999 the range, not the 200 years, is what runs out', () => {
    const closed = calendarOf({
      ...office,
      closures: [{ start: '9990-01-01T00:00:00Z', end: '9999-12-31T23:00:00Z' }],
    });
    expect(() => addWorkingTimeEpoch(closed, utc('9990-06-01T10:00:00Z'), H)).toThrow(BEYOND);
    expect(() => nextWorkingInstantEpoch(closed, utc('9990-06-01T10:00:00Z'))).toThrow(BEYOND);
  });

  it('dates inside a long closure are skipped when compiling, with the same answers at its edges (oracle)', () => {
    // Overnight shifts cut by both ends of a closure that spans the Berlin spring-forward night.
    const hours = { start: '2026-03-20T03:00:00Z', end: '2026-04-03T01:00:00Z' };
    const spec = {
      timeZone: 'Europe/Berlin',
      week: {
        ...weekOf(MON_FRI, '09:00-17:00'),
        thu: ['09:00-17:00', '22:00-06:00+1'],
        sun: ['20:00-02:00+1'],
      },
      closures: [hours],
    };
    const cal = calendarOf(spec);
    const oracle = {
      timeZone: 'Europe/Berlin',
      week: [0, 1, 2, 3, 4, 5, 6].map((i) => {
        const day: Array<[number, number]> = i < 5 ? [[9 * H, 17 * H]] : [];
        if (i === 3) day.push([22 * H, 30 * H]);
        if (i === 6) day.push([20 * H, 26 * H]);
        return day;
      }),
      exceptions: new Map(),
      closures: [[utc(hours.start), utc(hours.end)] as const],
    };
    for (const edge of [utc(hours.start), utc(hours.end)]) {
      for (let t = edge - 4 * 86_400; t <= edge + 4 * 86_400; t += 900) {
        expect(isWorkingInstantEpoch(cal, t), `at ${new Date(t * 1000).toISOString()}`).toBe(
          oracleIsWorking(oracle, t),
        );
      }
    }
    // Thursday 2026-03-19 22:00 CET: 6 h until the closure, then Thursday 2026-04-02's shift after it.
    expect(addWorkingTimeEpoch(cal, utc('2026-03-19T21:00:00Z'), 7 * H)).toBe(utc('2026-04-03T02:00:00Z'));
  });
});
