import type { Plan } from '../plan/plan.schema.ts';
import type { Money } from '../plan/plan-common.schema.ts';
import type { PaymentSchedule, PriceLine } from './invoice-lines.ts';
import { percentOf } from './money.ts';
import { perUserLines } from './per-user-price.ts';
import { type Billing, lineAmountOf, type PriceResult, refuse, SINGLE } from './price-result.ts';
import { amountText, perTermText, plural, termsText } from './price-words.ts';

// R0.5: the price of a renewal (and of the first purchase) by the plan's price rule. Outcomes are data:
// a rule that cannot price the order says why ({ ok: false, reason }); only bugs throw.

export type { Billing, PriceRefusal, PriceResult } from './price-result.ts';
export {
  type PurchaseDiscount,
  type PurchasePriceInput,
  type PurchasePriceResult,
  pricePurchase,
} from './purchase-price.ts';

export interface RenewalPriceInput {
  plan: Plan;
  productCategory: string;
  /** The undiscounted list price recorded at purchase (S2's base); null when none was recorded. */
  listPriceAtPurchase: Money | null;
  /** Counted users (R4.1), for per-user plans. */
  seats?: number;
  /** How many renewal terms this order buys (S0: "1 year or more"). */
  terms: number;
  billing?: Billing;
  /** A lapsed per-user subscription pays the plan's reinstatement fee on top (R4.4). */
  reinstatement?: boolean;
  /** The service period the renewal line pays for, YYYY-MM-DD, half-open. */
  period?: { start: string; end: string };
}

function checkCommon(input: RenewalPriceInput): PriceResult | null {
  const { plan, terms, listPriceAtPurchase } = input;
  if (!Number.isSafeInteger(terms) || terms < 1) {
    return refuse('INVALID_TERMS', `terms must be a positive whole number, got ${terms}`);
  }
  if (terms > plan.renewal.maxTermsPerRenewal) {
    return refuse(
      'TOO_MANY_TERMS',
      `this plan renews at most ${plan.renewal.maxTermsPerRenewal} terms at once`,
    );
  }
  if (listPriceAtPurchase !== null && listPriceAtPurchase.currency !== plan.currency) {
    return refuse(
      'CURRENCY_MISMATCH',
      `the list price is in ${listPriceAtPurchase.currency} but the plan prices in ${plan.currency}`,
    );
  }
  if ((input.billing ?? 'annual') === 'monthly' && plan.price.rule !== 'per-user') {
    return refuse('MONTHLY_BILLING_NOT_OFFERED', `a ${plan.price.rule} plan is paid once per order`);
  }
  return null;
}

/**
 * The price of renewing one contract for `terms` terms, as invoice line inputs (without tax).
 * Example (S0): priceRenewal({ plan: s0, productCategory: 'professional', listPriceAtPurchase: null, terms: 2 })
 *   → { ok: true, lines: [{ description: 'Renewal: 2 × 1 year of support and maintenance (professional) at 99.00 USD per 1 year', quantity: 2, unitAmountMinor: 9900 }], … }
 */
export function priceRenewal(input: RenewalPriceInput): PriceResult {
  const refused = checkCommon(input);
  if (refused !== null) return refused;
  const { plan, terms } = input;
  const period =
    input.period === undefined ? {} : { periodStart: input.period.start, periodEnd: input.period.end };
  const price = plan.price;
  if (price.rule === 'category-table') {
    const row = price.categories.find((c) => c.productCategory === input.productCategory);
    if (row === undefined) {
      const known = price.categories.map((c) => c.productCategory).join(', ');
      return refuse(
        'NO_PRICE_FOR_CATEGORY',
        `no renewal price for category "${input.productCategory}" (known: ${known})`,
      );
    }
    const unit = row.pricePerTerm.amountMinor;
    const line: PriceLine = {
      description: `Renewal: ${termsText(plan.renewal.term, terms)} of support and maintenance (${row.productCategory}) at ${amountText(unit, plan.currency)} per ${perTermText(plan.renewal.term)}`,
      quantity: terms,
      unitAmountMinor: unit,
      ...period,
    };
    const explanation = `R0.5 category table: category ${row.productCategory} renews at ${amountText(unit, plan.currency)} per ${perTermText(plan.renewal.term)}; ${plural(terms, 'term')} = ${amountText(lineAmountOf(line), plan.currency)}.`;
    return withFee(input, { ok: true, currency: plan.currency, lines: [line], payment: SINGLE, explanation });
  }
  if (price.rule === 'percent-of-list') {
    const list = input.listPriceAtPurchase;
    if (list === null) {
      return refuse(
        'LIST_PRICE_REQUIRED',
        'this plan renews at a percentage of the list price recorded at purchase; none was recorded',
      );
    }
    const unit = percentOf(list.amountMinor, price.percent);
    const line: PriceLine = {
      description: `Renewal: ${termsText(plan.renewal.term, terms)} of support (${price.percent} % of the list price ${amountText(list.amountMinor, list.currency)})`,
      quantity: terms,
      unitAmountMinor: unit,
      ...period,
    };
    const explanation = `R0.5 percent of list: ${price.percent} % of the undiscounted list price at purchase ${amountText(list.amountMinor, list.currency)} = ${amountText(unit, plan.currency)} per ${perTermText(plan.renewal.term)} (rounded half-up once); ${plural(terms, 'term')} = ${amountText(lineAmountOf(line), plan.currency)}.`;
    return withFee(input, { ok: true, currency: plan.currency, lines: [line], payment: SINGLE, explanation });
  }
  const perUser = perUserLines(plan, price, { ...input, term: plan.renewal.term, what: 'Renewal' });
  return perUser.ok ? withFee(input, perUser) : perUser;
}

/**
 * The reinstatement fee line for a lapsed subscription (R4.4), or null when the plan charges none.
 * Example (S4): reinstatementFee(s4) → { description: 'Reinstatement fee (lapsed subscription)', quantity: 1, unitAmountMinor: 15000 }
 */
export function reinstatementFee(plan: Plan): PriceLine | null {
  const fee = plan.payment.reinstatementFee;
  if (fee === undefined || fee.amountMinor === 0) return null;
  return {
    description: 'Reinstatement fee (lapsed subscription)',
    quantity: 1,
    unitAmountMinor: fee.amountMinor,
  };
}

function withFee(input: { plan: Plan; reinstatement?: boolean }, result: PriceResult): PriceResult {
  if (!result.ok || input.reinstatement !== true) return result;
  const fee = input.plan.payment.reinstatementFee;
  if (fee !== undefined && fee.currency !== result.currency) {
    return refuse(
      'CURRENCY_MISMATCH',
      `the reinstatement fee is in ${fee.currency}, the renewal in ${result.currency}`,
    );
  }
  const line = reinstatementFee(input.plan);
  if (line === null) return result;
  const index = result.lines.length;
  const payment: PaymentSchedule =
    result.payment.kind === 'single'
      ? result.payment
      : { ...result.payment, upfrontLines: [...result.payment.upfrontLines, index] };
  const explanation = `${result.explanation} R4.4: a lapsed subscription also pays the reinstatement fee of ${amountText(line.unitAmountMinor, result.currency)}${payment.kind === 'single' ? '' : ', due with the first instalment'}.`;
  return { ...result, lines: [...result.lines, line], payment, explanation };
}
