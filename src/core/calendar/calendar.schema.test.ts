import { describe, expect, it } from 'vitest';
import { parseCalendarSpec, parseIntervalText } from './calendar.schema.ts';

const valid = { timeZone: 'Europe/Berlin', week: { mon: ['09:00-18:00'] } };

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  const result = parseCalendarSpec(input);
  if (result.ok) throw new Error('expected the calendar to be rejected');
  return result.issues;
}

describe('calendar document: bad input names the path and the rule', () => {
  it('accepts the documented example', () => {
    const result = parseCalendarSpec({
      timeZone: 'Europe/Berlin',
      week: { mon: ['09:00-12:30', '13:00-18:00'], fri: ['22:00-06:00+1'] },
      workingDayLength: '9h',
      holidays: { country: 'DE', region: 'BY', types: ['public'] },
      exceptions: [{ date: '2026-12-24', hours: ['09:00-14:00'], name: 'Christmas Eve' }],
      closures: [{ start: '2026-12-01T22:00:00Z', end: '2026-12-02T02:00:00Z', reason: 'maintenance' }],
    });
    expect(result.ok).toBe(true);
  });

  it.each([
    [{ ...valid, timeZone: 'Mars/Olympus' }, 'timeZone', 'unknown IANA time zone'],
    [{ ...valid, timeZone: '+01:00' }, 'timeZone', 'unknown IANA time zone'],
    [{ ...valid, week: { mon: ['22:00-06:00'] } }, 'week.mon[0]', 'end is not after start'],
    [{ ...valid, week: { mon: ['9-17'] } }, 'week.mon[0]', 'malformed interval'],
    [{ ...valid, week: { mon: ['09:00-25:00'] } }, 'week.mon[0]', 'malformed time'],
    [{ ...valid, week: { mon: ['09:60-12:00'] } }, 'week.mon[0]', 'malformed time'],
    [{ ...valid, week: { mon: ['09:00-13:00', '12:00-18:00'] } }, 'week.mon[1]', 'overlaps'],
    [{ ...valid, week: { mon: ['10:00-12:00+1'] } }, 'week.mon[0]', 'longer than 24 h'],
    [
      { ...valid, week: { sun: ['22:00-10:00+1'], mon: ['09:00-18:00'] } },
      'week.sun',
      'overlaps the hours of mon',
    ],
    [{ ...valid, week: {} }, 'week', 'at least one weekday'],
    [{ ...valid, week: { monday: ['09:00-18:00'] } }, 'week', ''],
    [{ ...valid, workingDayLength: '-9h' }, 'workingDayLength', 'cannot be negative'],
    [{ ...valid, holidays: { country: 'XX' } }, 'holidays.country', 'no public-holiday data'],
    [{ ...valid, holidays: { country: 'DE', region: 'ZZ' } }, 'holidays.region', 'no public-holiday data'],
    [{ ...valid, holidays: { country: 'DE', types: ['festive'] } }, 'holidays.types[0]', ''],
    [{ ...valid, exceptions: [{ date: '2026-02-30' }] }, 'exceptions[0].date', 'expected a date'],
    [
      { ...valid, exceptions: [{ date: '2026-12-24' }, { date: '2026-12-24' }] },
      'exceptions[1].date',
      'already has',
    ],
    [
      { ...valid, closures: [{ start: '2026-12-02T02:00:00Z', end: '2026-12-01T22:00:00Z' }] },
      'closures[0].end',
      'after its start',
    ],
    [
      { ...valid, closures: [{ start: '2026-12-02 02:00', end: '2026-12-03T00:00:00Z' }] },
      'closures[0].start',
      '',
    ],
  ])('%j → %s: %s', (input, path, rule) => {
    const issues = issuesOf(input);
    const match = issues.find((issue) => issue.path === path);
    expect(match, JSON.stringify(issues)).toBeDefined();
    expect(match?.message).toContain(rule);
  });

  it('parses intervals, including "24:00" and the overnight "+1" form', () => {
    expect(parseIntervalText('09:00-24:00')).toEqual({ ok: true, interval: { start: 32_400, end: 86_400 } });
    expect(parseIntervalText('22:00-06:00+1')).toEqual({
      ok: true,
      interval: { start: 79_200, end: 108_000 },
    });
    expect(parseIntervalText('08:30:15-09:00')).toEqual({
      ok: true,
      interval: { start: 30_615, end: 32_400 },
    });
  });
});
