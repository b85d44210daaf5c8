import type { Kysely } from 'kysely';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { eraseNoticeSecrets } from '../secrets/notice-secrets.ts';

/**
 * Notice topics that never leave by webhook: they carry sign-in links (one-time tokens).
 * Everything else in the outbox is an event a subscription may ask for.
 */
export const PRIVATE_TOPICS: ReadonlySet<string> = new Set(['auth.magic-link', 'customer.invited']);

export type FannedNotice = {
  outboxId: string;
  topic: string;
  organisationId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
};

/**
 * Writes one pending delivery per active subscription that asked for this topic, in the caller's
 * transaction (the outbox fan-out). The body is fixed here, so every retry sends the same bytes:
 * `{ type, timestamp, data }` (Standard Webhooks), the data without sealed secrets.
 */
export async function enqueueWebhookDeliveries(
  trx: Kysely<Database>,
  notice: FannedNotice,
  now: Date,
): Promise<number> {
  if (PRIVATE_TOPICS.has(notice.topic)) return 0;
  const subscriptions = await trx
    .selectFrom('webhook_subscriptions')
    .select(['id', 'event_types'])
    .where('disabled_at', 'is', null)
    .execute();
  const wanted = subscriptions.filter((s) => {
    const types = (typeof s.event_types === 'string' ? JSON.parse(s.event_types) : s.event_types) as string[];
    return types.includes('*') || types.includes(notice.topic);
  });
  if (wanted.length === 0) return 0;
  const body = JSON.stringify({
    type: notice.topic,
    timestamp: notice.createdAt.toISOString(),
    data: { organisationId: notice.organisationId, ...eraseNoticeSecrets(notice.payload) },
  });
  await trx
    .insertInto('webhook_deliveries')
    .values(
      wanted.map((s) => ({
        id: newId('whd'),
        subscription_id: s.id,
        outbox_id: notice.outboxId,
        event_type: notice.topic,
        body,
        status: 'pending' as const,
        next_attempt_at: now,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['subscription_id', 'outbox_id']).doNothing())
    .execute();
  return wanted.length;
}
