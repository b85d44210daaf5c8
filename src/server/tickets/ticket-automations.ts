import type { Kysely } from 'kysely';
import type { Plan } from '../../core/plan/plan.schema.ts';
import { detectAbuse } from '../../core/ticket/conduct.ts';
import { decideFlooding } from '../../core/ticket/flooding.ts';
import { isSameIssue } from '../../core/ticket/similarity.ts';
import { OPEN_STATUSES } from '../../schema/tickets.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { cancelJob, scheduleJob } from '../jobs/job-queue.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { applyTicketClockEvent } from './ticket-clock-events.ts';
import { requireTicket, type TicketRowLite } from './ticket-read.ts';

export const AUTO_CLOSE_JOB = 'auto-close';
export const autoCloseJobKey = (ticketId: string) => `auto-close:${ticketId}`;
export const AUTO_CLOSE_WARNING_JOB = 'auto-close-warning';
export const autoCloseWarningJobKey = (ticketId: string) => `auto-close-warning:${ticketId}`;
const DAY_MS = 86_400_000;
/** Without `warnDaysBefore` the requester is warned one day before an inactivity close. */
const DEFAULT_WARN_DAYS = 1;

/** When the requester is warned before the inactivity close, or null when the plan's rule leaves no room. */
export function autoCloseWarningAt(plan: Plan, lastPublicAt: Date): Date | null {
  const rule = plan.automations.inactivityClose;
  if (!rule) return null;
  const warnDays = rule.warnDaysBefore ?? DEFAULT_WARN_DAYS;
  if (warnDays >= rule.afterDays) return null;
  return new Date(lastPublicAt.getTime() + (rule.afterDays - warnDays) * DAY_MS);
}

/**
 * R2.7 (S1): schedules the close at the exact instant `afterDays` days after the last public message.
 * Only public messages move it (LESSONS: osTicket's own updates reset its clock).
 */
export async function scheduleAutoClose(
  db: Kysely<Database>,
  ticketId: string,
  plan: Plan,
  lastPublicAt: Date,
  now: Date,
): Promise<void> {
  const rule = plan.automations.inactivityClose;
  if (!rule) return;
  const runAt = new Date(lastPublicAt.getTime() + rule.afterDays * DAY_MS);
  await scheduleJob(db, { kind: AUTO_CLOSE_JOB, key: autoCloseJobKey(ticketId), runAt }, now);
  const warnAt = autoCloseWarningAt(plan, lastPublicAt);
  if (warnAt) {
    await scheduleJob(
      db,
      { kind: AUTO_CLOSE_WARNING_JOB, key: autoCloseWarningJobKey(ticketId), runAt: warnAt },
      now,
    );
  }
}

export type CloseChange = {
  status: 'closed' | 'merged';
  reason: string;
  note?: string | null;
  outOfScopeKey?: string | null;
  mergedIntoId?: string | null;
};

/**
 * Closes a locked ticket once: stops its clocks, cancels its timers, records the audit and the
 * notice. A second close of the same ticket changes nothing (the update is guarded on the status).
 */
export async function closeTicket(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  change: CloseChange,
  viewer: Viewer | null,
  now: Date,
): Promise<boolean> {
  const closed = await trx
    .updateTable('tickets')
    .set({
      status: change.status,
      closed_at: now,
      updated_at: now,
      close_reason: change.reason,
      close_note: change.note ?? null,
      out_of_scope_key: change.outOfScopeKey ?? null,
      merged_into_id: change.mergedIntoId ?? null,
    })
    .where('id', '=', ticket.id)
    .where('status', 'not in', ['closed', 'merged'])
    .returning('id')
    .executeTakeFirst();
  if (!closed) return false;
  await applyTicketClockEvent(trx, ticket, { kind: 'closed' }, now);
  await cancelJob(trx, autoCloseJobKey(ticket.id), now);
  await cancelJob(trx, autoCloseWarningJobKey(ticket.id), now);
  await recordAudit(
    trx,
    {
      action: `ticket.${change.status}`,
      viewer,
      organisationId: ticket.organisation_id,
      subjectType: 'ticket',
      subjectId: ticket.id,
      details: { reason: change.reason, mergedIntoId: change.mergedIntoId ?? null },
    },
    now,
  );
  await enqueueNotice(
    trx,
    {
      topic: 'ticket.closed',
      // A reopened ticket can close again: one notice per close.
      dedupeKey: `ticket.closed:${ticket.id}:${now.getTime()}`,
      organisationId: ticket.organisation_id,
      payload: { ticketId: ticket.id, reason: change.reason, accountId: ticket.requester_account_id },
    },
    now,
  );
  return true;
}

/** Links two tickets (idempotent). */
export async function linkTickets(
  trx: Kysely<Database>,
  from: string,
  to: string,
  kind: 'duplicate-of' | 'follow-up-of' | 'related',
  accountId: string | null,
  now: Date,
): Promise<void> {
  await trx
    .insertInto('ticket_links')
    .values({
      id: newId('tln'),
      ticket_id: from,
      linked_ticket_id: to,
      kind,
      created_by_account_id: accountId,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['ticket_id', 'linked_ticket_id', 'kind']).doNothing())
    .execute();
}

/** Closes `older` as a duplicate merged into `survivor` (R2.8): linked, its messages reachable from the survivor. */
export async function mergeInto(
  trx: Kysely<Database>,
  older: TicketRowLite,
  survivorId: string,
  viewer: Viewer | null,
  now: Date,
): Promise<boolean> {
  const merged = await closeTicket(
    trx,
    older,
    { status: 'merged', reason: 'duplicate', mergedIntoId: survivorId },
    viewer,
    now,
  );
  if (merged) await linkTickets(trx, older.id, survivorId, 'duplicate-of', viewer?.accountId ?? null, now);
  return merged;
}

/**
 * R2.8 (S1): a new ticket of the same customer and product whose text is similar enough (pg_trgm's
 * trigram similarity, computed in core) closes the older open tickets into it.
 */
export async function closeDuplicatesOf(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  plan: Plan,
  description: string,
  now: Date,
): Promise<string[]> {
  const rule = plan.automations.duplicateClose;
  if (rule?.close !== 'older') return [];
  const candidates = await trx
    .selectFrom('tickets')
    .select(['tickets.id', 'tickets.subject'])
    .where('organisation_id', '=', ticket.organisation_id)
    .where('product_id', '=', ticket.product_id)
    .where('status', 'in', [...OPEN_STATUSES, 'resolved'])
    .where('id', '!=', ticket.id)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  const closed: string[] = [];
  for (const candidate of candidates) {
    const first = await firstMessageBody(trx, candidate.id);
    const verdict = isSameIssue(
      { subject: ticket.subject, body: description },
      { subject: candidate.subject, body: first },
      rule.similarityThreshold,
    );
    if (!verdict.same) continue;
    const older = await requireTicket(trx, candidate.id, null, true);
    if (await mergeInto(trx, older, ticket.id, null, now)) closed.push(older.id);
  }
  return closed;
}

async function firstMessageBody(trx: Kysely<Database>, ticketId: string): Promise<string> {
  const row = await trx
    .selectFrom('ticket_messages')
    .select('body')
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.body ?? '';
}

/**
 * R1.3 (S1): likely abuse in a customer's text is flagged for an agent (never revoked on a word list
 * alone); the agent confirms or dismisses the flag.
 */
export async function afterCustomerText(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  plan: Plan,
  messageId: string | null,
  text: string,
  viewer: Viewer,
  now: Date,
): Promise<void> {
  if (viewer.kind !== 'customer' || plan.conduct.abuseDetection !== 'flag-for-agent') return;
  const found = detectAbuse(text);
  if (!found.flagged) return;
  await insertFlag(trx, {
    ticketId: ticket.id,
    messageId,
    organisationId: ticket.organisation_id,
    kind: 'abuse',
    detail: { terms: [...new Set(found.matches.map((m) => m.term))], accountId: viewer.accountId },
    now,
  });
}

export async function insertFlag(
  trx: Kysely<Database>,
  flag: {
    ticketId: string | null;
    messageId: string | null;
    organisationId: string;
    kind: 'abuse' | 'flooding';
    detail: Record<string, unknown>;
    now: Date;
  },
): Promise<void> {
  const id = newId('flg');
  await trx
    .insertInto('ticket_flags')
    .values({
      id,
      ticket_id: flag.ticketId,
      message_id: flag.messageId,
      organisation_id: flag.organisationId,
      kind: flag.kind,
      detail: JSON.stringify(flag.detail),
      created_at: flag.now,
    })
    .execute();
  await enqueueNotice(
    trx,
    {
      topic: 'conduct.flagged',
      dedupeKey: `conduct.flagged:${id}`,
      organisationId: flag.organisationId,
      payload: { flagId: id, kind: flag.kind, ticketId: flag.ticketId },
    },
    flag.now,
  );
}

/**
 * R1.5 (S1): too many new tickets from one organisation in the plan's window are refused 429 and
 * flagged for an agent; the flag keeps the fact, the client retries after Retry-After.
 */
export async function refuseIfFlooding(
  db: Kysely<Database>,
  plan: Plan,
  who: { organisationId: string; requesterAccountId: string | null },
  now: Date,
): Promise<void> {
  await refuseOnFlood(db, plan, now, {
    organisationId: who.organisationId,
    ticketId: null,
    what: 'new tickets',
    accountId: who.requesterAccountId,
  });
}

/** R1.5 (S1): too many posts by the customer in one ticket in the window: 429 and a flag. */
export async function refuseIfPostFlooding(
  db: Kysely<Database>,
  plan: Plan,
  ticket: TicketRowLite,
  now: Date,
  accountId: string | null,
): Promise<void> {
  await refuseOnFlood(db, plan, now, {
    organisationId: ticket.organisation_id,
    ticketId: ticket.id,
    what: 'posts on this ticket',
    accountId,
  });
}

/** New tickets of the organisation, or the customer's posts in one ticket, inside the plan's window. */
async function recentPostsMs(db: Kysely<Database>, where: FloodScope, since: Date): Promise<number[]> {
  const rows =
    where.ticketId === null
      ? await db
          .selectFrom('tickets')
          .select('created_at')
          .where('organisation_id', '=', where.organisationId)
          .where('created_at', '>', since)
          .execute()
      : await db
          .selectFrom('ticket_messages')
          .select('created_at')
          .where('ticket_id', '=', where.ticketId)
          .where('author_kind', '=', 'customer')
          .where('created_at', '>', since)
          .execute();
  return rows.map((r) => r.created_at.getTime());
}

type FloodScope = { organisationId: string; ticketId: string | null; what: string; accountId: string | null };

async function refuseOnFlood(db: Kysely<Database>, plan: Plan, now: Date, where: FloodScope): Promise<void> {
  const rule = plan.automations.flooding;
  if (!rule) return;
  const recentMs = await recentPostsMs(db, where, new Date(now.getTime() - rule.withinMinutes * 60_000));
  const decision = decideFlooding(recentMs, now.getTime(), rule);
  if (decision.allowed) return;
  await db.transaction().execute((trx) =>
    insertFlag(trx, {
      ticketId: where.ticketId,
      messageId: null,
      organisationId: where.organisationId,
      kind: 'flooding',
      detail: { what: where.what, inWindow: decision.inWindow, rule, accountId: where.accountId },
      now,
    }),
  );
  throw new AppError(
    'RATE_LIMITED',
    `Too many ${where.what}: at most ${rule.maxPosts} within ${rule.withinMinutes} minutes (R1.5); retry in ${decision.retryAfterSeconds} seconds.`,
    { retryAfterSeconds: decision.retryAfterSeconds },
  );
}
