import type { Kysely } from 'kysely';
import { slaAlarms } from '../../core/ticket/sla-alarms.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import type { JobHandler, JobHandlers } from '../jobs/job-queue.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { fromEpoch, loadClocks, SLA_JOB, saveClocks, toEpoch } from './sla-clocks.repository.ts';
import {
  AUTO_CLOSE_JOB,
  AUTO_CLOSE_WARNING_JOB,
  autoCloseWarningAt,
  closeTicket,
  scheduleAutoClose,
} from './ticket-automations.ts';
import { deskPlanOf } from './ticket-plan.ts';
import { requireTicket } from './ticket-read.ts';

const ticketIdOf = (key: string) => key.slice(key.indexOf(':') + 1);

/**
 * Fires a ticket's SLA warnings and breaches whose instants have come (R2.4), each exactly once:
 * the sla_events unique key (ticket, metric, cycle, kind) admits one row, and the notice to agents
 * is written only with it. Then schedules the ticket's next instant.
 */
export const runSlaJob: JobHandler = async (trx, job, now) => {
  const ticketId = ticketIdOf(job.key);
  const ticket = await trx
    .selectFrom('tickets')
    .select(['id', 'plan_version_id', 'organisation_id', 'subject'])
    .where('id', '=', ticketId)
    .forUpdate()
    .executeTakeFirst();
  if (!ticket) return;
  const desk = await deskPlanOf(trx, ticket.plan_version_id);
  const clocks = await loadClocks(trx, ticketId);
  const { due } = slaAlarms(clocks, toEpoch(now), desk.calendars);
  for (const alarm of due) {
    const at = fromEpoch(alarm.at);
    const inserted = await trx
      .insertInto('sla_events')
      .values({
        id: newId('sle'),
        ticket_id: ticketId,
        metric: alarm.metric,
        cycle: alarm.cycle,
        kind: alarm.kind,
        at,
      })
      .onConflict((oc) => oc.columns(['ticket_id', 'metric', 'cycle', 'kind']).doNothing())
      .returning('id')
      .executeTakeFirst();
    const clock = clocks.find((c) => c.clock.metric === alarm.metric && c.clock.cycle === alarm.cycle);
    if (clock) {
      if (alarm.kind === 'warning') clock.warnedAt ??= alarm.at;
      else clock.breachedAt ??= alarm.at;
    }
    if (!inserted) continue;
    await enqueueNotice(
      trx,
      {
        topic: alarm.kind === 'breach' ? 'sla.breached' : 'sla.warning',
        dedupeKey: `sla.${alarm.kind}:${ticketId}:${alarm.metric}:${alarm.cycle}`,
        organisationId: null,
        payload: {
          ticketId,
          metric: alarm.metric,
          cycle: alarm.cycle,
          at: at.toISOString(),
          subject: ticket.subject,
        },
      },
      now,
    );
  }
  await saveClocks(trx, ticketId, clocks, desk.calendars, now);
};

/**
 * R2.7 (S1): closes a ticket without a public message for the plan's days, at that exact instant. A
 * message since the job was scheduled moved the instant: the job re-schedules itself instead.
 */
export const runAutoCloseJob: JobHandler = async (trx, job, now) => {
  const ticketId = ticketIdOf(job.key);
  const ticket = await requireTicket(trx, ticketId, null, true).catch(() => undefined);
  if (!ticket || ticket.status === 'closed' || ticket.status === 'merged') return;
  const desk = await deskPlanOf(trx, ticket.plan_version_id);
  const rule = desk.plan.automations.inactivityClose;
  if (!rule) return;
  const closesAt = ticket.last_public_message_at.getTime() + rule.afterDays * 86_400_000;
  if (closesAt > now.getTime()) {
    await scheduleAutoClose(trx, ticketId, desk.plan, ticket.last_public_message_at, now);
    return;
  }
  await closeTicket(trx, ticket, { status: 'closed', reason: 'inactivity' }, null, new Date(closesAt));
};

/**
 * The warning before an inactivity close (issue: "a warning before auto-close"): one mail to the
 * requester per quiet spell, at `afterDays - warnDaysBefore` after the last public message. A message
 * since then moved the instant: the job waits for the new one (scheduleAutoClose set it).
 */
export const runAutoCloseWarningJob: JobHandler = async (trx, job, now) => {
  const ticketId = ticketIdOf(job.key);
  const ticket = await requireTicket(trx, ticketId, null, true).catch(() => undefined);
  if (!ticket || ticket.status === 'closed' || ticket.status === 'merged') return;
  const desk = await deskPlanOf(trx, ticket.plan_version_id);
  const rule = desk.plan.automations.inactivityClose;
  const warnAt = autoCloseWarningAt(desk.plan, ticket.last_public_message_at);
  if (!rule || !warnAt || warnAt.getTime() > now.getTime()) return;
  const closesAt = new Date(ticket.last_public_message_at.getTime() + rule.afterDays * 86_400_000);
  await enqueueNotice(
    trx,
    {
      topic: 'ticket.auto-close-warning',
      dedupeKey: `ticket.auto-close-warning:${ticket.id}:${ticket.last_public_message_at.getTime()}`,
      organisationId: ticket.organisation_id,
      payload: {
        ticketId: ticket.id,
        closesAt: closesAt.toISOString(),
        accountId: ticket.requester_account_id,
      },
    },
    now,
  );
};

export const TICKET_JOB_HANDLERS: JobHandlers = {
  [SLA_JOB]: runSlaJob,
  [AUTO_CLOSE_JOB]: runAutoCloseJob,
  [AUTO_CLOSE_WARNING_JOB]: runAutoCloseWarningJob,
};

/** Tickets whose clocks breached and are still running: `upkeep tickets list --breaching`. */
export async function breachingTickets(db: Kysely<Database>, limit = 100) {
  return db
    .selectFrom('tickets')
    .innerJoin('sla_clocks', 'sla_clocks.ticket_id', 'tickets.id')
    .select([
      'tickets.id',
      'tickets.number',
      'tickets.subject',
      'tickets.status',
      'sla_clocks.metric',
      'sla_clocks.breached_at',
    ])
    .where('sla_clocks.breached_at', 'is not', null)
    .where('sla_clocks.stopped_at', 'is', null)
    .orderBy('sla_clocks.breached_at')
    .limit(limit)
    .execute();
}
