import type { Kysely, Selectable } from 'kysely';
import type { Estimate } from '../../schema/ticket-work.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { requireTicket, type TicketRowLite } from './ticket-read.ts';
import type { TicketEstimatesTable } from './tickets.tables.ts';

/** Estimates agreed in advance (R2.10, S3 2.4): proposed by an agent, agreed by the customer. */

/** S3 2.4: the work needs an estimate the customer agreed to, and stays within its minutes. */
export async function checkEstimate(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  categoryId: string,
  minutes: number,
): Promise<void> {
  const estimate = await currentEstimate(trx, ticket.id);
  if (!estimate?.agreed_at) {
    const why = estimate ? `its estimate ${estimate.id} is not agreed yet` : 'it has no estimate';
    throw new AppError(
      'ESTIMATE_NOT_AGREED',
      `Category ${categoryId} needs the customer's prior agreement on an estimate (R2.10): ${why} on ticket ${ticket.id}.`,
      { ticketId: ticket.id, categoryId, estimateId: estimate?.id ?? null },
    );
  }
  const logged = await loggedMinutes(trx, ticket.id, categoryId);
  if (logged + minutes <= estimate.minutes) return;
  const left = Math.max(0, estimate.minutes - logged);
  throw new AppError(
    'ESTIMATE_NOT_AGREED',
    `${minutes} min go beyond the agreed estimate ${estimate.id} of ${estimate.minutes} min on ticket ${ticket.id} ` +
      `(${logged} logged, ${left} left); propose a new estimate for the customer to agree to (R2.10).`,
    { ticketId: ticket.id, categoryId, estimateId: estimate.id, estimateMinutes: estimate.minutes, logged },
  );
}

async function loggedMinutes(db: Kysely<Database>, ticketId: string, categoryId: string): Promise<number> {
  const row = await db
    .selectFrom('time_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('minutes'), eb.lit(0)).as('used'))
    .where('ticket_id', '=', ticketId)
    .where('category_id', '=', categoryId)
    .executeTakeFirstOrThrow();
  return Number(row.used);
}

/** The ticket's current estimate: its latest proposal (proposedAt strictly increases per ticket). */
export async function currentEstimate(
  db: Kysely<Database>,
  ticketId: string,
): Promise<Selectable<TicketEstimatesTable> | undefined> {
  return db
    .selectFrom('ticket_estimates')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .orderBy('proposed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * R2.10 (S3 2.4): an agent proposes an estimate; it replaces the current one (agreed or not) and
 * waits for the customer's agreement. Older rows stay as the record of what was proposed and agreed.
 */
export async function proposeEstimate(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  input: { minutes: number; note: string },
  now: Date,
): Promise<Estimate> {
  return db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    if (ticket.status === 'closed' || ticket.status === 'merged')
      throw new AppError(
        'TICKET_STATE_CONFLICT',
        `Ticket ${ticket.id} is ${ticket.status}; it takes no estimate.`,
      );
    const previous = await currentEstimate(trx, ticket.id);
    // A clock that has not moved since the last proposal would tie them; "latest" must stay one row.
    const at =
      previous && previous.proposed_at.getTime() >= now.getTime()
        ? new Date(previous.proposed_at.getTime() + 1)
        : now;
    const row = await trx
      .insertInto('ticket_estimates')
      .values({
        id: newId('est'),
        ticket_id: ticket.id,
        minutes: input.minutes,
        note: input.note,
        proposed_by: viewer.accountId,
        proposed_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEstimateEvent(trx, ticket, viewer, row, 'proposed', now);
    return toEstimate(row);
  });
}

/**
 * R2.10: the ticket's customer agrees to the current estimate (agreeing twice changes nothing). Staff
 * may not agree on the customer's behalf. With `estimateId`, a proposal replaced meanwhile answers 409.
 */
export async function agreeEstimate(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  estimateId: string | undefined,
  now: Date,
): Promise<Estimate> {
  if (viewer.kind !== 'customer')
    throw new AppError(
      'FORBIDDEN',
      'Only the customer agrees to an estimate; staff cannot agree on its behalf.',
    );
  return db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, viewer.organisationId, true);
    const current = await currentEstimate(trx, ticket.id);
    if (!current)
      throw new AppError('TICKET_STATE_CONFLICT', `Ticket ${ticket.id} has no estimate to agree to.`);
    if (estimateId !== undefined && estimateId !== current.id)
      throw new AppError(
        'TICKET_STATE_CONFLICT',
        `Estimate ${estimateId} was replaced by ${current.id} (${current.minutes} min); read it before agreeing.`,
        { currentEstimateId: current.id },
      );
    if (current.agreed_at !== null) return toEstimate(current);
    const row = await trx
      .updateTable('ticket_estimates')
      .set({ agreed_by: viewer.accountId, agreed_at: now })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEstimateEvent(trx, ticket, viewer, row, 'agreed', now);
    return toEstimate(row);
  });
}

/** The audit row and the notice: a proposal goes to the requester, an agreement to the proposing agent. */
async function recordEstimateEvent(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  viewer: Viewer,
  row: Selectable<TicketEstimatesTable>,
  what: 'proposed' | 'agreed',
  now: Date,
): Promise<void> {
  const details = { estimateId: row.id, minutes: row.minutes };
  await recordAudit(
    trx,
    {
      action: `ticket.estimate-${what}`,
      viewer,
      organisationId: ticket.organisation_id,
      subjectType: 'ticket',
      subjectId: ticket.id,
      details,
    },
    now,
  );
  await enqueueNotice(
    trx,
    {
      topic: `ticket.estimate-${what}`,
      dedupeKey: `ticket.estimate-${what}:${row.id}`,
      organisationId: ticket.organisation_id,
      payload: {
        ticketId: ticket.id,
        ...details,
        note: row.note,
        accountId: what === 'proposed' ? ticket.requester_account_id : row.proposed_by,
      },
    },
    now,
  );
}

export function toEstimate(r: Selectable<TicketEstimatesTable>): Estimate {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    minutes: r.minutes,
    note: r.note,
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at.toISOString(),
    agreedBy: r.agreed_by,
    agreedAt: r.agreed_at?.toISOString() ?? null,
    state: r.agreed_at === null ? 'proposed' : 'agreed',
  };
}
