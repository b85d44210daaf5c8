import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import { buildInvoice } from './invoice-lines.ts';
import { money } from './money.ts';
import { prorateAddedUsers } from './proration.ts';
import { NO_TAX } from './tax.ts';

const S4 = loadPreset('per-user-subscription');
if (S4.price.rule !== 'per-user') throw new Error('S4 preset is expected to price per user');
const PRICE = S4.price.pricePerUserPerMonth; // 8.00 USD

const term2026 = { termStart: '2026-01-01', termEnd: '2027-01-01' };

describe('R4.2 (S4): users added mid-term are prorated by days to the term end', () => {
  it.each([
    ['added on the term start costs the full term', 3, '2026-01-01', term2026, 365, 365, 28800],
    ['added on Mar 1: 306 of 365 days (24144.66 → 24145)', 3, '2026-03-01', term2026, 306, 365, 24145],
    ['added on the last day costs one day (78.90 → 79)', 3, '2026-12-31', term2026, 1, 365, 79],
    ['one user, mid-year: 184 of 365 days (4839.45 → 4839)', 1, '2026-07-01', term2026, 184, 365, 4839],
    [
      'leap-year term has 366 days',
      1,
      '2028-07-01',
      { termStart: '2028-01-01', termEnd: '2029-01-01' },
      184,
      366,
      4826,
    ],
    [
      'a term from Feb 29 clamps to Feb 28 and is still 12 months',
      1,
      '2024-02-29',
      { termStart: '2024-02-29', termEnd: '2025-02-28' },
      365,
      365,
      9600,
    ],
    [
      'a term from Aug 15 (backdated S4 renewal): 14360.55 → 14361',
      2,
      '2026-11-15',
      { termStart: '2026-08-15', termEnd: '2027-08-15' },
      273,
      365,
      14361,
    ],
  ])('R4.2 (S4): %s', (_name, seats, addedOn, term, daysRemaining, daysInTerm, amount) => {
    const result = prorateAddedUsers({ pricePerUserPerMonth: PRICE, addedSeats: seats, addedOn, ...term });
    expect(result).toMatchObject({
      ok: true,
      daysRemaining,
      daysInTerm,
      amountMinor: amount,
      currency: 'USD',
    });
  });

  it.each([
    ['the day after the term', 1, '2027-01-01', term2026, 'ADDED_OUTSIDE_TERM'],
    ['before the term', 1, '2025-12-31', term2026, 'ADDED_OUTSIDE_TERM'],
    ['zero seats', 0, '2026-03-01', term2026, 'INVALID_SEATS'],
    ['1.5 seats', 1.5, '2026-03-01', term2026, 'INVALID_SEATS'],
    ['an empty term', 1, '2026-03-01', { termStart: '2026-03-01', termEnd: '2026-03-01' }, 'INVALID_TERM'],
    ['a reversed term', 1, '2026-03-01', { termStart: '2027-01-01', termEnd: '2026-01-01' }, 'INVALID_TERM'],
  ])('R4.2 refused: %s', (_name, seats, addedOn, term, reason) => {
    expect(
      prorateAddedUsers({ pricePerUserPerMonth: PRICE, addedSeats: seats, addedOn, ...term }),
    ).toMatchObject({
      ok: false,
      reason,
    });
  });

  it('a malformed date is a fault (routes validate dates first)', () => {
    expect(() =>
      prorateAddedUsers({ pricePerUserPerMonth: PRICE, addedSeats: 1, addedOn: '2026-02-30', ...term2026 }),
    ).toThrow(RangeError);
  });

  it('R4.2 (S4): the line reproduces the amount through buildInvoice, with its period', () => {
    const result = prorateAddedUsers({
      pricePerUserPerMonth: PRICE,
      addedSeats: 3,
      addedOn: '2026-03-01',
      ...term2026,
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.line).toEqual({
      description:
        '3 added users from 2026-03-01 to the term end (306 of 365 days) at 96.00 USD per user per term',
      quantity: { num: 918, den: 365 },
      unitAmountMinor: 9600,
      periodStart: '2026-03-01',
      periodEnd: '2027-01-01',
    });
    expect(buildInvoice({ currency: 'USD', taxRate: NO_TAX, lines: [result.line] }).totalMinor).toBe(24145);
    expect(result.explanation).toBe(
      'R4.2 proration by days: 3 × 96.00 USD × 306/365 = 241.45 USD (rounded half-up once).',
    );
  });

  it('property: the charge never rises as the add date moves later, and stays within the full-term price', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 99_999 }),
        fc.integer({ min: 0, max: 364 }),
        fc.integer({ min: 0, max: 364 }),
        (seats, monthly, a, b) => {
          const [early, late] = a <= b ? [a, b] : [b, a];
          const start = Temporal.PlainDate.from('2026-01-01');
          const at = (d: number) =>
            prorateAddedUsers({
              pricePerUserPerMonth: money(monthly, 'USD'),
              addedSeats: seats,
              addedOn: start.add({ days: d }).toString(),
              ...term2026,
            });
          const x = at(early);
          const y = at(late);
          if (!x.ok || !y.ok) throw new Error('expected prices');
          expect(y.amountMinor).toBeLessThanOrEqual(x.amountMinor);
          expect(x.amountMinor).toBeLessThanOrEqual(seats * monthly * 12);
          expect(at(0)).toMatchObject({ amountMinor: seats * monthly * 12 });
        },
      ),
    );
  });
});
