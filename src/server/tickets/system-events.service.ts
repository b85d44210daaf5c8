import type { Kysely, Selectable } from 'kysely';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import { hasServiceOn } from '../../core/contract/coverage.queries.ts';
import { type Page, toPage } from '../../schema/pagination.schema.ts';
import type {
  NOTIFICATION_OUTCOMES,
  SystemEvent,
  SystemEventCreate,
} from '../../schema/ticket-conduct.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import { loadContractFacts } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import type { SystemEventsTable } from './tickets.tables.ts';

/** A device clock may run a little ahead of ours; an event further in the future is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];

export function toSystemEvent(row: Selectable<SystemEventsTable>): SystemEvent {
  return {
    id: row.id,
    systemId: row.system_id,
    organisationId: row.organisation_id,
    kind: row.kind,
    severity: row.severity as SystemEvent['severity'],
    message: row.message,
    occurredAt: row.occurred_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    reportedByApiKeyId: row.api_key_id,
  };
}

type SystemRef = { id: string; organisationId: string; contractId: string | null; name: string };

/**
 * R4.6 (S4): stores an event a customer's system reported and, when the system's contract plan has
 * proactive notifications and the subscription gives service today, queues one email per active
 * customer-admin of the organisation ('system.event', deduplicated per event and admin) — in the same
 * transaction, so the event and its emails commit together.
 */
export async function recordSystemEvent(
  db: Kysely<Database>,
  input: { system: SystemRef; body: SystemEventCreate; viewer: Viewer; clientIp: string | null },
  now: Date,
): Promise<{ event: SystemEvent; notification: { outcome: NotificationOutcome; recipients: number } }> {
  const { system, body, viewer } = input;
  const occurredAt = new Date(body.occurredAt);
  if (occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    const message = 'must not be more than 5 minutes in the future';
    throw new AppError('VALIDATION_FAILED', `Invalid request: body.occurredAt: ${message}`, [
      { path: 'body.occurredAt', rule: 'not_future', message },
    ]);
  }
  const gate = await notificationGate(db, system.contractId, now);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('system_events')
      .values({
        id: newId('sev'),
        system_id: system.id,
        organisation_id: system.organisationId,
        kind: body.kind,
        severity: body.severity,
        message: body.message,
        occurred_at: occurredAt,
        received_at: now,
        api_key_id: viewer.kind === 'staff' ? viewer.apiKeyId : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const event = toSystemEvent(row);
    const recipients = gate === 'NOTIFIED' ? await notifyAdmins(trx, system, event, now) : 0;
    const outcome: NotificationOutcome = gate === 'NOTIFIED' && recipients === 0 ? 'NO_ADMINS' : gate;
    await recordAudit(
      trx,
      {
        action: 'system.event-reported',
        viewer,
        organisationId: system.organisationId,
        subjectType: 'system-event',
        subjectId: event.id,
        details: { systemId: system.id, kind: body.kind, severity: body.severity, notification: outcome },
        clientIp: input.clientIp,
      },
      now,
    );
    return { event, notification: { outcome, recipients } };
  });
}

/** Whether the plan's rules email the admins today: a contract, proactive notifications, service on. */
async function notificationGate(
  db: Kysely<Database>,
  contractId: string | null,
  now: Date,
): Promise<Exclude<NotificationOutcome, 'NO_ADMINS'>> {
  const facts = contractId === null ? undefined : await loadContractFacts(db, contractId);
  if (!facts) return 'NO_CONTRACT';
  if (!facts.plan.entitlements.proactiveNotifications) return 'NOT_ENTITLED_BY_PLAN';
  const today = civilDateIn(now, facts.plan.calendar?.timeZone ?? 'UTC');
  return hasServiceOn(facts.terms, today) ? 'NOTIFIED' : 'SUBSCRIPTION_INACTIVE';
}

async function notifyAdmins(
  trx: Kysely<Database>,
  system: SystemRef,
  event: SystemEvent,
  now: Date,
): Promise<number> {
  const admins = await trx
    .selectFrom('accounts')
    .select(['id', 'email'])
    .where('organisation_id', '=', system.organisationId)
    .where('role', '=', 'customer-admin')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  for (const admin of admins) {
    await enqueueNotice(
      trx,
      {
        topic: 'system.event',
        dedupeKey: `system.event:${event.id}:${admin.id}`,
        organisationId: system.organisationId,
        recipient: admin.email,
        payload: {
          eventId: event.id,
          systemId: system.id,
          systemName: system.name,
          contractId: system.contractId,
          kind: event.kind,
          severity: event.severity,
          message: event.message,
          occurredAt: event.occurredAt,
          accountId: admin.id,
        },
      },
      now,
    );
  }
  return admins.length;
}

/** A system's events, newest first. */
export async function listSystemEvents(
  db: Kysely<Database>,
  systemId: string,
  query: { limit: number; cursor?: string | undefined; severity?: SystemEvent['severity'] | undefined },
): Promise<Page<SystemEvent>> {
  let q = db.selectFrom('system_events').selectAll().where('system_id', '=', systemId);
  if (query.severity) q = q.where('severity', '=', query.severity);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (r) => r.id, toSystemEvent);
}
