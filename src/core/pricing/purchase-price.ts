import type { Plan } from '../plan/plan.schema.ts';
import type { Money } from '../plan/plan-common.schema.ts';
import type { PaymentSchedule, PriceLine } from './invoice-lines.ts';
import { percentOf } from './money.ts';
import { perUserLines } from './per-user-price.ts';
import {
  type Billing,
  lineAmountOf,
  type PriceRefused,
  type PriceResult,
  refuse,
  SINGLE,
} from './price-result.ts';
import { amountText, termText } from './price-words.ts';

/** A discount the seller gives on the first purchase: a percent (exact decimal) or an amount in minor units. */
export type PurchaseDiscount = { percent: number | string } | { amountMinor: number };

export interface PurchasePriceInput {
  plan: Plan;
  /** The product's undiscounted list price; null for a per-user subscription sold on its own. */
  listPrice: Money | null;
  productName?: string;
  discount?: PurchaseDiscount;
  seats?: number;
  billing?: Billing;
  period?: { start: string; end: string };
}

export type PurchasePriceResult =
  | (Extract<PriceResult, { ok: true }> & { recordedListPrice: Money | null })
  | PriceRefused;

function discountMinor(list: number, discount: PurchaseDiscount): number | PriceRefused {
  let amount: number;
  if ('percent' in discount) {
    const pct = Number(discount.percent);
    if (!/^\d+(\.\d+)?$/.test(String(discount.percent).trim()) || pct > 100) {
      return refuse(
        'INVALID_DISCOUNT',
        `a discount percent must be a decimal from 0 to 100, got ${discount.percent}`,
      );
    }
    amount = percentOf(list, discount.percent);
  } else {
    amount = discount.amountMinor;
    if (!Number.isSafeInteger(amount) || amount < 0) {
      return refuse(
        'INVALID_DISCOUNT',
        `a discount amount must be a non-negative whole number of minor units, got ${amount}`,
      );
    }
  }
  if (amount > list)
    return refuse('DISCOUNT_EXCEEDS_PRICE', `the discount ${amount} exceeds the list price ${list}`);
  return amount;
}

function licenseLines(input: PurchasePriceInput, list: Money): PriceLine[] | PriceRefused {
  const { plan } = input;
  const included = plan.coverage.includedWithLicense
    ? `, including ${termText(plan.coverage.term)} of support and maintenance`
    : '';
  const lines: PriceLine[] = [
    {
      description: `License: ${input.productName ?? 'product'}${included}`,
      quantity: 1,
      unitAmountMinor: list.amountMinor,
    },
  ];
  if (input.discount === undefined) return lines;
  const discount = discountMinor(list.amountMinor, input.discount);
  if (typeof discount !== 'number') return discount;
  const what = 'percent' in input.discount ? ` ${input.discount.percent} %` : '';
  if (discount > 0) lines.push({ description: `Discount${what}`, quantity: 1, unitAmountMinor: -discount });
  return lines;
}

function checkPurchase({ plan, listPrice, billing, discount }: PurchasePriceInput): PriceRefused | null {
  if (listPrice !== null && listPrice.currency !== plan.currency) {
    return refuse(
      'CURRENCY_MISMATCH',
      `the list price is in ${listPrice.currency} but the plan prices in ${plan.currency}`,
    );
  }
  if ((billing ?? 'annual') === 'monthly' && plan.price.rule !== 'per-user') {
    return refuse('MONTHLY_BILLING_NOT_OFFERED', `a ${plan.price.rule} plan is paid once per order`);
  }
  if (listPrice === null && plan.price.rule !== 'per-user') {
    return refuse('LIST_PRICE_REQUIRED', 'a purchase needs the product list price');
  }
  if (listPrice === null && discount !== undefined) {
    return refuse('INVALID_DISCOUNT', 'a discount applies to a list price; none was given');
  }
  return null;
}

/**
 * The price of a first purchase: the product's list price less an optional seller discount (its own negative
 * line); for per-user plans, seats × price per user per month × months of the first term. The undiscounted
 * list price is returned as recordedListPrice, the base of S2's later renewals (R0.5).
 * Example (S2): pricePurchase({ plan: s2, listPrice: money(4999, 'EUR'), discount: { percent: 20 } })
 *   → lines 4999 and −1000, recordedListPrice { amountMinor: 4999, currency: 'EUR' }
 */
export function pricePurchase(input: PurchasePriceInput): PurchasePriceResult {
  const { plan, listPrice } = input;
  const refused = checkPurchase(input);
  if (refused !== null) return refused;
  const license = listPrice === null ? [] : licenseLines(input, listPrice);
  if (!Array.isArray(license)) return license;
  const licenseTotal = license.reduce((a, l) => a + lineAmountOf(l), 0);
  const licenseWords =
    listPrice === null
      ? ''
      : `License at the list price ${amountText(listPrice.amountMinor, plan.currency)}${licenseTotal === listPrice.amountMinor ? '' : `, after the discount ${amountText(licenseTotal, plan.currency)}`}; the undiscounted list price is recorded for renewals.`;
  if (plan.price.rule !== 'per-user') {
    return {
      ok: true,
      currency: plan.currency,
      lines: license,
      payment: SINGLE,
      explanation: licenseWords,
      recordedListPrice: listPrice,
    };
  }
  const sub = perUserLines(plan, plan.price, {
    ...input,
    terms: 1,
    term: plan.coverage.term,
    what: 'Purchase',
  });
  if (!sub.ok) return sub;
  const upfront = license.map((_, i) => sub.lines.length + i);
  const payment: PaymentSchedule =
    sub.payment.kind === 'single'
      ? sub.payment
      : { ...sub.payment, upfrontLines: [...sub.payment.upfrontLines, ...upfront] };
  const explanation = licenseWords === '' ? sub.explanation : `${sub.explanation} ${licenseWords}`;
  return { ...sub, lines: [...sub.lines, ...license], payment, explanation, recordedListPrice: listPrice };
}
