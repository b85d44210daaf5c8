import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import type { Plan } from '../plan/plan.schema.ts';
import { buildInvoice, schedulePayments } from './invoice-lines.ts';
import { money } from './money.ts';
import { type PriceResult, pricePurchase, priceRenewal, reinstatementFee } from './price-rules.ts';
import { NO_TAX } from './tax.ts';

const S0 = loadPreset('annual-maintenance');
const S1 = loadPreset('ticket-desk');
const S2 = loadPreset('addon-support');
const S3 = loadPreset('business-sla');
const S4 = loadPreset('per-user-subscription');

/** S4 edited to 7.99 USD per user per month, so the 10 % discount has to round. */
const S4_799: Plan =
  S4.price.rule === 'per-user'
    ? { ...S4, price: { ...S4.price, pricePerUserPerMonth: { amountMinor: 799, currency: 'USD' } } }
    : S4;

function totalOf(result: PriceResult): number {
  if (!result.ok) throw new Error(`expected a price, got ${result.reason}: ${result.message}`);
  return buildInvoice({ currency: result.currency, taxRate: NO_TAX, lines: result.lines }).totalMinor;
}

const base = { listPriceAtPurchase: null, terms: 1 } as const;

describe('R0.5 renewal price by the plan rule', () => {
  it.each<[string, Parameters<typeof priceRenewal>[0], number, string]>([
    ['S0 standard, 1 year', { ...base, plan: S0, productCategory: 'standard' }, 4900, 'USD'],
    ['S0 professional, 1 year', { ...base, plan: S0, productCategory: 'professional' }, 9900, 'USD'],
    ['S0 enterprise, 2 years', { ...base, plan: S0, productCategory: 'enterprise', terms: 2 }, 39800, 'USD'],
    [
      'S0 professional, 5 years (the most at once)',
      { ...base, plan: S0, productCategory: 'professional', terms: 5 },
      49500,
      'USD',
    ],
    ['S1 free desk', { ...base, plan: S1, productCategory: 'default' }, 0, 'USD'],
    ['S3 standard in RUB', { ...base, plan: S3, productCategory: 'standard' }, 6000000, 'RUB'],
    ['S3 enterprise in RUB', { ...base, plan: S3, productCategory: 'enterprise' }, 18000000, 'RUB'],
    [
      'S2 30 % of 49.99 EUR = 14.997 → 15.00',
      { ...base, plan: S2, productCategory: 'addon', listPriceAtPurchase: money(4999, 'EUR') },
      1500,
      'EUR',
    ],
    [
      'S2 30 % of 49.95 EUR = 14.985 → 14.99 (half-up)',
      { ...base, plan: S2, productCategory: 'addon', listPriceAtPurchase: money(4995, 'EUR') },
      1499,
      'EUR',
    ],
    [
      'S2 30 % of 0.05 EUR = 0.015 → 0.02',
      { ...base, plan: S2, productCategory: 'addon', listPriceAtPurchase: money(5, 'EUR') },
      2,
      'EUR',
    ],
    [
      'S4 12 users annual: 1152.00 − 10 % = 1036.80',
      { ...base, plan: S4, productCategory: 'x', seats: 12 },
      103680,
      'USD',
    ],
    [
      'S4 12 users monthly: 1152.00, no discount',
      { ...base, plan: S4, productCategory: 'x', seats: 12, billing: 'monthly' },
      115200,
      'USD',
    ],
    [
      'S4 at 7.99: 3 users annual 287.64 − 28.76 = 258.88',
      { ...base, plan: S4_799, productCategory: 'x', seats: 3 },
      25888,
      'USD',
    ],
    [
      'S4 lapsed 12 users annual + 150.00 reinstatement fee',
      { ...base, plan: S4, productCategory: 'x', seats: 12, reinstatement: true },
      118680,
      'USD',
    ],
  ])('R0.5 (%s)', (_name, input, total, currency) => {
    const result = priceRenewal(input);
    expect(totalOf(result)).toBe(total);
    expect(result.ok && result.currency).toBe(currency);
  });

  it.each<[string, Parameters<typeof priceRenewal>[0], string]>([
    ['S0 unknown category', { ...base, plan: S0, productCategory: 'ultimate' }, 'NO_PRICE_FOR_CATEGORY'],
    ['S0 six years at once', { ...base, plan: S0, productCategory: 'standard', terms: 6 }, 'TOO_MANY_TERMS'],
    ['S0 zero terms', { ...base, plan: S0, productCategory: 'standard', terms: 0 }, 'INVALID_TERMS'],
    ['S0 1.5 terms', { ...base, plan: S0, productCategory: 'standard', terms: 1.5 }, 'INVALID_TERMS'],
    [
      'S0 monthly billing',
      { ...base, plan: S0, productCategory: 'standard', billing: 'monthly' },
      'MONTHLY_BILLING_NOT_OFFERED',
    ],
    [
      'S0 list price in EUR',
      { ...base, plan: S0, productCategory: 'standard', listPriceAtPurchase: money(1, 'EUR') },
      'CURRENCY_MISMATCH',
    ],
    ['S2 no list price recorded', { ...base, plan: S2, productCategory: 'addon' }, 'LIST_PRICE_REQUIRED'],
    [
      'S2 list price in USD',
      { ...base, plan: S2, productCategory: 'addon', listPriceAtPurchase: money(4999, 'USD') },
      'CURRENCY_MISMATCH',
    ],
    ['S4 without seats', { ...base, plan: S4, productCategory: 'x' }, 'SEATS_REQUIRED'],
    ['S4 zero seats', { ...base, plan: S4, productCategory: 'x', seats: 0 }, 'INVALID_SEATS'],
    ['S4 2.5 seats', { ...base, plan: S4, productCategory: 'x', seats: 2.5 }, 'INVALID_SEATS'],
  ])('R0.5 refused (%s) → %s', (_name, input, reason) => {
    const result = priceRenewal(input);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });

  it('R0.5 (S0): the line says what is bought, and the explanation shows the sum', () => {
    const result = priceRenewal({
      ...base,
      plan: S0,
      productCategory: 'professional',
      terms: 2,
      period: { start: '2026-03-01', end: '2028-03-01' },
    });
    expect(result).toMatchObject({
      ok: true,
      payment: { kind: 'single' },
      lines: [
        {
          description: 'Renewal: 2 × 1 year of support and maintenance (professional) at 99.00 USD per year',
          quantity: 2,
          unitAmountMinor: 9900,
          periodStart: '2026-03-01',
          periodEnd: '2028-03-01',
        },
      ],
    });
    expect(result.ok && result.explanation).toContain('2 terms = 198.00 USD');
  });

  it('R0.5 (S2): the unit is 30 % of the undiscounted list price, rounded once', () => {
    const result = priceRenewal({
      ...base,
      plan: S2,
      productCategory: 'addon',
      listPriceAtPurchase: money(4999, 'EUR'),
    });
    expect(result).toMatchObject({ ok: true, lines: [{ quantity: 1, unitAmountMinor: 1500 }] });
    expect(result.ok && result.lines[0]?.description).toBe(
      'Renewal: 3 months of support (30 % of the list price 49.99 EUR)',
    );
  });

  it('R4.2 (S4): the annual prepay discount is its own negative line, rounded once', () => {
    const result = priceRenewal({ ...base, plan: S4_799, productCategory: 'x', seats: 3 });
    expect(result.ok && result.lines.map((l) => [l.quantity, l.unitAmountMinor])).toEqual([
      [3, 9588],
      [1, -2876],
    ]);
    expect(result.ok && result.lines[1]?.description).toBe('Annual prepayment discount 10 %');
  });

  it('R4.2 (S4): monthly billing is 12 instalments of the undiscounted annual total', () => {
    const result = priceRenewal({ ...base, plan: S4, productCategory: 'x', seats: 12, billing: 'monthly' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.payment).toEqual({ kind: 'instalments', count: 12, everyMonths: 1, upfrontLines: [] });
    const invoice = buildInvoice({ currency: 'USD', taxRate: NO_TAX, lines: result.lines });
    const due = schedulePayments(invoice, result.payment, '2026-01-31');
    expect(due.map((d) => d.amountMinor)).toEqual(Array(12).fill(9600));
    expect(due.slice(0, 3).map((d) => d.dueOn)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
  });

  it('R4.4 (S4): a lapsed monthly subscription pays the reinstatement fee with the first instalment', () => {
    const result = priceRenewal({
      ...base,
      plan: S4_799,
      productCategory: 'x',
      seats: 5,
      billing: 'monthly',
      reinstatement: true,
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.lines.map((l) => l.unitAmountMinor)).toEqual([9588, 15000]);
    expect(result.explanation).toContain('reinstatement fee of 150.00 USD, due with the first instalment');
    const invoice = buildInvoice({
      currency: 'USD',
      taxRate: { ratePercent: '7.7', mode: 'exclusive' },
      lines: result.lines,
    });
    const due = schedulePayments(invoice, result.payment, '2026-05-01');
    // 5 × 95.88 = 479.40 + 7.7 % = 516.31; split 12 ways → 43.03 × 7 + 43.02 × 5; fee 150.00 + 11.55 tax on top of the first
    expect(invoice.totalMinor).toBe(51631 + 16155);
    expect(due[0]!.amountMinor).toBe(4303 + 16155);
    expect(due.reduce((a, d) => a + d.amountMinor, 0)).toBe(invoice.totalMinor);
  });

  it('R4.4: reinstatementFee is the S4 fee line, none for the other presets', () => {
    expect(reinstatementFee(S4)).toEqual({
      description: 'Reinstatement fee (lapsed subscription)',
      quantity: 1,
      unitAmountMinor: 15000,
    });
    for (const plan of [S0, S1, S2, S3]) expect(reinstatementFee(plan)).toBeNull();
    expect(
      totalOf(priceRenewal({ ...base, plan: S0, productCategory: 'standard', reinstatement: true })),
    ).toBe(4900);
  });
});

describe('R0.5 first purchase: list price, seller discount, recorded list price', () => {
  it('S2: a 20 % discount is its own line and the undiscounted 49.99 EUR is recorded; the renewal uses it', () => {
    const result = pricePurchase({
      plan: S2,
      listPrice: money(4999, 'EUR'),
      productName: 'Blog add-on',
      discount: { percent: 20 },
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.lines.map((l) => [l.description, l.unitAmountMinor])).toEqual([
      ['License: Blog add-on, including 3 months of support and maintenance', 4999],
      ['Discount 20 %', -1000],
    ]);
    expect(totalOf(result)).toBe(3999);
    expect(result.recordedListPrice).toEqual(money(4999, 'EUR'));
    const renewal = priceRenewal({
      ...base,
      plan: S2,
      productCategory: 'addon',
      listPriceAtPurchase: result.recordedListPrice,
    });
    expect(totalOf(renewal)).toBe(1500); // not 30 % of 39.99 (12.00)
  });

  it.each<[string, Parameters<typeof pricePurchase>[0], number]>([
    ['S0 list price, no discount', { plan: S0, listPrice: money(9900, 'USD') }, 9900],
    [
      'S0 fixed 10.00 discount',
      { plan: S0, listPrice: money(9900, 'USD'), discount: { amountMinor: 1000 } },
      8900,
    ],
    [
      'S0 12.5 % discount (12.375 → 12.38)',
      { plan: S0, listPrice: money(9900, 'USD'), discount: { percent: '12.5' } },
      8662,
    ],
    ['S0 100 % discount', { plan: S0, listPrice: money(9900, 'USD'), discount: { percent: 100 } }, 0],
    ['S4 12 users annual', { plan: S4, listPrice: null, seats: 12 }, 103680],
    ['S4 12 users monthly', { plan: S4, listPrice: null, seats: 12, billing: 'monthly' }, 115200],
    ['S4 12 users plus a 300.00 license', { plan: S4, listPrice: money(30000, 'USD'), seats: 12 }, 133680],
  ])('R0.5 purchase (%s)', (_name, input, total) => {
    expect(totalOf(pricePurchase(input) as PriceResult)).toBe(total);
  });

  it.each<[string, Parameters<typeof pricePurchase>[0], string]>([
    [
      'S0 discount above the list price',
      { plan: S0, listPrice: money(9900, 'USD'), discount: { amountMinor: 9901 } },
      'DISCOUNT_EXCEEDS_PRICE',
    ],
    [
      'S0 negative discount',
      { plan: S0, listPrice: money(9900, 'USD'), discount: { amountMinor: -1 } },
      'INVALID_DISCOUNT',
    ],
    [
      'S0 discount of 120 %',
      { plan: S0, listPrice: money(9900, 'USD'), discount: { percent: 120 } },
      'INVALID_DISCOUNT',
    ],
    [
      'S0 discount of "ten" %',
      { plan: S0, listPrice: money(9900, 'USD'), discount: { percent: 'ten' } },
      'INVALID_DISCOUNT',
    ],
    ['S0 no list price', { plan: S0, listPrice: null }, 'LIST_PRICE_REQUIRED'],
    ['S0 list price in EUR', { plan: S0, listPrice: money(9900, 'EUR') }, 'CURRENCY_MISMATCH'],
    [
      'S0 monthly',
      { plan: S0, listPrice: money(9900, 'USD'), billing: 'monthly' },
      'MONTHLY_BILLING_NOT_OFFERED',
    ],
    ['S4 without seats', { plan: S4, listPrice: null }, 'SEATS_REQUIRED'],
    [
      'S4 discount without a list price',
      { plan: S4, listPrice: null, seats: 3, discount: { percent: 5 } },
      'INVALID_DISCOUNT',
    ],
  ])('R0.5 purchase refused (%s) → %s', (_name, input, reason) => {
    expect(pricePurchase(input)).toMatchObject({ ok: false, reason });
  });

  it('R4.2 (S4): a license line bought with a monthly subscription is due with the first instalment', () => {
    const result = pricePurchase({ plan: S4, listPrice: money(30000, 'USD'), seats: 1, billing: 'monthly' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.payment).toEqual({ kind: 'instalments', count: 12, everyMonths: 1, upfrontLines: [1] });
  });
});
