import type { Kysely } from 'kysely';
import {
  buildInvoice,
  type Invoice,
  type InvoiceLine,
  parseCivilDate,
  type Quantity,
  splitInstalments,
} from '../../core/pricing/index.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { nextNumber } from './numbering.ts';

export type TaxMode = 'exclusive' | 'inclusive';

export type IssueInvoiceLine = {
  description: string;
  /** Whole units, or a rational (a proration such as 306/365 of a year). */
  quantity: Quantity;
  unitAmountMinor: number;
  /** The rate in force today as decimal text ('19', '7.7'); snapshotted on the line for good. */
  taxRatePercent: string;
  /** The service period this line pays for (civil dates, YYYY-MM-DD). */
  periodStart?: string;
  periodEnd?: string;
};

export type IssueInvoiceInput = {
  organisationId: string;
  orderId: string | null;
  currency: string;
  taxMode: TaxMode;
  issuedOn: string;
  /** Defaults to issuedOn (due on receipt), or to the last instalment's due date. */
  dueOn?: string;
  lines: IssueInvoiceLine[];
  /**
   * R4.2: pay in `count` instalments every `everyMonths` months from `firstDueOn`, split by largest
   * remainder. Lines listed in `upfrontLines` (0-based, e.g. a reinstatement fee) fall due in full with
   * the first instalment.
   */
  instalments?: { count: number; firstDueOn: string; everyMonths: number; upfrontLines?: number[] };
};

export type IssuedInstalment = { seq: number; dueOn: string; amountMinor: number };

export type IssuedInvoice = {
  id: string;
  number: string;
  totals: { currency: string; subtotalMinor: number; taxMinor: number; totalMinor: number };
  lines: InvoiceLine[];
  instalments: IssuedInstalment[];
};

/**
 * Issues an invoice inside the caller's transaction (R0.6, R0.7): prices the lines with the pricing core
 * (each rounded once, tax per line from its rate snapshot), takes the next gapless number and writes the
 * invoice, its lines and instalments. Issued invoices never change (DB trigger); corrections are credit notes.
 */
export async function issueInvoice(
  trx: Kysely<Database>,
  input: IssueInvoiceInput,
  now: Date,
): Promise<IssuedInvoice> {
  const invoice = priceInvoice(input);
  const instalments = planInstalments(invoice, input);
  const dueOn = input.dueOn ?? instalments.at(-1)?.dueOn ?? input.issuedOn;
  checkDate(dueOn, 'dueOn');
  const id = newId('inv');
  const number = await nextNumber(trx, 'invoice');
  await trx
    .insertInto('invoices')
    .values({
      id,
      number,
      organisation_id: input.organisationId,
      order_id: input.orderId,
      currency: input.currency,
      tax_mode: input.taxMode,
      subtotal_minor: invoice.subtotalMinor,
      tax_minor: invoice.taxMinor,
      total_minor: invoice.totalMinor,
      issued_on: input.issuedOn,
      due_on: dueOn,
      issued_at: now,
    })
    .execute();
  await insertLines(trx, id, invoice.lines);
  if (instalments.length > 0) {
    await trx
      .insertInto('invoice_instalments')
      .values(
        instalments.map((i) => ({
          invoice_id: id,
          seq: i.seq,
          due_on: i.dueOn,
          amount_minor: i.amountMinor,
        })),
      )
      .execute();
  }
  const { currency, subtotalMinor, taxMinor, totalMinor } = invoice;
  return {
    id,
    number,
    totals: { currency, subtotalMinor, taxMinor, totalMinor },
    lines: invoice.lines,
    instalments,
  };
}

/** The pure part: the lines priced and summed, or a VALIDATION_FAILED naming the bad field. */
export function priceInvoice(input: IssueInvoiceInput): Invoice {
  checkDate(input.issuedOn, 'issuedOn');
  if (input.lines.length === 0) throw invalid('lines', 'an invoice needs at least one line');
  input.lines.forEach((line, i) => {
    if (line.periodStart !== undefined) checkDate(line.periodStart, `lines.${i}.periodStart`);
    if (line.periodEnd !== undefined) checkDate(line.periodEnd, `lines.${i}.periodEnd`);
  });
  try {
    return buildInvoice({
      currency: input.currency,
      lines: input.lines.map(({ taxRatePercent, ...line }) => ({
        ...line,
        taxRate: { ratePercent: taxRatePercent, mode: input.taxMode },
      })),
    });
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw invalid('lines', error.message);
    throw error;
  }
}

function planInstalments(invoice: Invoice, input: IssueInvoiceInput): IssuedInstalment[] {
  const plan = input.instalments;
  if (!plan) return [];
  checkDate(plan.firstDueOn, 'instalments.firstDueOn');
  if (!Number.isSafeInteger(plan.count) || plan.count < 1)
    throw invalid('instalments.count', 'must be a positive whole number');
  const upfront = new Set(plan.upfrontLines ?? []);
  let upfrontMinor = 0;
  let splitMinor = 0;
  invoice.lines.forEach((line, i) => {
    if (upfront.has(i)) upfrontMinor += line.totalMinor;
    else splitMinor += line.totalMinor;
  });
  try {
    return splitInstalments(splitMinor, plan.count, plan.firstDueOn, plan.everyMonths).map((i, index) => ({
      seq: i.number,
      dueOn: i.dueOn,
      amountMinor: index === 0 ? i.amountMinor + upfrontMinor : i.amountMinor,
    }));
  } catch (error) {
    if (error instanceof RangeError) throw invalid('instalments', error.message);
    throw error;
  }
}

async function insertLines(trx: Kysely<Database>, invoiceId: string, lines: InvoiceLine[]) {
  await trx
    .insertInto('invoice_lines')
    .values(
      lines.map((line, i) => {
        const q = typeof line.quantity === 'number' ? { num: line.quantity, den: 1 } : line.quantity;
        return {
          id: newId('invl'),
          invoice_id: invoiceId,
          seq: i + 1,
          description: line.description,
          quantity_num: q.num,
          quantity_den: q.den,
          unit_amount_minor: line.unitAmountMinor,
          amount_minor: line.amountMinor,
          tax_rate_percent: line.taxRate.ratePercent,
          tax_minor: line.taxMinor,
          total_minor: line.totalMinor,
          period_start: line.periodStart ?? null,
          period_end: line.periodEnd ?? null,
        };
      }),
    )
    .execute();
}

function checkDate(value: string, field: string): void {
  try {
    parseCivilDate(value);
  } catch {
    throw invalid(field, `expected a civil date YYYY-MM-DD, got "${value}"`);
  }
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `Invalid request: ${field}: ${message}`, [
    { path: field, rule: 'invalid', message },
  ]);
}
