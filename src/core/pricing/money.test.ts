import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  allocateLargestRemainder,
  decimalToRational,
  formatMoney,
  minorDigits,
  minorToDecimalString,
  money,
  multiplyRational,
  percentOf,
  sumMoney,
} from './money.ts';

const MAX = Number.MAX_SAFE_INTEGER;

/** Reference: half-up (away from zero) of a*n/d in plain BigInt, written independently of divideHalfUp. */
function referenceHalfUp(a: bigint, n: bigint, d: bigint): bigint {
  const p = a * n;
  const negative = p < 0n;
  const abs = negative ? -p : p;
  const twice = (abs * 2n + d) / (2n * d); // floor(abs/d + 1/2)
  return negative ? -twice : twice;
}

describe('R0.6 money values: integer minor units with a currency', () => {
  it('money() keeps integer minor units and the ISO code', () => {
    expect(money(4900, 'USD')).toEqual({ amountMinor: 4900, currency: 'USD' });
  });

  it.each([
    [49.5, 'USD', 'safe integer'],
    [MAX + 1, 'USD', 'safe integer'],
    [Number.NaN, 'USD', 'safe integer'],
    [100, 'usd', 'ISO 4217'],
    [100, 'US', 'ISO 4217'],
  ])('money(%s, %s) throws a RangeError (%s)', (amount, currency, rule) => {
    expect(() => money(amount, currency)).toThrow(RangeError);
    expect(() => money(amount, currency)).toThrow(rule);
  });

  it('addMoney and sumMoney add exactly; a currency mismatch is a bug and throws', () => {
    expect(addMoney(money(4900, 'USD'), money(-490, 'USD'))).toEqual(money(4410, 'USD'));
    expect(sumMoney('USD', [])).toEqual(money(0, 'USD'));
    expect(sumMoney('RUB', [money(6000000, 'RUB'), money(18000000, 'RUB')])).toEqual(money(24000000, 'RUB'));
    expect(() => addMoney(money(1, 'USD'), money(1, 'EUR'))).toThrow('currency mismatch');
    expect(() => sumMoney('USD', [money(1, 'USD'), money(1, 'EUR')])).toThrow('currency mismatch');
  });

  it('sums past Number.MAX_SAFE_INTEGER throw a RangeError instead of losing cents', () => {
    expect(() => addMoney(money(MAX, 'USD'), money(1, 'USD'))).toThrow(RangeError);
    expect(() => sumMoney('USD', [money(MAX, 'USD'), money(MAX, 'USD')])).toThrow(RangeError);
  });
});

describe('R0.6 the one rounding rule: multiplyRational, half-up away from zero, once', () => {
  it.each([
    [4999, 3, 10, 1500], // 1499.7
    [5, 1, 2, 3], // 2.5 → 3
    [-5, 1, 2, -3], // -2.5 → -3 (away from zero)
    [7, 1, 2, 4], // 3.5 → 4
    [1, 1, 3, 0], // 0.333
    [2, 1, 3, 1], // 0.667
    [-2, 1, 3, -1],
    [10, 1, -4, -3], // -2.5 → -3
    [0, 7, 9, 0],
  ])('multiplyRational(%i, %i, %i) = %i', (amount, num, den, expected) => {
    expect(multiplyRational(amount, num, den)).toBe(expected);
  });

  it('large intermediate products stay exact (BigInt), beyond-safe results throw', () => {
    expect(multiplyRational(MAX, 3, 3)).toBe(MAX);
    expect(multiplyRational(MAX, MAX, MAX)).toBe(MAX);
    expect(() => multiplyRational(MAX, 2, 1)).toThrow(RangeError);
    expect(() => multiplyRational(1, 1, 0)).toThrow(RangeError);
  });

  it('property: multiplyRational matches a BigInt reference and is odd-symmetric', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 1, max: 1e6 }),
        (a, n, d) => {
          const expected = Number(referenceHalfUp(BigInt(a), BigInt(n), BigInt(d)));
          expect(multiplyRational(a, n, d)).toBe(expected);
          expect(multiplyRational(-a, n, d)).toBe(-expected || 0);
        },
      ),
    );
  });
});

describe('R0.5 percentOf: exact decimal percent, never a float multiply', () => {
  it.each([
    [4999, 30, 1500], // S2: 30 % of 49.99 = 14.997 → 15.00
    [1000, '7.7', 77],
    [1005, '7.7', 77], // 77.385 → 77
    [650, 7.7, 50], // 50.05 → 50
    [1950, 7.7, 150], // 150.15
    [10, 12.5, 1], // 1.25 → 1
    [20, 12.5, 3], // 2.5 → 3
    [1000, '19', 190],
    [1000, '0', 0],
    [100000, '1e-3', 1],
    // floats: 10000 * 1.005 / 100 = 100.49999999999999 → 100; exactly it is 100.5 → 101
    [10000, 1.005, 101],
    [10000, '1.005', 101],
  ])('percentOf(%i, %s) = %i', (amount, percent, expected) => {
    expect(percentOf(amount, percent)).toBe(expected);
  });

  it.each(['', 'abc', '7,7', '1.2.3', 'NaN'])('percentOf refuses "%s"', (percent) => {
    expect(() => percentOf(100, percent)).toThrow(RangeError);
  });

  it('decimalToRational is exact and reduced', () => {
    expect(decimalToRational('7.7')).toEqual({ num: 77n, den: 10n });
    expect(decimalToRational(12.5)).toEqual({ num: 25n, den: 2n });
    expect(decimalToRational(1e-7)).toEqual({ num: 1n, den: 10000000n });
    expect(decimalToRational('-0.50')).toEqual({ num: -1n, den: 2n });
  });

  it('property: percentOf never drifts from the BigInt reference (percent with up to 3 decimals)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), fc.integer({ min: 0, max: 100_000 }), (a, milli) => {
        const text = `${Math.floor(milli / 1000)}.${String(milli % 1000).padStart(3, '0')}`;
        const expected = Number(referenceHalfUp(BigInt(a), BigInt(milli), 100_000n));
        expect(percentOf(a, text)).toBe(expected);
        expect(percentOf(a, Number(text))).toBe(expected);
      }),
    );
  });
});

describe('R0.6 allocateLargestRemainder: exact splits', () => {
  it.each([
    [100, 3, [34, 33, 33]],
    [-100, 3, [-34, -33, -33]],
    [2, 3, [1, 1, 0]], // ties go to the earliest parts
    [0, 4, [0, 0, 0, 0]],
    [86400, 12, Array(12).fill(7200)],
    [86401, 12, [7201, ...Array(11).fill(7200)]],
    [10, [1, 1, 2], [3, 2, 5]], // 2.5, 2.5, 5 → the tie goes to the first
    [100, [0, 1, 1], [0, 50, 50]],
    [7, [0, 3, 0], [0, 7, 0]],
  ])('allocate %i over %j = %j', (total, weights, expected) => {
    expect(allocateLargestRemainder(total, weights)).toEqual(expected);
  });

  it.each([[0], [-1], [1.5], [[]], [[0, 0]], [[1, -1]]])('refuses weights/count %j', (w) => {
    expect(() => allocateLargestRemainder(100, w as number | number[])).toThrow(RangeError);
  });

  it('property: parts sum to the total; equal weights differ by at most 1, larger parts first', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), fc.integer({ min: 1, max: 60 }), (total, n) => {
        const parts = allocateLargestRemainder(total, n);
        expect(parts).toHaveLength(n);
        expect(parts.reduce((a, p) => a + p, 0)).toBe(total);
        const abs = parts.map(Math.abs);
        expect(Math.max(...abs) - Math.min(...abs)).toBeLessThanOrEqual(1);
        for (let i = 1; i < n; i++) expect(abs[i]!).toBeLessThanOrEqual(abs[i - 1]!);
      }),
    );
  });

  it('property: weighted parts sum to the total and each is within 1 of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const parts = allocateLargestRemainder(total, weights);
          expect(parts.reduce((a, p) => a + p, 0)).toBe(total);
          const sumW = weights.reduce((a, w) => a + w, 0);
          parts.forEach((p, i) => {
            const exact = (total * weights[i]!) / sumW;
            expect(Math.abs(p - exact)).toBeLessThan(1.0001);
          });
        },
      ),
    );
  });
});

describe('formatting with the currency minor digits (Intl)', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['RUB', 2],
    ['JPY', 0],
    ['KWD', 3],
  ])('minorDigits(%s) = %i', (currency, digits) => {
    expect(minorDigits(currency)).toBe(digits);
  });

  it.each([
    [money(4900, 'USD'), 'en-US', '$49.00'],
    [money(-5, 'USD'), 'en-US', '-$0.05'],
    [money(6000000, 'RUB'), 'en-US', 'RUB\u00a060,000.00'],
    [money(4900, 'JPY'), 'en-US', '¥4,900'],
    [money(1234, 'KWD'), 'en-US', 'KWD\u00a01.234'],
    [money(123456, 'EUR'), 'de-DE', '1.234,56\u00a0€'],
    [money(Number.MAX_SAFE_INTEGER, 'USD'), 'en-US', '$90,071,992,547,409.91'],
  ])('formatMoney(%j, %s) = %s', (m, locale, text) => {
    expect(formatMoney(m, locale)).toBe(text);
  });

  it('minorToDecimalString is exact text', () => {
    expect(minorToDecimalString(-4905, 'USD')).toBe('-49.05');
    expect(minorToDecimalString(7, 'USD')).toBe('0.07');
    expect(minorToDecimalString(7, 'KWD')).toBe('0.007');
    expect(minorToDecimalString(4900, 'JPY')).toBe('4900');
  });
});
