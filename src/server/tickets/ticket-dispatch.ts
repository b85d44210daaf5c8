import { type Kysely, sql } from 'kysely';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Database } from '../db/database-types.ts';
import { applyTicketClockEvent } from './ticket-clock-events.ts';
import type { TicketRowLite } from './ticket-read.ts';

export type AutoAssign = 'off' | 'round-robin';

/**
 * Optional dispatch (UPKEEP_AUTO_ASSIGN=round-robin): a new ticket goes to the active agent whose
 * last assignment is oldest (never-assigned agents first), and its assignment clock stops (S3 4.1).
 * Admins are not in the rotation. Without agents the ticket waits for the dispatcher.
 */
export async function autoAssignTicket(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  mode: AutoAssign,
  now: Date,
): Promise<void> {
  if (mode !== 'round-robin') return;
  const agent = await trx
    .selectFrom('accounts as a')
    .select('a.id')
    .where('a.role', '=', 'agent')
    .where('a.disabled_at', 'is', null)
    .orderBy(
      sql`(select max(t.assigned_at) from tickets t where t.assignee_account_id = a.id) asc nulls first`,
    )
    .orderBy('a.id')
    .limit(1)
    .executeTakeFirst();
  if (!agent) return;
  await trx
    .updateTable('tickets')
    .set({ assignee_account_id: agent.id, assigned_at: now, status: 'open' })
    .where('id', '=', ticket.id)
    .execute();
  await applyTicketClockEvent(trx, ticket, { kind: 'assigned' }, now);
  await recordAudit(
    trx,
    {
      action: 'ticket.assigned',
      viewer: null,
      organisationId: ticket.organisation_id,
      subjectType: 'ticket',
      subjectId: ticket.id,
      details: { assigneeAccountId: agent.id, by: 'round-robin' },
    },
    now,
  );
}
