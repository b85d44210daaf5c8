import { type Kysely, sql } from 'kysely';
import type { InvoiceDetail, InvoiceStatus, InvoiceSummary } from '../../schema/billing.schema.ts';
import { type Page, type PageQuery, toPage } from '../../schema/pagination.schema.ts';
import type { Database } from '../db/database-types.ts';

// Reads of invoices with what was paid and credited against them. The status is derived here from the
// immutable rows, never stored (an invoice never changes once issued).

/** open | partially-paid | paid | credited from the total and what payments and credit notes cover. */
export function invoiceStatus(totalMinor: number, paidMinor: number, creditedMinor: number): InvoiceStatus {
  if (creditedMinor >= totalMinor && totalMinor > 0) return 'credited';
  if (paidMinor + creditedMinor >= totalMinor) return 'paid';
  return paidMinor > 0 ? 'partially-paid' : 'open';
}

function summaries(db: Kysely<Database>) {
  return db
    .selectFrom('invoices')
    .leftJoin('orders', 'orders.id', 'invoices.order_id')
    .selectAll('invoices')
    .select([
      'orders.contract_id',
      sql<number>`coalesce((select sum(p.amount_minor) from payments p where p.invoice_id = invoices.id), 0)::bigint`.as(
        'paid_minor',
      ),
      sql<number>`coalesce((select sum(c.amount_minor) from credit_notes c where c.invoice_id = invoices.id), 0)::bigint`.as(
        'credited_minor',
      ),
    ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaries>['executeTakeFirstOrThrow']>>;

function toSummary(row: SummaryRow): InvoiceSummary {
  const paid = Number(row.paid_minor);
  const credited = Number(row.credited_minor);
  return {
    id: row.id,
    number: row.number,
    organisationId: row.organisation_id,
    orderId: row.order_id,
    contractId: row.contract_id ?? null,
    currency: row.currency,
    taxMode: row.tax_mode,
    subtotalMinor: row.subtotal_minor,
    taxMinor: row.tax_minor,
    totalMinor: row.total_minor,
    issuedOn: row.issued_on,
    dueOn: row.due_on,
    issuedAt: row.issued_at.toISOString(),
    amountPaidMinor: paid,
    amountCreditedMinor: credited,
    amountDueMinor: Math.max(0, row.total_minor - paid - credited),
    status: invoiceStatus(row.total_minor, paid, credited),
  };
}

export type InvoiceFilter = PageQuery & {
  organisationId?: string | undefined;
  contractId?: string | undefined;
};

/** A page of invoices in id (issue) order; `orgFilter` limits a customer to its own organisation. */
export async function listInvoices(
  db: Kysely<Database>,
  query: InvoiceFilter,
  orgFilter: string | null,
): Promise<Page<InvoiceSummary>> {
  let q = summaries(db)
    .orderBy('invoices.id')
    .limit(query.limit + 1);
  if (orgFilter !== null) q = q.where('invoices.organisation_id', '=', orgFilter);
  if (query.organisationId !== undefined) q = q.where('invoices.organisation_id', '=', query.organisationId);
  if (query.contractId !== undefined) q = q.where('orders.contract_id', '=', query.contractId);
  if (query.cursor !== undefined) q = q.where('invoices.id', '>', query.cursor);
  const rows = await q.execute();
  return toPage(rows, query.limit, (r) => r.id, toSummary);
}

/** One invoice as a summary, or undefined when missing or another organisation's (the route answers 404). */
export async function findInvoiceSummary(
  db: Kysely<Database>,
  id: string,
  orgFilter: string | null,
): Promise<InvoiceSummary | undefined> {
  let q = summaries(db).where('invoices.id', '=', id);
  if (orgFilter !== null) q = q.where('invoices.organisation_id', '=', orgFilter);
  const row = await q.executeTakeFirst();
  return row && toSummary(row);
}

/** One invoice with its lines, instalments, payments and credit notes. */
export async function findInvoiceDetail(
  db: Kysely<Database>,
  id: string,
  orgFilter: string | null,
): Promise<InvoiceDetail | undefined> {
  const summary = await findInvoiceSummary(db, id, orgFilter);
  if (!summary) return undefined;
  const lines = await db
    .selectFrom('invoice_lines')
    .selectAll()
    .where('invoice_id', '=', id)
    .orderBy('seq')
    .execute();
  const instalments = await db
    .selectFrom('invoice_instalments')
    .selectAll()
    .where('invoice_id', '=', id)
    .orderBy('seq')
    .execute();
  return {
    ...summary,
    lines: lines.map((l) => ({
      seq: l.seq,
      description: l.description,
      quantity: { num: l.quantity_num, den: l.quantity_den },
      unitAmountMinor: l.unit_amount_minor,
      amountMinor: l.amount_minor,
      taxRatePercent: normalisePercent(l.tax_rate_percent),
      taxMinor: l.tax_minor,
      totalMinor: l.total_minor,
      periodStart: l.period_start,
      periodEnd: l.period_end,
    })),
    instalments: instalments.map((i) => ({ seq: i.seq, dueOn: i.due_on, amountMinor: i.amount_minor })),
    payments: await listPayments(db, id),
    creditNotes: await listCreditNotes(db, id),
  };
}

export async function listPayments(db: Kysely<Database>, invoiceId: string) {
  const rows = await db
    .selectFrom('payments')
    .selectAll()
    .where('invoice_id', '=', invoiceId)
    .orderBy('id')
    .execute();
  return rows.map(toPayment);
}

export function toPayment(p: PaymentRow) {
  return {
    id: p.id,
    invoiceId: p.invoice_id,
    amountMinor: p.amount_minor,
    currency: p.currency,
    receivedAt: p.received_at.toISOString(),
    method: p.method,
    providerRef: p.provider_ref,
  };
}

export type PaymentRow = {
  id: string;
  invoice_id: string;
  amount_minor: number;
  currency: string;
  received_at: Date;
  method: string;
  provider_ref: string | null;
};

export async function listCreditNotes(db: Kysely<Database>, invoiceId: string) {
  const rows = await db
    .selectFrom('credit_notes')
    .selectAll()
    .where('invoice_id', '=', invoiceId)
    .orderBy('id')
    .execute();
  return rows.map((c) => ({
    id: c.id,
    number: c.number,
    invoiceId: c.invoice_id,
    amountMinor: c.amount_minor,
    taxMinor: c.tax_minor,
    currency: c.currency,
    reason: c.reason,
    eligibility: c.eligibility as InvoiceDetail['creditNotes'][number]['eligibility'],
    issuedOn: c.issued_on,
    issuedAt: c.issued_at.toISOString(),
    createdBy: c.created_by,
  }));
}

/** numeric comes back as text ('19.0000' on some paths): show it as entered ('19', '7.7'). */
function normalisePercent(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}
