import type { Money } from '../plan/plan-common.schema.ts';

// Money is exact (R0.6): integer minor units plus an ISO 4217 currency. Every rounding in Upkeep goes
// through multiplyRational (half-up, away from zero at .5), once per line. Arithmetic that could pass
// 2^53 runs in BigInt; results outside the safe-integer range are a RangeError, never a silent float.

export type { Money };

/** An exact rational number as two BigInts (den > 0), e.g. 7.7 = 77/10. */
export interface Rational {
  num: bigint;
  den: bigint;
}

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** Throws a RangeError unless n is a safe integer; returns it. Example: assertSafeMinor(4900, 'amount') */
export function assertSafeMinor(n: number, what = 'amount'): number {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`${what} must be a safe integer number of minor units, got ${n}`);
  }
  return n;
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${value} is beyond Number.MAX_SAFE_INTEGER minor units`);
  }
  return Number(value);
}

/** Builds a Money value, checking the amount and the currency code. Example: money(4900, 'USD') */
export function money(amountMinor: number, currency: string): Money {
  if (!CURRENCY_PATTERN.test(currency)) {
    throw new RangeError(`currency must be an ISO 4217 code like USD, got "${currency}"`);
  }
  return { amountMinor: assertSafeMinor(amountMinor), currency };
}

function assertSameCurrency(currency: string, m: Money): void {
  if (m.currency !== currency) {
    throw new Error(`currency mismatch: cannot combine ${m.currency} with ${currency}`);
  }
}

/** Adds two amounts of one currency; a mismatch is a bug and throws. Example: addMoney(money(100,'USD'), money(5,'USD')) */
export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a.currency, b);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

/** Sums a list in one currency (an empty list is zero). Example: sumMoney('USD', [money(1,'USD')]) */
export function sumMoney(currency: string, list: readonly Money[]): Money {
  let total = 0n;
  for (const m of list) {
    assertSameCurrency(currency, m);
    total += BigInt(assertSafeMinor(m.amountMinor));
  }
  return money(toSafeNumber(total, 'sum'), currency);
}

/** Integer division p / d rounded half-up (.5 away from zero). Example: divideHalfUp(-5n, 2n) === -3n */
export function divideHalfUp(p: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  const sign = p < 0n !== d < 0n ? -1n : 1n;
  const ap = p < 0n ? -p : p;
  const ad = d < 0n ? -d : d;
  let q = ap / ad;
  if ((ap % ad) * 2n >= ad) q += 1n;
  return sign * q;
}

function toBig(n: number | bigint, what: string): bigint {
  return typeof n === 'bigint' ? n : BigInt(assertSafeMinor(n, what));
}

/**
 * amountMinor × numerator / denominator, rounded ONCE half-up (away from zero at .5): the one rounding
 * rule. Example: multiplyRational(4999, 3, 10) === 1500 (1499.7 → 1500)
 */
export function multiplyRational(
  amountMinor: number,
  numerator: number | bigint,
  denominator: number | bigint,
): number {
  const p = BigInt(assertSafeMinor(amountMinor)) * toBig(numerator, 'numerator');
  return toSafeNumber(divideHalfUp(p, toBig(denominator, 'denominator')), 'result');
}

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** A decimal (number or text such as "7.7", 12.5, "1e-3") as an exact rational. Example: decimalToRational('7.7') → 77/10 */
export function decimalToRational(value: number | string): Rational {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null || (typeof value === 'number' && !Number.isFinite(value))) {
    throw new RangeError(`expected a decimal number like 19 or 7.7, got "${text}"`);
  }
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  if (Math.abs(exponent) > 400) throw new RangeError(`decimal "${text}" is out of range`);
  let num = BigInt(`${whole}${fraction}`);
  let den = 1n;
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  const g = gcd(num, den);
  num /= g;
  den /= g;
  return { num: sign === '-' ? -num : num, den };
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

/**
 * percent % of amountMinor, converted exactly from its decimal form (never a float multiply), rounded once
 * half-up. Example: percentOf(4999, 30) === 1500; percentOf(1000, '7.7') === 77
 */
export function percentOf(amountMinor: number, percent: number | string): number {
  const r = decimalToRational(percent);
  return multiplyRational(amountMinor, r.num, r.den * 100n);
}

function weightsOf(weightsOrCount: readonly number[] | number): bigint[] {
  if (typeof weightsOrCount === 'number') {
    if (!Number.isSafeInteger(weightsOrCount) || weightsOrCount < 1) {
      throw new RangeError(`expected a positive whole number of parts, got ${weightsOrCount}`);
    }
    return Array.from({ length: weightsOrCount }, () => 1n);
  }
  if (weightsOrCount.length === 0) throw new RangeError('expected at least one weight');
  return weightsOrCount.map((w) => {
    if (!Number.isSafeInteger(w) || w < 0)
      throw new RangeError(`weights must be non-negative integers, got ${w}`);
    return BigInt(w);
  });
}

/**
 * Splits totalMinor into parts proportional to the weights (or into `count` equal parts) by largest
 * remainder: the parts sum to the total exactly; leftover units go to the largest remainders, ties to the
 * earliest parts. Example: allocateLargestRemainder(100, 3) → [34, 33, 33]
 */
export function allocateLargestRemainder(
  totalMinor: number,
  weightsOrCount: readonly number[] | number,
): number[] {
  const weights = weightsOf(weightsOrCount);
  const sumW = weights.reduce((a, w) => a + w, 0n);
  if (sumW === 0n) throw new RangeError('weights must not all be zero');
  const total = BigInt(assertSafeMinor(totalMinor, 'total'));
  const sign = total < 0n ? -1n : 1n;
  const abs = total * sign;
  const parts = weights.map((w) => (abs * w) / sumW);
  const remainders = weights.map((w, i) => ({ i, r: (abs * w) % sumW }));
  let leftover = abs - parts.reduce((a, p) => a + p, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (leftover === 0n) break;
    parts[i] = parts[i]! + 1n;
    leftover -= 1n;
  }
  return parts.map((p) => Number(p * sign));
}

/** Digits after the decimal point for a currency, from Intl (USD 2, JPY 0, KWD 3). Example: minorDigits('JPY') === 0 */
export function minorDigits(currency: string): number {
  const options = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions();
  return options.maximumFractionDigits ?? 2;
}

/** The exact decimal text of an amount in major units, e.g. minorToDecimalString(-4905, 'USD') === '-49.05'. */
export function minorToDecimalString(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const abs = Math.abs(assertSafeMinor(amountMinor))
    .toString()
    .padStart(digits + 1, '0');
  const sign = amountMinor < 0 ? '-' : '';
  if (digits === 0) return `${sign}${abs}`;
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/**
 * Formats money for people with Intl, exactly (the amount goes in as decimal text, never a float).
 * Example: formatMoney(money(4900, 'USD')) === '$49.00'; formatMoney(money(4900, 'EUR'), 'de-DE') === '49,00 €'
 */
export function formatMoney(m: Money, locale = 'en-US'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
  return format.format(minorToDecimalString(m.amountMinor, m.currency) as Intl.StringNumericLiteral);
}
