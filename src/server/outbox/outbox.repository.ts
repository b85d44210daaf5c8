import type { Kysely } from 'kysely';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';

export type OutboxNotice = {
  /** What the notice is, e.g. 'license.key-issued', 'contract.purchased', 'customer.invited'. */
  topic: string;
  /** Makes writing the same notice twice a no-op (a re-run job, a retried request). */
  dedupeKey?: string;
  organisationId?: string | null;
  /** The email address it goes to, when it is a mail. */
  recipient?: string | null;
  payload: Record<string, unknown>;
};

/**
 * Writes a notice to the transactional outbox. Call it with the transaction that makes the change
 * the notice is about, so both commit or neither does; the mail/webhook worker delivers it later.
 * Returns false when a notice with the same dedupeKey already exists.
 */
export async function enqueueNotice(db: Kysely<Database>, notice: OutboxNotice, now: Date): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      id: newId('out'),
      topic: notice.topic,
      dedupe_key: notice.dedupeKey ?? null,
      organisation_id: notice.organisationId ?? null,
      recipient: notice.recipient ?? null,
      payload: JSON.stringify(notice.payload),
      created_at: now,
      available_at: now,
      last_error: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
