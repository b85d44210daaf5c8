import type { Kysely } from 'kysely';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import type { RevocableRight } from '../../core/contract/entitlement.ts';
import { type RefundEligibility, type RefundReason, refundEligibility } from '../../core/contract/refund.ts';
import { loadContractFacts } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';
import { firstTicketResolvedAt, uncorrectedDefectBreachedAt } from '../tickets/refund-facts.ts';

/**
 * What the help desk knows about a purchase, for the refund rules of R5.1. HELP_DESK_REFUND_FACTS reads
 * the help desk's tables (src/server/tickets/refund-facts.ts); NO_HELP_DESK answers "nothing happened"
 * (S1 purchases stay refundable, S2 defects never come due), for tests that want the plan rule alone.
 */
export type HelpDeskRefundFacts = {
  /** S1: when support resolved the first ticket of this purchase, or null. */
  firstTicketResolvedAt(db: Kysely<Database>, purchase: PurchaseRef): Promise<Date | null>;
  /** S2: when a defect of this purchase breached its correction target (30 working days), or null. */
  uncorrectedDefectBreachedAt(db: Kysely<Database>, purchase: PurchaseRef): Promise<Date | null>;
};

export type PurchaseRef = { contractId: string; orderId: string; invoiceId: string };

export const HELP_DESK_REFUND_FACTS: HelpDeskRefundFacts = {
  firstTicketResolvedAt,
  uncorrectedDefectBreachedAt,
};

export const NO_HELP_DESK: HelpDeskRefundFacts = {
  firstTicketResolvedAt: async () => null,
  uncorrectedDefectBreachedAt: async () => null,
};

/** The plan's decision, after what earlier credit notes took: FULLY_CREDITED when nothing is left. */
export type InvoiceRefundEligibility = Omit<RefundEligibility, 'reason'> & {
  reason: RefundReason | 'FULLY_CREDITED';
};

export type InvoiceRefundDecision = {
  decision: InvoiceRefundEligibility;
  invoice: { id: string; organisationId: string; currency: string; totalMinor: number; taxMinor: number };
  contractId: string | null;
  /** The plan's time zone (civil dates of the credit note), UTC without a contract. */
  timeZone: string;
};

/**
 * R5.1 for one invoice: reads the plan of the invoice's order's contract, the first payment date, the
 * organisation's active restrictions and the help desk facts, and asks the pure refundEligibility().
 * An invoice without an order has no plan rule: VENDOR_TERMS, decided by hand.
 * Undefined when the invoice is missing or belongs to another organisation than `orgFilter`.
 */
export async function decideInvoiceRefund(
  db: Kysely<Database>,
  invoiceId: string,
  orgFilter: string | null,
  helpDesk: HelpDeskRefundFacts = HELP_DESK_REFUND_FACTS,
): Promise<InvoiceRefundDecision | undefined> {
  let q = db
    .selectFrom('invoices')
    .leftJoin('orders', 'orders.id', 'invoices.order_id')
    .select([
      'invoices.id',
      'invoices.organisation_id',
      'invoices.currency',
      'invoices.total_minor',
      'invoices.tax_minor',
      'invoices.order_id',
      'orders.contract_id',
    ])
    .where('invoices.id', '=', invoiceId);
  if (orgFilter !== null) q = q.where('invoices.organisation_id', '=', orgFilter);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const invoice = {
    id: row.id,
    organisationId: row.organisation_id,
    currency: row.currency,
    totalMinor: row.total_minor,
    taxMinor: row.tax_minor,
  };
  const facts = row.contract_id ? await loadContractFacts(db, row.contract_id) : undefined;
  if (!facts || !row.order_id || !row.contract_id) {
    const byHand: RefundEligibility = { eligible: false, reason: 'VENDOR_TERMS', decidedByHand: true };
    const decision = afterCredits(byHand, row.total_minor, await creditedMinor(db, invoiceId));
    return { decision, invoice, contractId: row.contract_id ?? null, timeZone: 'UTC' };
  }
  const timeZone = facts.plan.calendar?.timeZone ?? 'UTC';
  const purchase = { contractId: row.contract_id, orderId: row.order_id, invoiceId };
  const planDecision = refundEligibility({
    plan: facts.plan,
    purchase: {
      invoiceTotal: { amountMinor: row.total_minor, currency: row.currency },
      paidOn: await firstPaidOn(db, invoiceId, timeZone),
    },
    firstTicketResolvedAt: await helpDesk.firstTicketResolvedAt(db, purchase),
    uncorrectedDefectBreachedAt: await helpDesk.uncorrectedDefectBreachedAt(db, purchase),
    restrictions: facts.restrictions.map((r) => ({
      reason: r.reason,
      revokes: r.revokes as RevocableRight[],
    })),
  });
  const decision = afterCredits(planDecision, row.total_minor, await creditedMinor(db, invoiceId));
  return { decision, invoice, contractId: row.contract_id, timeZone };
}

/**
 * Earlier credit notes count: a fully credited invoice is not refundable again (FULLY_CREDITED, also
 * for plans decided by hand); a partly credited one is due only what is left.
 */
export function afterCredits(
  decision: RefundEligibility,
  totalMinor: number,
  creditedMinor: number,
): InvoiceRefundEligibility {
  if (creditedMinor > 0 && creditedMinor >= totalMinor) return { eligible: false, reason: 'FULLY_CREDITED' };
  if (!decision.eligible || creditedMinor <= 0) return decision;
  return { ...decision, amountMinor: totalMinor - creditedMinor };
}

async function creditedMinor(db: Kysely<Database>, invoiceId: string): Promise<number> {
  const row = await db
    .selectFrom('credit_notes')
    .select((eb) => eb.fn.sum<number | string | null>('amount_minor').as('credited'))
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirst();
  return Number(row?.credited ?? 0);
}

/** The civil date (plan's zone) of the first payment against the invoice, or null when unpaid. */
async function firstPaidOn(
  db: Kysely<Database>,
  invoiceId: string,
  timeZone: string,
): Promise<string | null> {
  const first = await db
    .selectFrom('payments')
    .select('received_at')
    .where('invoice_id', '=', invoiceId)
    .orderBy('received_at')
    .limit(1)
    .executeTakeFirst();
  return first ? civilDateIn(first.received_at, timeZone) : null;
}

/** The invoice a contract's refund question is about: the one named, or its latest. */
export async function purchaseInvoiceOf(
  db: Kysely<Database>,
  contractId: string,
  invoiceId: string | undefined,
): Promise<string | null> {
  let q = db
    .selectFrom('invoices')
    .innerJoin('orders', 'orders.id', 'invoices.order_id')
    .select('invoices.id')
    .where('orders.contract_id', '=', contractId)
    .orderBy('invoices.id', 'desc')
    .limit(1);
  if (invoiceId !== undefined) q = q.where('invoices.id', '=', invoiceId);
  const row = await q.executeTakeFirst();
  return row?.id ?? null;
}
