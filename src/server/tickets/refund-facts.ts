import type { Kysely } from 'kysely';
import { flattenCategories } from '../../core/plan/plan.categories.ts';
import { planSchema } from '../../core/plan/plan.schema.ts';
import type { PurchaseRef } from '../billing/refund.service.ts';
import type { Database } from '../db/database-types.ts';

/**
 * What the help desk knows about a purchase for the refund rules of R5.1 (the billing side's
 * HelpDeskRefundFacts port). Both read only committed facts: a resolution the desk recorded, a
 * breach the SLA job fired — never a deadline computed on the fly.
 */

type TicketResolution = {
  id: string;
  first_resolved_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  merged_into_id: string | null;
};

const RESOLUTION_COLUMNS = [
  'id',
  'first_resolved_at',
  'closed_at',
  'close_reason',
  'merged_into_id',
] as const;

function resolvedAt(ticket: TicketResolution): Date | null {
  if (ticket.first_resolved_at !== null) return ticket.first_resolved_at;
  return ticket.close_reason === 'resolved' ? ticket.closed_at : null;
}

/**
 * S1: when support resolved the first ticket (the earliest opened) of the purchase's contract, or null.
 * A first ticket closed as a duplicate lives on in the ticket it was merged into (R2.8): that one's
 * resolution resolves it.
 */
export async function firstTicketResolvedAt(
  db: Kysely<Database>,
  purchase: PurchaseRef,
): Promise<Date | null> {
  let ticket: TicketResolution | undefined = await db
    .selectFrom('tickets')
    .select(RESOLUTION_COLUMNS)
    .where('contract_id', '=', purchase.contractId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const seen = new Set<string>();
  while (ticket && !seen.has(ticket.id)) {
    seen.add(ticket.id);
    const at = resolvedAt(ticket);
    if (at !== null || ticket.merged_into_id === null) return at;
    ticket = await db
      .selectFrom('tickets')
      .select(RESOLUTION_COLUMNS)
      .where('id', '=', ticket.merged_into_id)
      .executeTakeFirst();
  }
  return null;
}

/**
 * S2 (R2.4): the earliest instant a resolution clock breached on a ticket of the purchase's contract in
 * the plan's refund category (addon-support: 'anomaly', 30 working days) or one of its sub-categories;
 * null when none did, or when the contract's plan has no uncorrected-defect rule.
 */
export async function uncorrectedDefectBreachedAt(
  db: Kysely<Database>,
  purchase: PurchaseRef,
): Promise<Date | null> {
  const contract = await db
    .selectFrom('contracts')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select('plan_versions.document')
    .where('contracts.id', '=', purchase.contractId)
    .executeTakeFirst();
  if (!contract) return null;
  const plan = planSchema.parse(contract.document);
  if (plan.refunds.policy !== 'uncorrected-defect') return null;
  const category = plan.refunds.category;
  const categoryIds = flattenCategories(plan.categories)
    .filter((f) => f.category.id === category || f.ancestors.some((a) => a.id === category))
    .map((f) => f.category.id);
  if (categoryIds.length === 0) return null;
  const breach = await db
    .selectFrom('sla_clocks')
    .innerJoin('tickets', 'tickets.id', 'sla_clocks.ticket_id')
    .select('sla_clocks.breached_at')
    .where('tickets.contract_id', '=', purchase.contractId)
    .where('tickets.category_id', 'in', categoryIds)
    .where('sla_clocks.metric', '=', 'resolution')
    .where('sla_clocks.breached_at', 'is not', null)
    .orderBy('sla_clocks.breached_at')
    .limit(1)
    .executeTakeFirst();
  return breach?.breached_at ?? null;
}
