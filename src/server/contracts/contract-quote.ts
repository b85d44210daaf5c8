import { addDays, type CivilDate, maxCivilDate, toPlainDate } from '../../core/contract/civil-date.ts';
import { termOn } from '../../core/contract/coverage.queries.ts';
import { firstTerm } from '../../core/contract/coverage.ts';
import type { CoverageTerm } from '../../core/contract/coverage.types.ts';
import { formatTermLength } from '../../core/contract/renewal.explain.ts';
import { planRenewal } from '../../core/contract/renewal.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';
import {
  type Billing,
  buildInvoice,
  type PaymentSchedule,
  type PriceLine,
  type PriceResult,
  pricePurchase,
  priceRenewal,
  prorateAddedUsers,
  schedulePayments,
  type TaxRate,
} from '../../core/pricing/index.ts';
import type { Quote } from '../../schema/contracts.schema.ts';

// A quote is the purchase, renewal or added-users decision without the writes: the services call these
// same functions inside their transaction, so a quote equals the order it precedes (R0.6).

export type QuoteRefusal = {
  ok: false;
  code: 'RENEWAL_REFUSED' | 'PRICE_UNAVAILABLE';
  reason: string;
  message: string;
  details?: Record<string, unknown>;
};

/** A quote plus what the order writes besides it: the payment schedule of the invoice. */
export type Quoted = {
  ok: true;
  quote: Quote;
  payment: PaymentSchedule;
  priceLines: PriceLine[];
  /** When the first payment is due (R4.2: instalments start with the served term). */
  firstDueOn: CivilDate;
};
export type QuoteOutcome = Quoted | QuoteRefusal;

export interface PurchaseQuoteInput {
  plan: Plan;
  productName: string;
  productCategory: string;
  /** The product's list price in the plan's currency, minor units; null when it has none. */
  listPriceMinor: number | null;
  purchasedOn: CivilDate;
  seats?: number | undefined;
  billing?: Billing | undefined;
  discountMinor?: number | undefined;
  tax: TaxRate;
}

/**
 * R0.1, R0.5, R4.2: the first term and the price of a purchase. A plan whose first term comes with the
 * license (S0, S1, S2) sells the license at its list price; a plan sold as a subscription on its own
 * (S3 per category, S4 per user) charges its first term by its price rule instead.
 */
export function quotePurchase(input: PurchaseQuoteInput): QuoteOutcome {
  const { plan } = input;
  const term = firstTerm({ plan, purchasedOn: input.purchasedOn, invoiceOn: input.purchasedOn });
  const period = { start: term.startsOn, end: term.endsOn };
  const price = purchasePrice(input, period);
  if (!price.ok) return priceRefusal(price.reason, price.message, plan);
  const termWords = `First term (R0.1): ${formatTermLength(plan.coverage.term, 1)} from ${term.startsOn}, covered until ${addDays(term.endsOn, -1)} (expires ${term.endsOn}).`;
  return assemble({
    kind: 'purchase',
    price: alignInstalments(price, term, input.purchasedOn),
    tax: input.tax,
    orderedOn: input.purchasedOn,
    newTerms: [term],
    serviceFrom: term.startsOn,
    expiresOn: term.endsOn,
    seats: input.seats ?? null,
    explanation: `${termWords} ${price.explanation}`.trim(),
  });
}

function purchasePrice(input: PurchaseQuoteInput, period: { start: string; end: string }): PriceResult {
  const { plan } = input;
  const listPrice =
    input.listPriceMinor === null ? null : { amountMinor: input.listPriceMinor, currency: plan.currency };
  if (plan.coverage.includedWithLicense || plan.price.rule === 'per-user') {
    return pricePurchase({
      plan,
      listPrice: plan.coverage.includedWithLicense ? listPrice : null,
      productName: input.productName,
      ...(input.discountMinor ? { discount: { amountMinor: input.discountMinor } } : {}),
      ...(input.seats === undefined ? {} : { seats: input.seats }),
      ...(input.billing === undefined ? {} : { billing: input.billing }),
      period,
    });
  }
  // S3: the support subscription is bought on its own, one term at the plan's price for the category.
  if (input.discountMinor) {
    return {
      ok: false,
      reason: 'INVALID_DISCOUNT',
      message: 'a discount applies to a license list price; this plan sells a subscription',
    };
  }
  const first = priceRenewal({
    plan,
    productCategory: input.productCategory,
    listPriceAtPurchase: listPrice,
    terms: 1,
    ...(input.billing === undefined ? {} : { billing: input.billing }),
    period,
  });
  if (!first.ok) return first;
  const lines = first.lines.map((l) => ({
    ...l,
    description: l.description.replace(/^Renewal: /, 'Subscription: '),
  }));
  return { ...first, lines, explanation: `Subscription bought on its own: ${first.explanation}` };
}

export interface RenewalQuoteInput {
  plan: Plan;
  productCategory: string;
  currency: string;
  listPriceMinor: number;
  terms: readonly CoverageTerm[];
  renewOn: CivilDate;
  paidOn?: CivilDate | undefined;
  count: number;
  seats?: number | undefined;
  billing?: Billing | undefined;
  tax: TaxRate;
}

/** R0.4, R0.5, R4.4: the terms a renewal appends and its price (a reinstatement fee after an S4 lapse). */
export function quoteRenewal(input: RenewalQuoteInput): QuoteOutcome {
  const { plan } = input;
  const renewal = planRenewal({
    plan,
    terms: input.terms,
    renewOn: input.renewOn,
    // Decision (docs/contracts-api.md): the order date counts as the payment date unless paidOn is given.
    paidOn: input.paidOn ?? input.renewOn,
    invoiceOn: input.renewOn,
    count: input.count,
  });
  if (!renewal.ok) {
    const { ok: _ok, reason, message, ...rest } = renewal;
    return { ok: false, code: 'RENEWAL_REFUSED', reason, message, details: rest };
  }
  const price = priceRenewal({
    plan,
    productCategory: input.productCategory,
    listPriceAtPurchase: { amountMinor: input.listPriceMinor, currency: input.currency },
    terms: input.count,
    ...(input.seats === undefined ? {} : { seats: input.seats }),
    ...(input.billing === undefined ? {} : { billing: input.billing }),
    reinstatement: renewal.needsReinstatementFee,
    period: { start: renewal.startsOn, end: renewal.expiresOn },
  });
  if (!price.ok) {
    if (price.reason === 'TOO_MANY_TERMS') {
      return { ok: false, code: 'RENEWAL_REFUSED', reason: price.reason, message: price.message };
    }
    return priceRefusal(price.reason, price.message, plan);
  }
  const served = renewal.newTerms.find((t) => t.givesService);
  return assemble({
    kind: renewal.needsReinstatementFee ? 'reinstatement' : 'renewal',
    price: served === undefined ? price : alignInstalments(price, served, input.renewOn),
    tax: input.tax,
    orderedOn: input.renewOn,
    newTerms: renewal.newTerms,
    serviceFrom: renewal.serviceFrom,
    expiresOn: renewal.expiresOn,
    seats: input.seats ?? null,
    explanation: `${renewal.explanation} ${price.explanation}`,
  });
}

export interface AddedSeatsQuoteInput {
  plan: Plan;
  terms: readonly CoverageTerm[];
  addedOn: CivilDate;
  seats: number;
  tax: TaxRate;
}

/** R4.2: users added mid-term pay from addedOn to the end of the current commitment term, by days. */
export function quoteAddedSeats(input: AddedSeatsQuoteInput): QuoteOutcome {
  const { plan } = input;
  if (plan.price.rule !== 'per-user') {
    return priceRefusal('NOT_PER_USER', 'this plan is not priced per user; seats cannot be added', plan);
  }
  const term = termOn(input.terms, input.addedOn);
  if (term === undefined || !term.givesService) {
    return priceRefusal(
      'ADDED_OUTSIDE_TERM',
      `${input.addedOn} lies in no served term of this contract; renew first`,
      plan,
    );
  }
  const termStart = commitmentStart(input.terms, term.index, term.startsOn);
  const prorated = prorateAddedUsers({
    pricePerUserPerMonth: plan.price.pricePerUserPerMonth,
    addedSeats: input.seats,
    addedOn: input.addedOn,
    termStart,
    termEnd: term.endsOn,
  });
  if (!prorated.ok) return priceRefusal(prorated.reason, prorated.message, plan);
  return assemble({
    kind: 'added-users',
    price: {
      currency: plan.currency,
      lines: [prorated.line],
      payment: { kind: 'single' },
      explanation: prorated.explanation,
    },
    tax: input.tax,
    orderedOn: input.addedOn,
    newTerms: [],
    serviceFrom: null,
    expiresOn: term.endsOn,
    seats: input.seats,
    explanation: `${prorated.explanation} The added users are covered until ${addDays(term.endsOn, -1)}.`,
  });
}

/** A served term that follows its backdated gap belongs to the same commitment year: it starts at the gap. */
function commitmentStart(terms: readonly CoverageTerm[], index: number, startsOn: CivilDate): CivilDate {
  const before = terms[index - 1];
  if (before !== undefined && before.kind === 'backdated-gap' && before.endsOn === startsOn) {
    return before.startsOn;
  }
  return startsOn;
}

type Priced = Assembly['price'];

/**
 * R4.2: monthly instalments follow the served term — the first is due when service starts (or on the
 * order date when that is later), one per whole month of the served term (at least 1), so a short
 * reinstated term is not paid over a whole year and an early renewal is not paid before its term.
 */
function alignInstalments(
  price: Priced,
  served: { startsOn: CivilDate; endsOn: CivilDate },
  orderedOn: CivilDate,
): Priced {
  const payment = price.payment;
  if (payment.kind !== 'instalments') return price;
  const firstDueOn = maxCivilDate(served.startsOn, orderedOn);
  const months = toPlainDate(served.startsOn).until(toPlainDate(served.endsOn), {
    largestUnit: 'months',
  }).months;
  const count = Math.max(1, Math.floor(months / payment.everyMonths));
  const said = `in ${payment.count} instalments`;
  const explanation =
    count === payment.count
      ? price.explanation
      : price.explanation.replace(said, `in ${count} instalments (one per whole month of the served term)`);
  return {
    ...price,
    payment: { ...payment, count },
    firstDueOn,
    explanation: `${explanation} The first instalment is due on ${firstDueOn}.`,
  };
}

function priceRefusal(reason: string, message: string, plan: Plan): QuoteRefusal {
  return { ok: false, code: 'PRICE_UNAVAILABLE', reason, message, details: { planKey: plan.key } };
}

interface Assembly {
  kind: Quote['kind'];
  price: {
    currency: string;
    lines: PriceLine[];
    payment: PaymentSchedule;
    explanation: string;
    /** When the first payment is due; default the order date. */
    firstDueOn?: CivilDate;
  };
  tax: TaxRate;
  orderedOn: CivilDate;
  newTerms: CoverageTerm[];
  serviceFrom: CivilDate | null;
  expiresOn: CivilDate | null;
  seats: number | null;
  explanation: string;
}

function assemble(a: Assembly): Quoted {
  const invoice = buildInvoice({ currency: a.price.currency, taxRate: a.tax, lines: a.price.lines });
  const firstDueOn = a.price.firstDueOn ?? a.orderedOn;
  const instalments = schedulePayments(invoice, a.price.payment, firstDueOn);
  const quote: Quote = {
    kind: a.kind,
    currency: invoice.currency,
    taxMode: a.tax.mode,
    lines: invoice.lines.map((l) => ({
      description: l.description,
      quantity: typeof l.quantity === 'number' ? { num: l.quantity, den: 1 } : l.quantity,
      unitAmountMinor: l.unitAmountMinor,
      amountMinor: l.amountMinor,
      taxRatePercent: l.taxRate.ratePercent,
      taxMinor: l.taxMinor,
      totalMinor: l.totalMinor,
      periodStart: l.periodStart ?? null,
      periodEnd: l.periodEnd ?? null,
    })),
    totals: {
      subtotalMinor: invoice.subtotalMinor,
      taxMinor: invoice.taxMinor,
      totalMinor: invoice.totalMinor,
    },
    instalments,
    newTerms: a.newTerms,
    serviceFrom: a.serviceFrom,
    expiresOn: a.expiresOn,
    orderedOn: a.orderedOn,
    seats: a.seats,
    explanation: a.explanation,
    pendingPayment: false,
  };
  return { ok: true, quote, payment: a.price.payment, priceLines: a.price.lines, firstDueOn };
}
