import type { Plan } from '../plan/plan.schema.ts';
import type { PaymentSchedule, PriceLine } from './invoice-lines.ts';
import { multiplyRational, percentOf } from './money.ts';
import { type Billing, lineAmountOf, type PriceResult, refuse, SINGLE } from './price-result.ts';
import { amountText, perTermText, plural, termMonths, termsText, termText } from './price-words.ts';
import type { PerUserPrice } from './seat-count.ts';

// R4.1/R4.2 (S4): seats × price per user per month × months of the term. Decision: the annual prepayment
// discount is its own negative line (the invoice shows the undiscounted price and what was taken off);
// monthly billing pays the undiscounted total in instalments.

export interface PerUserOrder {
  seats?: number;
  terms: number;
  billing?: Billing;
  period?: { start: string; end: string };
  term: Plan['renewal']['term'];
  what: string;
}

/**
 * R4.1/R4.2: seats × price per user per month × months; annual prepay gets its discount as its own negative line.
 * Example (S4): perUserLines(s4, s4.price, { seats: 12, terms: 1, term: { years: 1 }, what: 'Renewal' })
 *   → lines [12 × 9600, 1 × −11520], payment single
 */
export function perUserLines(plan: Plan, price: PerUserPrice, order: PerUserOrder): PriceResult {
  const { seats, terms } = order;
  const billing = order.billing ?? 'annual';
  if (seats === undefined)
    return refuse('SEATS_REQUIRED', 'a per-user plan needs the number of counted users (R4.1)');
  if (!Number.isSafeInteger(seats) || seats < 1) {
    return refuse('INVALID_SEATS', `seats must be a positive whole number, got ${seats}`);
  }
  if (billing === 'monthly' && !price.billing.monthlyInstalments) {
    return refuse('MONTHLY_BILLING_NOT_OFFERED', 'this plan is paid annually only');
  }
  const months = termMonths(order.term);
  if (months === null || months < 1) {
    return refuse(
      'TERM_NOT_WHOLE_MONTHS',
      `a per-user price is per month; the term ${termText(order.term)} is not whole months`,
    );
  }
  const perUser = multiplyRational(price.pricePerUserPerMonth.amountMinor, months, 1);
  const monthly = amountText(price.pricePerUserPerMonth.amountMinor, plan.currency);
  const line: PriceLine = {
    description: `${order.what}: support subscription, ${plural(seats, 'user')} × ${termsText(order.term, terms)} at ${amountText(perUser, plan.currency)} per user per ${perTermText(order.term)} (${monthly} per user per month)`,
    quantity: multiplyRational(seats, terms, 1),
    unitAmountMinor: perUser,
    ...(order.period === undefined ? {} : { periodStart: order.period.start, periodEnd: order.period.end }),
  };
  const gross = lineAmountOf(line);
  const lines = [line];
  let explanation = `R4.1/R4.2 per user: ${plural(seats, 'user')} × ${monthly} × ${months} months × ${plural(terms, 'term')} = ${amountText(gross, plan.currency)}`;
  const pct = price.billing.annualPrepaidDiscountPercent;
  if (billing === 'annual' && pct > 0) {
    const discount = percentOf(gross, pct);
    lines.push({
      description: `Annual prepayment discount ${pct} %`,
      quantity: 1,
      unitAmountMinor: -discount,
    });
    explanation += `, less the annual prepayment discount of ${pct} % (${amountText(discount, plan.currency)}) = ${amountText(gross - discount, plan.currency)}, paid at once.`;
    return { ok: true, currency: plan.currency, lines, payment: SINGLE, explanation };
  }
  if (billing === 'annual') {
    return {
      ok: true,
      currency: plan.currency,
      lines,
      payment: SINGLE,
      explanation: `${explanation}, paid at once.`,
    };
  }
  const count = months * terms;
  explanation += `, paid monthly in ${count} instalments split by largest remainder (no prepayment discount).`;
  const payment: PaymentSchedule = { kind: 'instalments', count, everyMonths: 1, upfrontLines: [] };
  return { ok: true, currency: plan.currency, lines, payment, explanation };
}
