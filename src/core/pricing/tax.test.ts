import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_TAX, type TaxRate, taxForLine } from './tax.ts';

const ex = (ratePercent: string): TaxRate => ({ ratePercent, mode: 'exclusive' });
const inc = (ratePercent: string): TaxRate => ({ ratePercent, mode: 'inclusive' });

describe('tax per line from a rate snapshot, rounded once half-up', () => {
  it.each([
    [10000, ex('19'), 10000, 1900, 11900],
    [4900, ex('19'), 4900, 931, 5831],
    [4999, ex('7.7'), 4999, 385, 5384], // 384.923 → 385
    [650, ex('7.7'), 650, 50, 700], // 50.05 → 50
    [-4900, ex('19'), -4900, -931, -5831], // a credit or discount line: symmetric, away from zero
    [4900, NO_TAX, 4900, 0, 4900],
    [11900, inc('19'), 10000, 1900, 11900],
    [5831, inc('19'), 4900, 931, 5831],
    [100, inc('19'), 84, 16, 100], // 84.03 → 84
    [1077, inc('7.7'), 1000, 77, 1077],
    [1, inc('19'), 1, 0, 1],
    [0, inc('19'), 0, 0, 0],
  ])('%i with %j → net %i, tax %i, gross %i', (amount, rate, net, tax, gross) => {
    expect(taxForLine(amount, rate)).toEqual({ netMinor: net, taxMinor: tax, grossMinor: gross });
  });

  it.each([
    [{ ratePercent: '7,7', mode: 'exclusive' }],
    [{ ratePercent: '-1', mode: 'exclusive' }],
    [{ ratePercent: '101', mode: 'exclusive' }],
    [{ ratePercent: '19', mode: 'gross' }],
    [{ ratePercent: 19, mode: 'exclusive' }],
  ])('refuses the rate %j', (rate) => {
    expect(() => taxForLine(100, rate as unknown as TaxRate)).toThrow(RangeError);
  });

  const rateArb = fc
    .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 9999 }))
    .filter(([whole, frac]) => whole < 100 || frac === 0)
    .map(([whole, frac]) => (frac === 0 ? `${whole}` : `${whole}.${String(frac).padStart(4, '0')}`));

  it('property: inclusive net + tax = gross, and the net re-taxed exclusively is within 1 unit of gross', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), rateArb, (gross, rate) => {
        const line = taxForLine(gross, inc(rate));
        expect(line.netMinor + line.taxMinor).toBe(gross);
        expect(line.grossMinor).toBe(gross);
        const back = taxForLine(line.netMinor, ex(rate));
        expect(Math.abs(back.grossMinor - gross)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('property: exclusive gross = net + tax and tax never exceeds the rate share by more than half a unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), rateArb, (net, rate) => {
        const line = taxForLine(net, ex(rate));
        expect(line.grossMinor).toBe(net + line.taxMinor);
        const exact = (net * Number(rate)) / 100;
        expect(Math.abs(line.taxMinor - exact)).toBeLessThanOrEqual(0.5 + 0.05); // float slack on the reference only;
      }),
    );
  });
});
