import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { compileCalendar } from './calendar.compile.ts';
import { addWorkingDays, addWorkingDaysEpoch } from './calendar.days.ts';
import { at, calendarOf, MON_FRI, wall, weekOf } from './calendar.fixtures.ts';
import {
  addWorkingTime,
  addWorkingTimeEpoch,
  isWorkingInstant,
  isWorkingInstantEpoch,
  nextWorkingInstant,
  nextWorkingInstantEpoch,
  subtractWorkingTime,
  subtractWorkingTimeEpoch,
  workingStretchEndEpoch,
  workingTimeBetween,
  workingTimeBetweenEpoch,
} from './calendar.ops.ts';
import { alwaysOpenCalendarSpec } from './calendar.schema.ts';

const H = 3600;
const BERLIN = 'Europe/Berlin';
// S3 (business-sla): weekdays 09:00-18:00; Europe/Berlin with German public holidays.
const s3 = { timeZone: BERLIN, week: weekOf(MON_FRI, '09:00-18:00'), holidays: { country: 'DE' } };

describe('named conventions (docs/calendar.md)', () => {
  const cal = calendarOf(s3);
  const local = (seconds: number) => wall(BERLIN, seconds);

  it('C1 closing time: work that ends exactly at closing returns the closing time; the breach starts at the next opening', () => {
    const deadline = addWorkingTimeEpoch(cal, at(BERLIN, '2026-03-04T09:00'), 9 * H);
    expect(local(deadline)).toBe('2026-03-04 18:00:00');
    expect(local(nextWorkingInstantEpoch(cal, deadline))).toBe('2026-03-05 09:00:00');
    expect(workingTimeBetweenEpoch(cal, at(BERLIN, '2026-03-04T09:00'), deadline)).toBe(9 * H);
  });

  it('C2 zero working time returns the instant itself, even outside working hours', () => {
    const saturday = at(BERLIN, '2026-03-07T12:00');
    expect(addWorkingTimeEpoch(cal, saturday, 0)).toBe(saturday);
    expect(subtractWorkingTimeEpoch(cal, saturday, 0)).toBe(saturday);
  });

  it('C3 a start outside working hours or on a holiday starts counting at the next opening', () => {
    expect(local(addWorkingTimeEpoch(cal, at(BERLIN, '2026-03-03T20:00'), H))).toBe('2026-03-04 10:00:00');
    expect(local(addWorkingTimeEpoch(cal, at(BERLIN, '2026-03-07T11:00'), H))).toBe('2026-03-09 10:00:00');
    // Good Friday 2026-04-03 and Easter Monday 2026-04-06 are German public holidays.
    expect(local(addWorkingTimeEpoch(cal, at(BERLIN, '2026-04-03T10:00'), H))).toBe('2026-04-07 10:00:00');
  });

  it('C4 subtracting across an opening returns the opening, not the previous closing', () => {
    expect(local(subtractWorkingTimeEpoch(cal, at(BERLIN, '2026-03-03T09:30'), 30 * 60))).toBe(
      '2026-03-03 09:00:00',
    );
    expect(local(subtractWorkingTimeEpoch(cal, at(BERLIN, '2026-03-03T09:30'), H))).toBe(
      '2026-03-02 17:30:00',
    );
  });

  it('C5 intervals are half-open: the opening instant works, the closing instant does not', () => {
    expect(isWorkingInstantEpoch(cal, at(BERLIN, '2026-03-03T09:00'))).toBe(true);
    expect(isWorkingInstantEpoch(cal, at(BERLIN, '2026-03-03T17:59:59'))).toBe(true);
    expect(isWorkingInstantEpoch(cal, at(BERLIN, '2026-03-03T18:00'))).toBe(false);
    expect(local(workingStretchEndEpoch(cal, at(BERLIN, '2026-03-03T12:00')))).toBe('2026-03-03 18:00:00');
  });
});

describe('DST: skipped local times give no working time, repeated ones count twice', () => {
  const night = { timeZone: BERLIN, week: weekOf(['sat', 'sun'], '01:00-04:00') };

  it('C6 Berlin 2026-03-29 (02:00-03:00 does not exist): a 01:00-04:00 shift holds 2 h', () => {
    const cal = calendarOf(night);
    expect(workingTimeBetweenEpoch(cal, at(BERLIN, '2026-03-29T00:00'), at(BERLIN, '2026-03-29T12:00'))).toBe(
      2 * H,
    );
    expect(wall(BERLIN, addWorkingTimeEpoch(cal, at(BERLIN, '2026-03-29T01:30'), H))).toBe(
      '2026-03-29 03:30:00',
    );
  });

  it('C7 Berlin 2026-10-25 (02:00-03:00 happens twice): a 01:00-04:00 shift holds 4 h', () => {
    const cal = calendarOf(night);
    expect(workingTimeBetweenEpoch(cal, at(BERLIN, '2026-10-25T00:00'), at(BERLIN, '2026-10-25T12:00'))).toBe(
      4 * H,
    );
    // 01:30 CEST + 1 h = the first 02:30 (CEST, 00:30Z); + 2 h = the second 02:30 (CET, 01:30Z).
    const start = at(BERLIN, '2026-10-25T01:30');
    expect(new Date(addWorkingTimeEpoch(cal, start, H) * 1000).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(new Date(addWorkingTimeEpoch(cal, start, 2 * H) * 1000).toISOString()).toBe(
      '2026-10-25T01:30:00.000Z',
    );
  });

  it('office hours are unaffected: 16 h from Friday 16:00 before the Berlin spring change is Tuesday 14:00', () => {
    const cal = calendarOf(s3);
    expect(wall(BERLIN, addWorkingTimeEpoch(cal, at(BERLIN, '2026-03-27T16:00'), 16 * H))).toBe(
      '2026-03-31 14:00:00',
    );
  });

  it('New York 2026-03-08 and 2026-11-01: a 24/7 local day lasts 23 h and 25 h', () => {
    const ny = 'America/New_York';
    const cal = calendarOf({
      timeZone: ny,
      week: weekOf(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], '00:00-24:00'),
    });
    expect(workingTimeBetweenEpoch(cal, at(ny, '2026-03-08T00:00'), at(ny, '2026-03-09T00:00'))).toBe(23 * H);
    expect(workingTimeBetweenEpoch(cal, at(ny, '2026-11-01T00:00'), at(ny, '2026-11-02T00:00'))).toBe(25 * H);
  });

  it('Lord Howe (30-minute DST): 2026-04-05 has 24.5 h, 2026-10-04 has 23.5 h', () => {
    const lh = 'Australia/Lord_Howe';
    const cal = calendarOf({ timeZone: lh, week: weekOf(['sat', 'sun', 'mon'], '00:00-24:00') });
    expect(workingTimeBetweenEpoch(cal, at(lh, '2026-04-05T00:00'), at(lh, '2026-04-06T00:00'))).toBe(
      24.5 * H,
    );
    expect(workingTimeBetweenEpoch(cal, at(lh, '2026-10-04T00:00'), at(lh, '2026-10-05T00:00'))).toBe(
      23.5 * H,
    );
  });

  it('Kathmandu (+05:45): 09:00-18:00 local is 03:15-12:15 UTC', () => {
    const cal = calendarOf({ timeZone: 'Asia/Kathmandu', week: weekOf(MON_FRI, '09:00-18:00') });
    const monday = Date.parse('2026-03-02T03:15:00Z') / 1000;
    expect(isWorkingInstantEpoch(cal, monday)).toBe(true);
    expect(isWorkingInstantEpoch(cal, monday - 1)).toBe(false);
    expect(new Date(addWorkingTimeEpoch(cal, monday, 9 * H) * 1000).toISOString()).toBe(
      '2026-03-02T12:15:00.000Z',
    );
  });

  it('Apia skipped 2011-12-30 entirely: Thursday 09:00 to Saturday 18:00 holds two working days, not three', () => {
    const apia = 'Pacific/Apia';
    const cal = calendarOf({ timeZone: apia, week: weekOf([...MON_FRI, 'sat'], '09:00-18:00') });
    expect(workingTimeBetweenEpoch(cal, at(apia, '2011-12-29T09:00'), at(apia, '2011-12-31T18:00'))).toBe(
      18 * H,
    );
    expect(wall(apia, addWorkingTimeEpoch(cal, at(apia, '2011-12-29T17:00'), 2 * H))).toBe(
      '2011-12-31 10:00:00',
    );
  });
});

describe('breaks, overnight shifts, exceptions, holidays and closures', () => {
  it('a lunch break holds no working time', () => {
    const cal = calendarOf({ timeZone: BERLIN, week: weekOf(MON_FRI, '09:00-12:30', '13:00-18:00') });
    expect(wall(BERLIN, addWorkingTimeEpoch(cal, at(BERLIN, '2026-03-02T12:00'), H))).toBe(
      '2026-03-02 13:30:00',
    );
    expect(isWorkingInstantEpoch(cal, at(BERLIN, '2026-03-02T12:45'))).toBe(false);
  });

  it('C8 an overnight shift belongs to the date it starts: a holiday on its second day does not cut it', () => {
    const cal = calendarOf({
      timeZone: BERLIN,
      week: { thu: ['22:00-06:00+1'], fri: ['22:00-06:00+1'] },
      exceptions: [{ date: '2026-03-06', name: 'Friday holiday' }],
    });
    // Thursday's shift runs into the Friday holiday in full.
    expect(workingTimeBetweenEpoch(cal, at(BERLIN, '2026-03-05T12:00'), at(BERLIN, '2026-03-06T12:00'))).toBe(
      8 * H,
    );
    // The holiday removes Friday's own shift, including its Saturday morning tail.
    expect(workingTimeBetweenEpoch(cal, at(BERLIN, '2026-03-06T12:00'), at(BERLIN, '2026-03-07T12:00'))).toBe(
      0,
    );
  });

  it('an exception replaces the weekly hours of its date: partial day, closed day, extra working day', () => {
    const cal = calendarOf({
      timeZone: BERLIN,
      week: weekOf(MON_FRI, '09:00-18:00'),
      exceptions: [
        { date: '2026-12-24', hours: ['09:00-14:00'], name: 'Christmas Eve' },
        { date: '2026-12-28', hours: [] },
        { date: '2026-12-27', hours: ['10:00-12:00'], name: 'Sunday stock-taking' },
      ],
    });
    const day = (date: string) =>
      workingTimeBetweenEpoch(cal, at(BERLIN, `${date}T00:00`), at(BERLIN, `${date}T23:59`));
    expect([day('2026-12-24'), day('2026-12-27'), day('2026-12-28'), day('2026-12-29')]).toEqual([
      5 * H,
      2 * H,
      0,
      9 * H,
    ]);
  });

  it('holidays: German public holidays close; the partial Christmas Eve (type bank) applies only when opted in', () => {
    const publicOnly = calendarOf(s3);
    const withBank = calendarOf({ ...s3, holidays: { country: 'DE', types: ['public', 'bank'] } });
    const eve = [at(BERLIN, '2026-12-24T00:00'), at(BERLIN, '2026-12-25T00:00')] as const;
    expect(workingTimeBetweenEpoch(publicOnly, ...eve)).toBe(9 * H);
    expect(workingTimeBetweenEpoch(withBank, ...eve)).toBe(5 * H);
    expect(isWorkingInstantEpoch(publicOnly, at(BERLIN, '2026-12-25T10:00'))).toBe(false);
  });

  it('an explicit exception overrides the holiday on the same date', () => {
    const cal = calendarOf({ ...s3, exceptions: [{ date: '2026-10-03', hours: ['09:00-13:00'] }] });
    // 2026-10-03 (German Unity Day) is a Saturday: the exception opens it for 4 h.
    expect(workingTimeBetweenEpoch(cal, at(BERLIN, '2026-10-03T00:00'), at(BERLIN, '2026-10-04T00:00'))).toBe(
      4 * H,
    );
  });

  it('closures (maintenance windows) remove working time', () => {
    const cal = calendarOf({
      ...s3,
      closures: [{ start: '2026-03-04T10:00:00Z', end: '2026-03-04T12:00:00Z', reason: 'maintenance' }],
    });
    // 10:00Z-12:00Z is 11:00-13:00 CET.
    expect(workingTimeBetweenEpoch(cal, at(BERLIN, '2026-03-04T09:00'), at(BERLIN, '2026-03-04T18:00'))).toBe(
      7 * H,
    );
    expect(wall(BERLIN, nextWorkingInstantEpoch(cal, at(BERLIN, '2026-03-04T11:30')))).toBe(
      '2026-03-04 13:00:00',
    );
  });
});

describe('working days (R2.4)', () => {
  const cal = calendarOf(s3);

  it('N working days = N × 9 h of working time on 09:00-18:00 (R2.4, S3)', () => {
    const cases: Array<[start: string, n: number, expected: string]> = [
      ['2026-03-02T11:00', 1, '2026-03-03 11:00:00'],
      ['2026-03-02T11:00', 2, '2026-03-04 11:00:00'],
      ['2026-03-06T11:00', 5, '2026-03-13 11:00:00'],
      ['2026-03-02T08:00', 1, '2026-03-02 18:00:00'],
      ['2026-03-07T10:00', 1, '2026-03-09 18:00:00'],
      ['2026-04-02T15:00', 1, '2026-04-07 15:00:00'],
    ];
    for (const [start, n, expected] of cases) {
      expect(wall(BERLIN, addWorkingDaysEpoch(cal, at(BERLIN, start), n, 'working-day-length')), start).toBe(
        expected,
      );
    }
  });

  it('S3: the responsible engineer is due 1 working hour after registration', () => {
    expect(wall(BERLIN, addWorkingTimeEpoch(cal, at(BERLIN, '2026-03-06T17:30'), H))).toBe(
      '2026-03-09 09:30:00',
    );
  });

  it('same-local-time: the same wall time on the N-th working day, across holidays and the DST change', () => {
    const days = (start: string, n: number) =>
      wall(BERLIN, addWorkingDaysEpoch(cal, at(BERLIN, start), n, 'same-local-time'));
    expect(days('2026-03-27T10:00', 1)).toBe('2026-03-30 10:00:00');
    expect(days('2026-04-02T10:00', 1)).toBe('2026-04-07 10:00:00');
    expect(days('2026-03-06T19:00', 1)).toBe('2026-03-10 09:00:00');
  });

  it('same-local-time: a wall time that does not exist on the target date moves forward', () => {
    const night = calendarOf({ timeZone: BERLIN, week: weekOf(['sat', 'sun'], '00:00-06:00') });
    expect(
      wall(BERLIN, addWorkingDaysEpoch(night, at(BERLIN, '2026-03-28T02:30'), 1, 'same-local-time')),
    ).toBe('2026-03-29 03:30:00');
  });

  it('the working-day length defaults to the most common weekday length, or is configured', () => {
    expect(calendarOf(s3).workingDayLength).toBe(9 * H);
    const mixed = { timeZone: BERLIN, week: { ...weekOf(MON_FRI, '08:00-16:00'), fri: ['08:00-12:00'] } };
    expect(calendarOf(mixed).workingDayLength).toBe(8 * H);
    expect(calendarOf({ ...mixed, workingDayLength: '7h30m' }).workingDayLength).toBe(7.5 * H);
  });

  it('rejects a negative or fractional number of days', () => {
    expect(() => addWorkingDaysEpoch(cal, 0, -1, 'same-local-time')).toThrow(RangeError);
    expect(() => addWorkingDaysEpoch(cal, 0, 1.5, 'working-day-length')).toThrow(RangeError);
  });
});

describe('compiled range and APIs', () => {
  it('queries far outside the first compiled years extend the calendar lazily and agree with a precompiled one', () => {
    const lazy = calendarOf(s3);
    const parsed = compileCalendar(lazy.spec, { fromYear: 2030, toYear: 2031 });
    const start = at(BERLIN, '2030-12-30T15:00');
    expect(addWorkingTimeEpoch(lazy, at(BERLIN, '1999-05-03T10:00'), H)).toBe(at(BERLIN, '1999-05-03T11:00'));
    expect(addWorkingTimeEpoch(lazy, start, 40 * H)).toBe(addWorkingTimeEpoch(parsed, start, 40 * H));
    // A year of working time runs past the compiled range and extends it.
    const yearLater = addWorkingTimeEpoch(parsed, start, 2000 * H);
    expect(workingTimeBetweenEpoch(lazy, start, yearLater)).toBe(2000 * H);
    expect(subtractWorkingTimeEpoch(parsed, yearLater, 2000 * H)).toBe(start);
  });

  it('a closure spanning years is crossed by growing the compiled range; a closure to the end of time is a RangeError', () => {
    const decade = calendarOf({
      ...s3,
      closures: [{ start: '2026-01-01T00:00:00Z', end: '2041-01-01T00:00:00Z', reason: 'sabbatical' }],
    });
    const t = at(BERLIN, '2026-06-01T10:00');
    expect(wall(BERLIN, addWorkingTimeEpoch(decade, t, H))).toBe('2041-01-02 10:00:00');
    expect(wall(BERLIN, nextWorkingInstantEpoch(decade, t))).toBe('2041-01-02 09:00:00');
    expect(wall(BERLIN, subtractWorkingTimeEpoch(decade, at(BERLIN, '2041-01-02T10:00'), 2 * H))).toBe(
      '2025-12-31 17:00:00',
    );
    const forever = calendarOf({
      timeZone: 'UTC',
      week: weekOf(MON_FRI, '09:00-17:00'),
      closures: [{ start: '2026-01-01T00:00:00Z', end: '9999-12-31T23:59:59Z' }],
    });
    expect(() => addWorkingTimeEpoch(forever, at('UTC', '2026-06-01T10:00'), H)).toThrow(RangeError);
  });

  it('the 24/7 calendar counts calendar time (S0: first response within 24 hours)', () => {
    const always = compileCalendar(alwaysOpenCalendarSpec);
    const t = Date.parse('2026-03-28T16:00:00Z') / 1000;
    expect(addWorkingTimeEpoch(always, t, 24 * H)).toBe(t + 24 * H);
    expect(workingTimeBetweenEpoch(always, t - 5 * 86_400 * 365, t)).toBe(5 * 86_400 * 365);
    expect(isWorkingInstantEpoch(always, Date.parse('2027-01-01T00:00:00Z') / 1000)).toBe(true);
  });

  it('the Temporal.Instant API matches the epoch-second API', () => {
    const cal = calendarOf(s3);
    const start = Temporal.Instant.from('2026-03-06T15:30:00Z');
    // Friday 16:30 CET + 2 h = Monday 09:30 CET.
    expect(addWorkingTime(cal, start, 2 * H).toString()).toBe('2026-03-09T08:30:00Z');
    expect(subtractWorkingTime(cal, Temporal.Instant.from('2026-03-09T08:30:00Z'), 2 * H).toString()).toBe(
      '2026-03-06T15:30:00Z',
    );
    expect(workingTimeBetween(cal, start, Temporal.Instant.from('2026-03-09T08:30:00Z'))).toBe(2 * H);
    expect(isWorkingInstant(cal, start)).toBe(true);
    expect(nextWorkingInstant(cal, Temporal.Instant.from('2026-03-07T12:00:00Z')).toString()).toBe(
      '2026-03-09T08:00:00Z',
    );
    expect(addWorkingDays(cal, start, 1, 'working-day-length').toString()).toBe('2026-03-09T15:30:00Z');
  });
});
