import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditNoteTax } from '../../src/server/billing/credit-note-tax.ts';

/** An invoice (tax ≤ total) and a split of its total into credit notes. */
const invoiceAndSplit = fc
  .record({
    totalMinor: fc.integer({ min: 1, max: 10_000_000 }),
    taxShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .chain(({ totalMinor, taxShare }) =>
    fc.record({
      invoice: fc.constant({ totalMinor, taxMinor: Math.floor(totalMinor * taxShare) }),
      cuts: fc.array(fc.integer({ min: 1, max: totalMinor }), { maxLength: 8 }),
    }),
  );

function notesOf(totalMinor: number, cuts: number[]): number[] {
  const points = [...new Set(cuts.filter((c) => c < totalMinor))].sort((a, b) => a - b);
  return [...points, totalMinor].map((p, i, all) => p - (i === 0 ? 0 : (all[i - 1] ?? 0)));
}

describe('creditNoteTax', () => {
  it('R5.1 refunds: credit notes that add up to the invoice total credit exactly its tax, each note 0 ≤ tax ≤ amount', () => {
    fc.assert(
      fc.property(invoiceAndSplit, ({ invoice, cuts }) => {
        let before = { amountMinor: 0, taxMinor: 0 };
        for (const amountMinor of notesOf(invoice.totalMinor, cuts)) {
          const tax = creditNoteTax(invoice, before, amountMinor);
          expect(tax).toBeGreaterThanOrEqual(0);
          expect(tax).toBeLessThanOrEqual(amountMinor);
          before = { amountMinor: before.amountMinor + amountMinor, taxMinor: before.taxMinor + tax };
          expect(before.taxMinor).toBeLessThanOrEqual(invoice.taxMinor);
        }
        expect(before).toEqual({ amountMinor: invoice.totalMinor, taxMinor: invoice.taxMinor });
      }),
    );
  });

  it.each([
    { invoice: { totalMinor: 2, taxMinor: 1 }, notes: [1, 1], taxes: [1, 0] },
    { invoice: { totalMinor: 11900, taxMinor: 1900 }, notes: [5950, 5950], taxes: [950, 950] },
    { invoice: { totalMinor: 11900, taxMinor: 1900 }, notes: [100, 100, 11700], taxes: [16, 16, 1868] },
    { invoice: { totalMinor: 0, taxMinor: 0 }, notes: [0], taxes: [0] },
  ])(
    'R0.6 half-up on the running total: $notes of $invoice.totalMinor → $taxes',
    ({ invoice, notes, taxes }) => {
      let before = { amountMinor: 0, taxMinor: 0 };
      const got = notes.map((amountMinor) => {
        const tax = creditNoteTax(invoice, before, amountMinor);
        before = { amountMinor: before.amountMinor + amountMinor, taxMinor: before.taxMinor + tax };
        return tax;
      });
      expect(got).toEqual(taxes);
    },
  );
});
