import { describe, expect, it } from 'vitest';
import {
  addDays,
  addTerm,
  civilDateIn,
  compareCivilDates,
  daysBetween,
  earlierOfInvoiceOrPayment,
  parseCivilDate,
  toPlainDate,
} from './civil-date.ts';

describe('civil dates: YYYY-MM-DD at the boundary', () => {
  it.each([
    ['2026-01-31', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2026-13-01', false],
    ['2026-1-31', false],
    ['2026-01-31T00:00', false],
    ['', false],
  ])('parseCivilDate(%j) ok=%s', (text, ok) => {
    expect(parseCivilDate(text).ok).toBe(ok);
  });

  it('a bad date reaching the core is a RangeError naming the field', () => {
    expect(() => toPlainDate('2027-02-29', 'renewOn')).toThrow(/renewOn: not a calendar date/);
  });

  it('compare, addDays and daysBetween cross month and leap-year ends', () => {
    expect(compareCivilDates('2026-01-31', '2026-02-01')).toBe(-1);
    expect(compareCivilDates('2026-02-01', '2026-02-01')).toBe(0);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2027-01-01')).toBe(-365);
  });
});

describe('addTerm: n x term from the anchor, end-of-month clamped, never chained (LESSONS)', () => {
  it.each([
    ['Jan 31 + 1 month', '2026-01-31', { months: 1 }, 1, '2026-02-28'],
    ['Jan 31 + 1 month, leap year', '2028-01-31', { months: 1 }, 1, '2028-02-29'],
    ['Jan 31 + 3 months (chaining gives Apr 28)', '2026-01-31', { months: 1 }, 3, '2026-04-30'],
    ['Aug 31 + 6 months (S1)', '2026-08-31', { months: 6 }, 1, '2027-02-28'],
    ['Aug 31 + 6 months, leap year (S1)', '2027-08-31', { months: 6 }, 1, '2028-02-29'],
    ['Feb 29 + 1 year (S0)', '2028-02-29', { years: 1 }, 1, '2029-02-28'],
    ['Feb 29 + 4 years lands on Feb 29 again', '2028-02-29', { years: 1 }, 4, '2032-02-29'],
    ['Nov 30 + 3 months (S2)', '2026-11-30', { months: 3 }, 1, '2027-02-28'],
    ['5 years at once (S0)', '2026-03-15', { years: 1 }, 5, '2031-03-15'],
    ['zero terms', '2026-03-15', { years: 1 }, 0, '2026-03-15'],
    ['days term', '2026-12-25', { days: 10 }, 1, '2027-01-04'],
  ])('%s: addTerm(%s) = %s', (_name, anchor, term, n, expected) => {
    expect(addTerm(anchor, term, n)).toBe(expected);
  });

  it('a fractional or negative count is a fault', () => {
    expect(() => addTerm('2026-01-01', { years: 1 }, 1.5)).toThrow(RangeError);
    expect(() => addTerm('2026-01-01', { years: 1 }, -1)).toThrow(RangeError);
  });
});

describe("civilDateIn: the civil date of an instant in the plan's zone", () => {
  it.each([
    ['2026-12-31T23:30:00Z', 'Europe/Berlin', '2027-01-01'],
    ['2026-12-31T23:30:00Z', 'UTC', '2026-12-31'],
    ['2027-01-01T03:00:00Z', 'America/New_York', '2026-12-31'],
    ['2026-03-29T01:30:00Z', 'Europe/Paris', '2026-03-29'],
  ])('%s in %s is %s', (iso, zone, expected) => {
    expect(civilDateIn(new Date(iso), zone)).toBe(expected);
  });

  it('an invalid Date is a fault', () => {
    expect(() => civilDateIn(new Date('nope'), 'UTC')).toThrow(RangeError);
  });
});

describe('R4.2 (S4): the earlier of invoice and payment dates', () => {
  it.each([
    ['invoice first', '2026-03-10', '2026-03-01', '2026-03-05', '2026-03-01'],
    ['payment first', '2026-03-10', '2026-03-05', '2026-03-01', '2026-03-01'],
    ['unpaid: the invoice date', '2026-03-10', '2026-03-05', null, '2026-03-05'],
    ['no invoice: the payment date', '2026-03-10', undefined, '2026-03-07', '2026-03-07'],
    ['neither: the fallback', '2026-03-10', undefined, undefined, '2026-03-10'],
  ])('%s', (_name, fallback, invoiceOn, paidOn, expected) => {
    expect(earlierOfInvoiceOrPayment(fallback, invoiceOn, paidOn)).toBe(expected);
  });
});
