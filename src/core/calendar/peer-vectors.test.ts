import { describe, expect, it } from 'vitest';
import { addWorkingDaysEpoch } from './calendar.days.ts';
import { at, calendarOf, MON_FRI, wall, weekOf } from './calendar.fixtures.ts';
import {
  addWorkingTimeEpoch,
  isWorkingInstantEpoch,
  nextWorkingInstantEpoch,
  subtractWorkingTimeEpoch,
  workingTimeBetweenEpoch,
} from './calendar.ops.ts';

// Cases ported from the published test suites of established business-time libraries. Each block cites
// its source file. Where the peer's convention differs from ours (docs/calendar.md), the case asserts
// our documented answer and says what the peer answers.

const H = 3600;
const M = 60;
type AddCase = [start: string, seconds: number, expected: string];
type CalendarData = { timeZone: string; week: Record<string, string[]>; exceptions?: unknown[] };

function checkAdds(data: CalendarData, cases: readonly AddCase[]): void {
  const cal = calendarOf(data);
  for (const [start, seconds, expected] of cases) {
    const t = at(data.timeZone, start);
    const actual =
      seconds >= 0 ? addWorkingTimeEpoch(cal, t, seconds) : subtractWorkingTimeEpoch(cal, t, -seconds);
    expect(wall(data.timeZone, actual), `${start} ${seconds >= 0 ? '+' : '-'} ${Math.abs(seconds)} s`).toBe(
      expected,
    );
  }
}

describe('moment-business-time (lennym/moment-business-time test/spec.business-hours.js)', () => {
  // The library's default locale: Monday to Friday 09:00-17:00, no holidays.
  const data = { timeZone: 'UTC', week: weekOf(MON_FRI, '09:00-17:00') };
  const now = '2015-02-26T10:12:34';
  const weekend = '2015-02-28T10:13:00';

  it('addWorkingTime: hours, minutes, seconds and milliseconds over nights, weekends and weeks', () => {
    checkAdds(data, [
      [now, 2 * H, '2015-02-26 12:12:34'],
      [weekend, 2 * H, '2015-03-02 11:00:00'],
      [now, 9 * H, '2015-02-27 11:12:34'],
      [now, 19 * H, '2015-03-02 13:12:34'],
      ['2016-03-21T15:30:00', 17 * H, '2016-03-23 16:30:00'],
      ['2016-03-21T15:30:00', 18 * H, '2016-03-24 09:30:00'],
      [now, 108 * H, '2015-03-17 14:12:34'],
      [now, 45 * M, '2015-02-26 10:57:34'],
      [weekend, 45 * M, '2015-03-02 09:45:00'],
      ['2015-02-26T16:59:59.700', 45 * M, '2015-02-27 09:44:59.700'],
      [now, 600 * M, '2015-02-27 12:12:34'],
      [weekend, 45, '2015-03-02 09:00:45'],
      ['2015-02-26T16:59:59.700', 45, '2015-02-27 09:00:44.700'],
      [now, 0.555, '2015-02-26 10:12:34.555'],
      [now, 9 * H + 48 * M + 17, '2015-02-27 12:00:51'],
    ]);
  });

  it('subtractWorkingTime: from a working day and from a weekend (which counts back from Friday close)', () => {
    const afternoon = '2015-02-26T16:12:34';
    const sunday = '2015-03-01T16:12:34';
    checkAdds(data, [
      [afternoon, -2 * H, '2015-02-26 14:12:34'],
      [sunday, -2 * H, '2015-02-27 15:00:00'],
      [afternoon, -9 * H, '2015-02-25 15:12:34'],
      [afternoon, -19 * H, '2015-02-24 13:12:34'],
      [afternoon, -108 * H, '2015-02-09 12:12:34'],
      [sunday, -45 * M, '2015-02-27 16:15:00'],
      ['2015-02-26T09:00:00.700', -45 * M, '2015-02-25 16:15:00.700'],
      ['2015-02-26T09:00:20', -45, '2015-02-25 16:59:35'],
      [afternoon, -(9 * H + 48 * M + 17), '2015-02-25 14:24:17'],
    ]);
  });

  it('nextWorkingInstant: the next opening, or the instant itself during hours', () => {
    const cal = calendarOf(data);
    const next = (text: string) => wall('UTC', nextWorkingInstantEpoch(cal, at('UTC', text)));
    expect(next(weekend)).toBe('2015-03-02 09:00:00');
    expect(next('2015-02-26T17:30:00')).toBe('2015-02-27 09:00:00');
    expect(next('2015-02-26T07:30:00')).toBe('2015-02-26 09:00:00');
    expect(next(now)).toBe('2015-02-26 10:12:34');
  });

  it('isWorkingInstant: closing time is not working time (moment says it is: its intervals are closed)', () => {
    const cal = calendarOf(data);
    expect(isWorkingInstantEpoch(cal, at('UTC', now))).toBe(true);
    expect(isWorkingInstantEpoch(cal, at('UTC', weekend))).toBe(false);
    expect(isWorkingInstantEpoch(cal, at('UTC', '2017-06-26T09:00:00'))).toBe(true);
    // moment-business-time: true. Ours: the closing instant belongs to no working interval [open, close).
    expect(isWorkingInstantEpoch(cal, at('UTC', '2017-06-26T17:00:00'))).toBe(false);
  });

  it('workingTimeBetween: across a weekend, and zero over one night', () => {
    const cal = calendarOf(data);
    const between = (a: string, b: string) => workingTimeBetweenEpoch(cal, at('UTC', a), at('UTC', b));
    expect(between('2015-02-27T10:00:00', '2015-02-27T13:30:00')).toBe(3.5 * H);
    expect(between('2015-02-27T10:00:00', '2015-03-02T13:30:00')).toBe(11.5 * H);
    expect(between('2016-10-16T18:00:00', '2016-10-17T06:00:00')).toBe(0);
  });

  it('same-local-time working days: N-th working day at the same wall time', () => {
    const cal = calendarOf(data);
    const days = (start: string, n: number) =>
      wall('UTC', addWorkingDaysEpoch(cal, at('UTC', start), n, 'same-local-time'));
    expect(days(now, 1)).toBe('2015-02-27 10:12:34');
    expect(days(now, 2)).toBe('2015-03-02 10:12:34');
    expect(days(now, 10)).toBe('2015-03-12 10:12:34');
    expect(days(now, 100)).toBe('2015-07-16 10:12:34');
    // moment answers Monday 2015-03-02 (it counts the weekend start's next working day as day 1); we
    // first move a non-working start to the next opening (Monday 09:00), then add the day: Tuesday.
    expect(days(weekend, 1)).toBe('2015-03-03 09:00:00');
  });

  it('inconsistent opening and closing hours per weekday', () => {
    const opening = {
      timeZone: 'UTC',
      week: {
        mon: ['12:00-17:00'],
        tue: ['09:30-17:00'],
        wed: ['10:00-17:00'],
        thu: ['09:00-17:00'],
        fri: ['09:30-17:00'],
      },
    };
    checkAdds(opening, [
      ['2015-02-23T10:00:00', 2 * H, '2015-02-23 14:00:00'],
      ['2015-02-23T10:00:00', 15 * H, '2015-02-25 12:30:00'],
    ]);
    const closing = {
      timeZone: 'UTC',
      week: { ...weekOf(MON_FRI, '09:30-17:00'), wed: ['09:30-13:00'] },
    };
    checkAdds(closing, [
      ['2015-02-25T16:00:00', 2 * H, '2015-02-26 11:30:00'],
      ['2015-02-25T16:00:00', -8 * H, '2015-02-24 12:30:00'],
    ]);
  });

  it('holidays are skipped when adding time and days', () => {
    const holidays = { ...data, exceptions: [{ date: '2015-02-27' }, { date: '2015-12-25' }] };
    checkAdds(holidays, [['2015-02-26T12:00:00', 8 * H, '2015-03-02 12:00:00']]);
    const cal = calendarOf(holidays);
    expect(
      workingTimeBetweenEpoch(cal, at('UTC', '2015-02-26T12:00:00'), at('UTC', '2015-03-02T12:00:00')),
    ).toBe(8 * H);
    // moment keeps the start's wall time (midnight) and answers 2015-03-04 00:00; we start counting at the
    // first opening, so the date agrees and the time is that opening.
    expect(
      wall('UTC', addWorkingDaysEpoch(cal, at('UTC', '2015-02-26T00:00:00'), 3, 'same-local-time')),
    ).toBe('2015-03-04 09:00:00');
  });
});

describe('business_time (bokmann/business_time test/test_business_days.rb, test_business_hours.rb)', () => {
  // business_time's default: Monday to Friday 09:00-17:00.
  const data = { timeZone: 'UTC', week: weekOf(MON_FRI, '09:00-17:00') };
  const july5 = { ...data, exceptions: [{ date: '2010-07-05', name: 'Independence Day observed' }] };

  it('business days keep the wall time and skip weekends and holidays', () => {
    const days = (d: CalendarData, start: string, n: number) =>
      wall('UTC', addWorkingDaysEpoch(calendarOf(d), at('UTC', start), n, 'same-local-time'));
    expect(days(data, '2010-04-13T11:00', 1)).toBe('2010-04-14 11:00:00');
    expect(days(data, '2010-04-09T12:33', 1)).toBe('2010-04-12 12:33:00');
    expect(days(data, '2010-04-09T12:33', 5)).toBe('2010-04-16 12:33:00');
    expect(days(july5, '2010-07-02T16:50', 1)).toBe('2010-07-06 16:50:00');
  });

  it('a start outside hours rolls forward to the next opening first (zero days included)', () => {
    const days = (start: string, n: number) =>
      wall('UTC', addWorkingDaysEpoch(calendarOf(data), at('UTC', start), n, 'same-local-time'));
    expect(days('2010-04-10T12:33', 0)).toBe('2010-04-12 09:00:00');
    expect(days('2010-04-10T11:00', 1)).toBe('2010-04-13 09:00:00');
    expect(days('2010-04-10T23:55', 1)).toBe('2010-04-13 09:00:00');
    expect(days('2015-10-14T01:54', 1)).toBe('2015-10-15 09:00:00');
    expect(days('2015-10-14T21:54', 1)).toBe('2015-10-16 09:00:00');
  });

  it('business hours over nights, weekends and holidays, both directions', () => {
    checkAdds(data, [
      ['2010-08-04T09:35', 8 * H, '2010-08-05 09:35:00'],
      ['2010-08-04T09:35', -8 * H, '2010-08-03 09:35:00'],
      ['2010-04-09T16:50', 1 * H, '2010-04-12 09:50:00'],
      ['2010-04-12T09:50', -1 * H, '2010-04-09 16:50:00'],
      ['2010-04-12T09:50', 3 * H, '2010-04-12 12:50:00'],
    ]);
    checkAdds(july5, [['2010-07-02T16:50', 1 * H, '2010-07-06 09:50:00']]);
    const cal = calendarOf(data);
    // "consider any time on a weekend as equivalent to monday morning"
    expect(subtractWorkingTimeEpoch(cal, at('UTC', '2010-04-25T12:06:56'), H)).toBe(
      subtractWorkingTimeEpoch(cal, at('UTC', '2010-04-26T09:00'), H),
    );
  });

  it('custom work hours, 24-hour days, and a duration ending exactly at closing time', () => {
    const custom = {
      timeZone: 'UTC',
      week: { mon: ['09:00-17:00'], fri: ['09:00-17:00'], sat: ['10:00-15:00'] },
    };
    checkAdds(custom, [
      ['2010-12-24T15:00', 9 * H, '2010-12-27 11:00:00'],
      ['2010-12-24T08:00', 15 * H, '2010-12-27 11:00:00'],
    ]);
    const fullDays = {
      timeZone: 'UTC',
      week: { mon: ['00:00-24:00'], fri: ['00:00-24:00'], sat: ['11:00-15:00'] },
    };
    checkAdds(fullDays, [
      ['2010-12-24T15:00', 24 * H, '2010-12-27 11:00:00'],
      ['2010-12-25T08:00', 15 * H, '2010-12-27 11:00:00'],
    ]);
    // Ends exactly at closing: business_time and we answer the closing time 17:00.
    checkAdds({ timeZone: 'UTC', week: { fri: ['09:00-17:00'] } }, [
      ['2010-12-24T08:00', 8 * H, '2010-12-24 17:00:00'],
    ]);
  });
});

describe('zendesk/biz (spec/support/time.rb schedule; spec/calculation/*_spec.rb; spec/biz_spec.rb)', () => {
  const data = {
    timeZone: 'Etc/UTC',
    week: {
      mon: ['09:00-17:00'],
      tue: ['10:00-16:00'],
      wed: ['09:00-17:00'],
      thu: ['10:00-16:00'],
      fri: ['09:00-17:00'],
      sat: ['11:00-14:30'],
    },
  };

  it('for_duration_spec: 19 hours after and before', () => {
    checkAdds(data, [
      ['2006-01-02T11:00', 19 * H, '2006-01-04 16:00:00'],
      ['2006-01-04T16:00', -19 * H, '2006-01-02 11:00:00'],
    ]);
  });

  it('active_spec: interval start is active, the end is not (biz counts the end as active)', () => {
    const cal = calendarOf(data);
    expect(isWorkingInstantEpoch(cal, at('UTC', '2006-01-01T09:00'))).toBe(false);
    expect(isWorkingInstantEpoch(cal, at('UTC', '2006-01-02T09:00'))).toBe(true);
    expect(isWorkingInstantEpoch(cal, at('UTC', '2006-01-02T12:00'))).toBe(true);
    // biz: active? is true at 17:00. Ours: half-open intervals, so no working time remains at 17:00.
    expect(isWorkingInstantEpoch(cal, at('UTC', '2006-01-02T17:00'))).toBe(false);
  });

  it('biz_spec: a Sunday-only schedule in Africa/Abidjan with a holiday', () => {
    const sunday = {
      timeZone: 'Africa/Abidjan',
      week: { sun: ['11:00-12:00'] },
      exceptions: [{ date: '2015-12-25' }],
    };
    const cal = calendarOf(sunday);
    // Two hours after 2006-01-01 00:00 end at the second Sunday's closing time, 12:00 (biz agrees here).
    expect(wall('UTC', addWorkingTimeEpoch(cal, at('UTC', '2006-01-01T00:00'), 2 * H))).toBe(
      '2006-01-08 12:00:00',
    );
    expect(workingTimeBetweenEpoch(cal, at('UTC', '2006-01-01T11:30'), at('UTC', '2006-01-08T11:30'))).toBe(
      H,
    );
    expect(isWorkingInstantEpoch(cal, at('UTC', '2006-01-01T11:00'))).toBe(true);
  });
});

describe('Zammad (zammad/zammad spec/models/ticket/escalation_examples.rb)', () => {
  // Zammad computes escalations with biz. The results hold in UTC and in Europe/Berlin alike.
  it('first response 60 min, update 120 min, solution 180 min from Thursday 09:30 UTC on 08:00-18:00', () => {
    for (const timeZone of ['UTC', 'Europe/Berlin']) {
      const cal = calendarOf({ timeZone, week: weekOf(MON_FRI, '08:00-18:00') });
      const created = Date.parse('2013-03-21T09:30:00Z') / 1000;
      const due = (minutes: number) =>
        new Date(addWorkingTimeEpoch(cal, created, minutes * M) * 1000).toISOString();
      expect(due(60)).toBe('2013-03-21T10:30:00.000Z');
      expect(due(120)).toBe('2013-03-21T11:30:00.000Z');
      expect(due(180)).toBe('2013-03-21T12:30:00.000Z');
    }
  });

  it('"SLA no longer matches" calendar 09:00-17:00: first response 60, solution 240 minutes', () => {
    const cal = calendarOf({ timeZone: 'UTC', week: weekOf(MON_FRI, '09:00-17:00') });
    const created = Date.parse('2013-03-21T09:30:00Z') / 1000;
    expect(wall('UTC', addWorkingTimeEpoch(cal, created, 60 * M))).toBe('2013-03-21 10:30:00');
    expect(wall('UTC', addWorkingTimeEpoch(cal, created, 240 * M))).toBe('2013-03-21 13:30:00');
  });
});

describe('dayjs-business-time (rankmyapp/dayjs-business-time test/addBusinessTime.spec.ts)', () => {
  // Default Monday-Friday 09:00-17:00; Wednesday split into 09:00-12:00 and 13:00-18:00; three holidays.
  const data = {
    timeZone: 'America/Sao_Paulo',
    week: { ...weekOf(MON_FRI, '09:00-17:00'), wed: ['09:00-12:00', '13:00-18:00'] },
    exceptions: [{ date: '2021-01-01' }, { date: '2021-01-25' }, { date: '2021-06-03' }],
  };

  it('adds hours and minutes across holidays, a long weekend and a lunch break', () => {
    checkAdds(data, [
      ['2021-06-02T17:00', 2 * H, '2021-06-04 10:00:00'],
      ['2021-01-22T12:00', 16 * H, '2021-01-27 12:00:00'],
      ['2021-02-03T11:30', 33 * M, '2021-02-03 13:03:00'],
      ['2021-06-02T17:55', 10 * M, '2021-06-04 09:05:00'],
    ]);
  });

  it('adds business days (dayjs keeps midnight; we start from the first opening)', () => {
    const cal = calendarOf(data);
    const days = (start: string, n: number) =>
      wall(data.timeZone, addWorkingDaysEpoch(cal, at(data.timeZone, start), n, 'same-local-time'));
    expect(days('2021-02-08T00:00', 3)).toBe('2021-02-11 09:00:00');
    expect(days('2021-02-19T00:00', 4)).toBe('2021-02-25 09:00:00');
  });
});

describe('Frappe Helpdesk (frappe/helpdesk helpdesk/helpdesk/doctype/hd_ticket/test_hd_ticket.py)', () => {
  // Default working hours Monday-Friday 10:00-18:00; the week of Monday 2026-03-02 stands in for the
  // suite's "current week".
  const data = { timeZone: 'UTC', week: weekOf(MON_FRI, '10:00-18:00') };

  it('response and resolution targets before, during and after hours, on weekends and holidays', () => {
    checkAdds(data, [
      ['2026-03-02T00:00', 1 * H, '2026-03-02 11:00:00'],
      ['2026-03-02T08:00', 4 * H, '2026-03-02 14:00:00'],
      ['2026-03-02T20:00', 30 * M, '2026-03-03 10:30:00'],
      ['2026-03-02T20:00', 2 * H, '2026-03-03 12:00:00'],
      // Saturday 15:00, low priority: 24 h response ends at Wednesday's closing time (Frappe agrees).
      ['2026-03-07T15:00', 24 * H, '2026-03-11 18:00:00'],
      ['2026-03-07T15:00', 72 * H, '2026-03-19 18:00:00'],
      ['2026-03-06T17:00', 30 * M, '2026-03-06 17:30:00'],
      ['2026-03-06T17:00', 2 * H, '2026-03-09 11:00:00'],
      ['2026-03-06T19:00', 1 * H, '2026-03-09 11:00:00'],
      ['2026-03-06T19:00', 4 * H, '2026-03-09 14:00:00'],
      // Hold time: 2 h + 1 h ends at closing 18:00; one more second is the next opening + 1 s.
      ['2026-03-05T15:00', 3 * H, '2026-03-05 18:00:00'],
      ['2026-03-05T15:00', 3 * H + 1, '2026-03-06 10:00:01'],
    ]);
    const holidays = { ...data, exceptions: [{ date: '2026-03-05' }, { date: '2026-03-06' }] };
    checkAdds(holidays, [
      ['2026-03-05T15:00', 30 * M, '2026-03-09 10:30:00'],
      ['2026-03-05T15:00', 2 * H, '2026-03-09 12:00:00'],
    ]);
  });
});
