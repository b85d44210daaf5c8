import { describe, expect, it } from 'vitest';
import { resolveHolidays } from './calendar.holidays.ts';

const week = {
  mon: ['09:00-18:00'],
  tue: ['09:00-18:00'],
  wed: ['09:00-18:00'],
  thu: ['09:00-18:00'],
  fri: ['09:00-18:00'],
};

describe('holidays from date-holidays become dated exceptions an admin reviews', () => {
  it('Bavaria 2026: public holidays only by default, observances such as Advent Sundays left out', () => {
    const holidays = resolveHolidays({ country: 'DE', region: 'BY' }, 2026, 2026, week);
    expect(holidays.every((h) => h.type === 'public' && h.hours.length === 0)).toBe(true);
    const dates = holidays.map((h) => h.date);
    expect(dates).toContain('2026-01-06');
    expect(dates).toContain('2026-06-04');
    expect(dates).not.toContain('2026-11-29');
    expect(dates).not.toContain('2026-12-24');
    expect(holidays.find((h) => h.date === '2026-12-25')?.name).toBe('1. Weihnachtstag');
  });

  it('partial-day holidays keep the working hours before they start (Christmas Eve from 14:00)', () => {
    const holidays = resolveHolidays({ country: 'DE', types: ['public', 'bank'] }, 2026, 2026, week);
    expect(holidays.find((h) => h.date === '2026-12-24')).toEqual({
      date: '2026-12-24',
      name: 'Heiliger Abend',
      type: 'bank',
      hours: ['09:00-14:00'],
    });
  });

  it('several years, sorted by date', () => {
    const holidays = resolveHolidays({ country: 'DE' }, 2026, 2030, week);
    const dates = holidays.map((h) => h.date);
    expect(dates).toEqual([...dates].sort());
    expect(dates.filter((d) => d.endsWith('-10-03'))).toHaveLength(5);
  });
});
