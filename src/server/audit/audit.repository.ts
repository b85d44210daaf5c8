import type { Kysely } from 'kysely';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';

export type AuditEvent = {
  /** What happened, e.g. 'release.downloaded', 'license-key.issued', 'backup.deleted'. */
  action: string;
  /** Who did it; null for the system itself (scheduled work). */
  viewer: Viewer | null;
  organisationId?: string | null;
  subjectType: string;
  subjectId: string;
  /** 'ok', or the refusal reason when the action was refused (refusals are audited too). */
  outcome?: string;
  details?: Record<string, unknown>;
  clientIp?: string | null;
};

/** Appends an audit event (the table refuses updates and deletes). Use the transaction of the change. */
export async function recordAudit(db: Kysely<Database>, event: AuditEvent, now: Date): Promise<void> {
  const viewer = event.viewer;
  await db
    .insertInto('audit_events')
    .values({
      id: newId('aud'),
      at: now,
      action: event.action,
      actor_account_id: viewer?.accountId ?? null,
      actor_api_key_id: viewer?.kind === 'staff' ? viewer.apiKeyId : null,
      organisation_id: event.organisationId ?? (viewer?.kind === 'customer' ? viewer.organisationId : null),
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      outcome: event.outcome ?? 'ok',
      details: JSON.stringify(event.details ?? {}),
      client_ip: event.clientIp ?? null,
    })
    .execute();
}
