import type { Kysely } from 'kysely';
import type { Impact } from '../../core/plan/plan-desk.schema.ts';
import {
  applicableTargets,
  applyClockEvent,
  type ClockEvent,
  retargetClocks,
} from '../../core/ticket/ticket-clocks.ts';
import type { Database } from '../db/database-types.ts';
import { carryAlarms, loadClocks, saveClocks, toEpoch } from './sla-clocks.repository.ts';
import { deskPlanOf } from './ticket-plan.ts';
import type { TicketRowLite } from './ticket-read.ts';

/**
 * Applies one event to a locked ticket's clocks and stores them (R2.4–R2.5). The clocks run on the
 * plan version the ticket pinned at creation, never on a newer one (LESSONS: Zendesk's drift).
 */
export async function applyTicketClockEvent(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  event: ClockEvent,
  now: Date,
): Promise<void> {
  const desk = await deskPlanOf(trx, ticket.plan_version_id);
  const before = await loadClocks(trx, ticket.id);
  const targets = applicableTargets(desk.plan, ticket.category_id, ticket.impact as Impact | null);
  const after = applyClockEvent(
    before.map((c) => c.clock),
    event,
    toEpoch(now),
    { calendars: desk.calendars, targets, pauseWhenWaiting: desk.plan.pauses.waitingOnCustomer },
  );
  await saveClocks(trx, ticket.id, carryAlarms(after, before), desk.calendars, now);
}

/**
 * New targets after a category or impact change, keeping the time consumed (R2.4); a breach that
 * already fired in the current cycle stays recorded.
 */
export async function retargetTicketClocks(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  categoryId: string,
  impact: Impact | null,
  now: Date,
): Promise<void> {
  const desk = await deskPlanOf(trx, ticket.plan_version_id);
  const before = await loadClocks(trx, ticket.id);
  const targets = applicableTargets(desk.plan, categoryId, impact);
  const after = retargetClocks(
    before.map((c) => c.clock),
    targets,
    toEpoch(ticket.created_at),
    toEpoch(now),
    desk.calendars,
  );
  await saveClocks(trx, ticket.id, carryAlarms(after, before), desk.calendars, now);
}
