import { Temporal } from 'temporal-polyfill';
import { allocateLargestRemainder, assertSafeMinor, money, multiplyRational } from './money.ts';
import { type TaxRate, taxForLine } from './tax.ts';

// An invoice is the sum of its rounded lines: each line is rounded once (quantity × unit, then its tax),
// and the totals add those rounded numbers, never re-rounding anything (R0.6).

/** A quantity: whole units, or a rational such as 306/365 of a year for a proration. */
export type Quantity = number | { num: number; den: number };

/** What a price rule produces: a described line without tax (the caller adds its tax rate snapshot). */
export interface PriceLine {
  description: string;
  quantity: Quantity;
  unitAmountMinor: number;
  /** Civil dates YYYY-MM-DD of the service period this line pays for, when it has one. */
  periodStart?: string;
  periodEnd?: string;
}

export interface InvoiceLineInput extends PriceLine {
  /** The rate snapshot for this line; falls back to the invoice's taxRate. */
  taxRate?: TaxRate;
}

export interface InvoiceLine extends PriceLine {
  taxRate: TaxRate;
  /** quantity × unit, rounded once half-up: net for exclusive tax, gross for inclusive tax. */
  amountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
}

export interface Invoice {
  currency: string;
  lines: InvoiceLine[];
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
}

export interface Instalment {
  number: number;
  dueOn: string;
  amountMinor: number;
}

/**
 * How an invoice is paid: at once, or in `count` instalments every `everyMonths` months. Lines whose
 * index is in `upfrontLines` (a reinstatement fee, a one-off charge) are due in full with the first one.
 */
export type PaymentSchedule =
  | { kind: 'single' }
  | { kind: 'instalments'; count: number; everyMonths: number; upfrontLines: number[] };

/** quantity × unit, rounded once half-up. Example: lineAmount({ num: 306, den: 365 }, 9600) === 8048 */
export function lineAmount(quantity: Quantity, unitAmountMinor: number): number {
  if (typeof quantity === 'number') return multiplyRational(unitAmountMinor, quantity, 1);
  if (!Number.isSafeInteger(quantity.den) || quantity.den <= 0) {
    throw new RangeError(`quantity denominator must be a positive integer, got ${quantity.den}`);
  }
  return multiplyRational(unitAmountMinor, quantity.num, quantity.den);
}

/**
 * Prices every line once (amount, then tax) and adds the rounded lines into the invoice totals.
 * Example: buildInvoice({ currency: 'USD', taxRate: NO_TAX, lines: [{ description: 'Renewal', quantity: 1, unitAmountMinor: 4900 }] })
 *   → { subtotalMinor: 4900, taxMinor: 0, totalMinor: 4900, … }
 */
export function buildInvoice(input: {
  currency: string;
  taxRate?: TaxRate;
  lines: readonly InvoiceLineInput[];
}): Invoice {
  money(0, input.currency); // validates the currency code
  const lines = input.lines.map((line, index): InvoiceLine => {
    const taxRate = line.taxRate ?? input.taxRate;
    if (taxRate === undefined)
      throw new Error(`invoice line ${index + 1} has no tax rate (use NO_TAX for none)`);
    assertSafeMinor(line.unitAmountMinor, `line ${index + 1} unit amount`);
    const amountMinor = lineAmount(line.quantity, line.unitAmountMinor);
    const tax = taxForLine(amountMinor, taxRate);
    return {
      ...line,
      taxRate,
      amountMinor,
      netMinor: tax.netMinor,
      taxMinor: tax.taxMinor,
      totalMinor: tax.grossMinor,
    };
  });
  const sum = (pick: (l: InvoiceLine) => number) =>
    assertSafeMinor(
      lines.reduce((acc, l) => acc + pick(l), 0),
      'invoice total',
    );
  return {
    currency: input.currency,
    lines,
    subtotalMinor: sum((l) => l.netMinor),
    taxMinor: sum((l) => l.taxMinor),
    totalMinor: sum((l) => l.totalMinor),
  };
}

/**
 * Splits a total into n instalments by largest remainder (earlier ones carry the extra units), due every
 * `everyMonths` months counted from the first due date with month-end clamping, never chained
 * (Jan 31 → Feb 29 → Mar 31). Example: splitInstalments(10000, 3, '2024-01-31')
 *   → [{1, '2024-01-31', 3334}, {2, '2024-02-29', 3333}, {3, '2024-03-31', 3333}]
 */
export function splitInstalments(
  totalMinor: number,
  n: number,
  firstDueOn: string,
  everyMonths = 1,
): Instalment[] {
  if (!Number.isSafeInteger(everyMonths) || everyMonths < 1) {
    throw new RangeError(`everyMonths must be a positive whole number, got ${everyMonths}`);
  }
  const anchor = parseCivilDate(firstDueOn);
  return allocateLargestRemainder(totalMinor, n).map((amountMinor, i) => ({
    number: i + 1,
    dueOn: anchor.add({ months: i * everyMonths }).toString(),
    amountMinor,
  }));
}

/**
 * The due amounts of an invoice under a payment schedule: one payment of the total, or the instalment
 * lines' totals split by largest remainder with the upfront lines added to the first instalment.
 * Example: schedulePayments(invoiceOf115200, { kind: 'instalments', count: 12, everyMonths: 1, upfrontLines: [] }, '2026-01-15')
 *   → 12 × 9600, due 2026-01-15 … 2026-12-15
 */
export function schedulePayments(
  invoice: Invoice,
  schedule: PaymentSchedule,
  firstDueOn: string,
): Instalment[] {
  if (schedule.kind === 'single') {
    return [{ number: 1, dueOn: parseCivilDate(firstDueOn).toString(), amountMinor: invoice.totalMinor }];
  }
  const upfront = new Set(schedule.upfrontLines);
  let upfrontMinor = 0;
  let splitMinor = 0;
  invoice.lines.forEach((line, i) => {
    if (upfront.has(i)) upfrontMinor += line.totalMinor;
    else splitMinor += line.totalMinor;
  });
  const instalments = splitInstalments(splitMinor, schedule.count, firstDueOn, schedule.everyMonths);
  const first = instalments[0]!;
  first.amountMinor = assertSafeMinor(first.amountMinor + upfrontMinor, 'first instalment');
  return instalments;
}

/** Parses a strict YYYY-MM-DD civil date (no time, no offset). Example: parseCivilDate('2026-02-30') throws a RangeError */
export function parseCivilDate(text: string): Temporal.PlainDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new RangeError(`expected a date YYYY-MM-DD, got "${text}"`);
  return Temporal.PlainDate.from(text, { overflow: 'reject' });
}
