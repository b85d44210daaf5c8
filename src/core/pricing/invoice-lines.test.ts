import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { buildInvoice, lineAmount, schedulePayments, splitInstalments } from './invoice-lines.ts';
import { NO_TAX, type TaxRate } from './tax.ts';

const VAT19: TaxRate = { ratePercent: '19', mode: 'exclusive' };
const CH_INCL: TaxRate = { ratePercent: '7.7', mode: 'inclusive' };

describe('R0.6 invoice lines: quantity × unit rounded once, totals are sums of rounded lines', () => {
  it.each([
    [1, 4900, 4900],
    [3, 4900, 14700],
    [{ num: 306, den: 365 }, 9600, 8048], // 8048.22
    [{ num: 1, den: 2 }, 5, 3], // 2.5 → 3
    [{ num: 1, den: 3 }, 100, 33],
    [-1, 960, -960],
  ])('lineAmount(%j, %i) = %i', (quantity, unit, amount) => {
    expect(lineAmount(quantity, unit)).toBe(amount);
  });

  it('S0 renewal with 19 % VAT: subtotal, tax and total', () => {
    const invoice = buildInvoice({
      currency: 'USD',
      taxRate: VAT19,
      lines: [{ description: 'Renewal: professional, 1 year', quantity: 2, unitAmountMinor: 9900 }],
    });
    expect(invoice).toMatchObject({ subtotalMinor: 19800, taxMinor: 3762, totalMinor: 23562 });
    expect(invoice.lines[0]).toMatchObject({
      amountMinor: 19800,
      netMinor: 19800,
      taxMinor: 3762,
      totalMinor: 23562,
    });
  });

  it('totals add the rounded lines and are never re-rounded (three 1/3 lines = 99, not 100)', () => {
    const third = { description: 'a third', quantity: { num: 1, den: 3 }, unitAmountMinor: 100 };
    const invoice = buildInvoice({ currency: 'EUR', taxRate: NO_TAX, lines: [third, third, third] });
    expect(invoice.lines.map((l) => l.amountMinor)).toEqual([33, 33, 33]);
    expect(invoice.totalMinor).toBe(99);
  });

  it('tax rounds per line: two lines of 0.05 at 10 % are 0.01 each (0.02), not round(0.01)', () => {
    const line = { description: 'fee', quantity: 1, unitAmountMinor: 5 };
    const invoice = buildInvoice({
      currency: 'USD',
      taxRate: { ratePercent: '10', mode: 'exclusive' },
      lines: [line, line],
    });
    expect(invoice.lines.map((l) => l.taxMinor)).toEqual([1, 1]); // 0.5 → 1 each
    expect(invoice).toMatchObject({ subtotalMinor: 10, taxMinor: 2, totalMinor: 12 });
  });

  it('inclusive tax: the entered amount is gross, subtotal is the sum of nets', () => {
    const invoice = buildInvoice({
      currency: 'CHF',
      lines: [
        { description: 'Support', quantity: 1, unitAmountMinor: 1077, taxRate: CH_INCL },
        { description: 'Fee', quantity: 1, unitAmountMinor: 100, taxRate: VAT19 },
      ],
    });
    expect(invoice.lines.map((l) => [l.netMinor, l.taxMinor, l.totalMinor])).toEqual([
      [1000, 77, 1077],
      [100, 19, 119],
    ]);
    expect(invoice).toMatchObject({ subtotalMinor: 1100, taxMinor: 96, totalMinor: 1196 });
  });

  it('a discount line is negative and keeps its period dates', () => {
    const invoice = buildInvoice({
      currency: 'USD',
      taxRate: NO_TAX,
      lines: [
        {
          description: 'S4',
          quantity: 12,
          unitAmountMinor: 9600,
          periodStart: '2026-01-01',
          periodEnd: '2027-01-01',
        },
        { description: 'discount', quantity: 1, unitAmountMinor: -11520 },
      ],
    });
    expect(invoice.totalMinor).toBe(103680);
    expect(invoice.lines[0]).toMatchObject({ periodStart: '2026-01-01', periodEnd: '2027-01-01' });
  });

  it('faults throw: a line without a tax rate, a bad currency, a zero denominator', () => {
    const line = { description: 'x', quantity: 1, unitAmountMinor: 1 };
    expect(() => buildInvoice({ currency: 'USD', lines: [line] })).toThrow('no tax rate');
    expect(() => buildInvoice({ currency: 'usd', taxRate: NO_TAX, lines: [line] })).toThrow(RangeError);
    expect(() => lineAmount({ num: 1, den: 0 }, 100)).toThrow(RangeError);
    expect(() => lineAmount(1.5, 100)).toThrow(RangeError);
  });

  it('property: invoice total = subtotal + tax = sum of line totals', () => {
    const lineArb = fc.record({
      description: fc.constant('line'),
      quantity: fc.oneof(
        fc.integer({ min: -5, max: 50 }),
        fc.record({ num: fc.integer({ min: 0, max: 400 }), den: fc.integer({ min: 1, max: 366 }) }),
      ),
      unitAmountMinor: fc.integer({ min: -1e7, max: 1e7 }),
      taxRate: fc.record({
        ratePercent: fc.constantFrom('0', '7.7', '19', '20'),
        mode: fc.constantFrom(...(['exclusive', 'inclusive'] as const)),
      }),
    });
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 10 }), (lines) => {
        const invoice = buildInvoice({ currency: 'EUR', lines });
        expect(invoice.subtotalMinor + invoice.taxMinor).toBe(invoice.totalMinor);
        expect(invoice.lines.reduce((a, l) => a + l.totalMinor, 0)).toBe(invoice.totalMinor);
      }),
    );
  });
});

describe('R4.2 instalments: largest remainder, due dates from the anchor with month-end clamping', () => {
  it('S4 monthly: 12 users × 8.00 × 12 = 1152.00 in 12 instalments of 96.00', () => {
    const plan = splitInstalments(115200, 12, '2026-01-15');
    expect(plan.map((i) => i.amountMinor)).toEqual(Array(12).fill(9600));
    expect(plan.at(-1)).toEqual({ number: 12, dueOn: '2026-12-15', amountMinor: 9600 });
  });

  it('Jan 31 → Feb 29 → Mar 31 → Apr 30 (leap year), never chained; extra cents go first', () => {
    const plan = splitInstalments(10000, 4, '2024-01-31');
    expect(plan).toEqual([
      { number: 1, dueOn: '2024-01-31', amountMinor: 2500 },
      { number: 2, dueOn: '2024-02-29', amountMinor: 2500 },
      { number: 3, dueOn: '2024-03-31', amountMinor: 2500 },
      { number: 4, dueOn: '2024-04-30', amountMinor: 2500 },
    ]);
    expect(splitInstalments(10001, 3, '2023-01-31').map((i) => [i.dueOn, i.amountMinor])).toEqual([
      ['2023-01-31', 3334],
      ['2023-02-28', 3334],
      ['2023-03-31', 3333],
    ]);
  });

  it('every 3 months from Nov 30: Feb 28, May 30, Aug 30', () => {
    expect(splitInstalments(400, 4, '2026-11-30', 3).map((i) => i.dueOn)).toEqual([
      '2026-11-30',
      '2027-02-28',
      '2027-05-30',
      '2027-08-30',
    ]);
  });

  it.each([
    [100, 0, '2026-01-01', 1, RangeError],
    [100, 2, '2026-02-30', 1, RangeError],
    [100, 2, '2026-1-1', 1, RangeError],
    [100, 2, '2026-01-01', 0, RangeError],
  ])('refuses total %i, n %i, first %s, every %i', (total, n, first, every, error) => {
    expect(() => splitInstalments(total, n, first, every)).toThrow(error);
  });

  it('property: instalments sum to the total, differ by ≤ 1 and fall on the anchor day or the month end', () => {
    const dateArb = fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 1, max: 36 }),
        dateArb,
        fc.integer({ min: 1, max: 12 }),
        (total, n, first, every) => {
          const plan = splitInstalments(total, n, first, every);
          expect(plan.reduce((a, i) => a + i.amountMinor, 0)).toBe(total);
          const amounts = plan.map((i) => i.amountMinor);
          expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
          const anchorDay = Number(first.slice(8));
          plan.forEach((inst, i) => {
            const due = Temporal.PlainDate.from(inst.dueOn);
            const expectedMonth = Temporal.PlainDate.from(first)
              .toPlainYearMonth()
              .add({ months: i * every });
            expect(due.toPlainYearMonth().equals(expectedMonth)).toBe(true);
            expect(due.day).toBe(Math.min(anchorDay, due.daysInMonth));
          });
        },
      ),
    );
  });
});

describe('R4.2 schedulePayments: single payment or instalments with upfront lines', () => {
  const invoice = buildInvoice({
    currency: 'USD',
    taxRate: NO_TAX,
    lines: [
      { description: 'subscription', quantity: 1, unitAmountMinor: 10001 },
      { description: 'fee', quantity: 1, unitAmountMinor: 15000 },
    ],
  });

  it('single: one payment of the invoice total on the first due date', () => {
    expect(schedulePayments(invoice, { kind: 'single' }, '2026-03-31')).toEqual([
      { number: 1, dueOn: '2026-03-31', amountMinor: 25001 },
    ]);
  });

  it('instalments: the split lines by largest remainder, upfront lines added to the first', () => {
    const due = schedulePayments(
      invoice,
      { kind: 'instalments', count: 3, everyMonths: 1, upfrontLines: [1] },
      '2026-03-31',
    );
    expect(due).toEqual([
      { number: 1, dueOn: '2026-03-31', amountMinor: 3334 + 15000 },
      { number: 2, dueOn: '2026-04-30', amountMinor: 3334 },
      { number: 3, dueOn: '2026-05-31', amountMinor: 3333 },
    ]);
  });
});
