import type { Kysely, Selectable } from 'kysely';
import { type Page, type PageQuery, toPage } from '../../schema/pagination.schema.ts';
import { WEBHOOK_TEST_EVENT, type Webhook, type WebhookDelivery } from '../../schema/webhooks.schema.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import type { WebhookDeliveriesTable, WebhookSubscriptionsTable } from '../mail/mail.tables.ts';
import { type SealingKey, sealSecret } from '../secrets/sealing.ts';
import { attemptDelivery, DELIVERY_LEASE_MS, type WebhookDeliveryDeps } from './webhook-delivery.ts';
import { generateWebhookSecret } from './webhook-signing.ts';
import { checkWebhookTarget, type HostResolver } from './webhook-target.ts';

/** Webhook subscriptions and their delivery log (admin only; docs/webhooks.md). */

export type WebhookServiceDeps = {
  db: Kysely<Database>;
  config: Pick<Config, 'webhooks'>;
  sealingKey: SealingKey;
  resolve?: HostResolver | undefined;
};

type SubscriptionRow = Selectable<WebhookSubscriptionsTable>;
type DeliveryRow = Selectable<WebhookDeliveriesTable>;

function eventTypesOf(value: unknown): string[] {
  return (typeof value === 'string' ? JSON.parse(value) : value) as string[];
}

function toWebhook(row: SubscriptionRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: eventTypesOf(row.event_types),
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    disabledAt: row.disabled_at?.toISOString() ?? null,
  };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.subscription_id,
    outboxId: row.outbox_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    responseStatus: row.response_status,
    lastError: row.last_error,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** Refuses (422 WEBHOOK_TARGET_REFUSED) a target that fails the SSRF check. */
async function requireAllowedTarget(deps: WebhookServiceDeps, url: string): Promise<void> {
  const check = await checkWebhookTarget(url, {
    allowPrivate: deps.config.webhooks.allowPrivateTargets,
    resolve: deps.resolve,
  });
  if (!check.ok) {
    throw new AppError('WEBHOOK_TARGET_REFUSED', `Webhook URL refused: ${check.message}.`, {
      field: 'body.url',
      reason: check.reason,
      addresses: check.addresses,
    });
  }
}

export async function createWebhook(
  deps: WebhookServiceDeps,
  input: { url: string; description?: string | undefined; eventTypes: string[]; createdBy: string | null },
  now: Date,
): Promise<{ webhook: Webhook; secret: string }> {
  await requireAllowedTarget(deps, input.url);
  const secret = generateWebhookSecret();
  const row = await deps.db
    .insertInto('webhook_subscriptions')
    .values({
      id: newId('whk'),
      url: input.url,
      description: input.description ?? '',
      event_types: JSON.stringify(input.eventTypes),
      sealed_secret: sealSecret(deps.sealingKey, secret),
      created_at: now,
      created_by: input.createdBy,
      disabled_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { webhook: toWebhook(row), secret };
}

export async function listWebhooks(db: Kysely<Database>, query: PageQuery): Promise<Page<Webhook>> {
  let q = db.selectFrom('webhook_subscriptions').selectAll();
  if (query.cursor) q = q.where('id', '>', query.cursor);
  const rows = await q
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (r) => r.id, toWebhook);
}

async function requireRow(db: Kysely<Database>, id: string): Promise<SubscriptionRow> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No webhook ${id}.`);
  return row;
}

export async function getWebhook(db: Kysely<Database>, id: string): Promise<Webhook> {
  return toWebhook(await requireRow(db, id));
}

/** Changes a subscription; a new URL, or re-enabling, is checked against the SSRF rule first. */
export async function updateWebhook(
  deps: WebhookServiceDeps,
  id: string,
  patch: {
    url?: string | undefined;
    description?: string | undefined;
    eventTypes?: string[] | undefined;
    disabled?: boolean | undefined;
  },
  now: Date,
): Promise<Webhook> {
  const row = await requireRow(deps.db, id);
  const enabling = patch.disabled === false && row.disabled_at !== null;
  if (patch.url !== undefined || enabling) await requireAllowedTarget(deps, patch.url ?? row.url);
  const disabledAt =
    patch.disabled === undefined ? row.disabled_at : patch.disabled ? (row.disabled_at ?? now) : null;
  const updated = await deps.db
    .updateTable('webhook_subscriptions')
    .set({
      url: patch.url ?? row.url,
      description: patch.description ?? row.description,
      event_types: JSON.stringify(patch.eventTypes ?? eventTypesOf(row.event_types)),
      disabled_at: disabledAt,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWebhook(updated);
}

/** DELETE: the subscription stops (disabled), and stays readable with its delivery log. */
export async function disableWebhook(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  const row = await requireRow(db, id);
  if (row.disabled_at !== null) return;
  await db.updateTable('webhook_subscriptions').set({ disabled_at: now }).where('id', '=', id).execute();
}

/** A new signing secret, effective at once for every later attempt (pending ones included). */
export async function rotateWebhookSecret(
  deps: WebhookServiceDeps,
  id: string,
): Promise<{ webhook: Webhook; secret: string }> {
  await requireRow(deps.db, id);
  const secret = generateWebhookSecret();
  const row = await deps.db
    .updateTable('webhook_subscriptions')
    .set({ sealed_secret: sealSecret(deps.sealingKey, secret) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { webhook: toWebhook(row), secret };
}

/** A subscription's deliveries, newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  webhookId: string,
  query: PageQuery & { status?: WebhookDelivery['status'] | undefined },
): Promise<Page<WebhookDelivery>> {
  await requireRow(db, webhookId);
  let q = db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', webhookId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (r) => r.id, toDelivery);
}

/** Puts a failed delivery back to pending, due now; the worker sends it on its next round. */
export async function retryDelivery(db: Kysely<Database>, id: string, now: Date): Promise<WebhookDelivery> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_subscriptions', 'webhook_subscriptions.id', 'webhook_deliveries.subscription_id')
    .select(['webhook_deliveries.status', 'webhook_subscriptions.disabled_at'])
    .where('webhook_deliveries.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No webhook delivery ${id}.`);
  if (row.disabled_at !== null)
    throw new AppError('WEBHOOK_STATE_CONFLICT', 'Its webhook is disabled: enable it first.', {
      status: row.status,
    });
  const updated = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, locked_until: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .returningAll()
    .executeTakeFirst();
  if (!updated)
    throw new AppError(
      'WEBHOOK_STATE_CONFLICT',
      `Only a failed delivery can be retried; this one is ${row.status}.`,
      { status: row.status },
    );
  return toDelivery(updated);
}

/**
 * A test-send: a 'webhook.test' delivery (no outbox notice), attempted at once. One attempt: when it
 * fails the delivery is failed (retry it with POST /v1/webhooks/deliveries/:id/retry).
 */
export async function sendTestWebhook(
  deps: WebhookServiceDeps & Pick<WebhookDeliveryDeps, 'timeoutMs'>,
  id: string,
  now: Date,
): Promise<WebhookDelivery> {
  const subscription = await requireRow(deps.db, id);
  if (subscription.disabled_at !== null)
    throw new AppError('WEBHOOK_STATE_CONFLICT', 'This webhook is disabled: enable it to test it.');
  const deliveryId = newId('whd');
  const body = JSON.stringify({
    type: WEBHOOK_TEST_EVENT,
    timestamp: now.toISOString(),
    data: { webhookId: id, message: 'A test delivery from Upkeep.' },
  });
  // Inserted already leased to this request, so a worker does not send it a second time meanwhile.
  const lease = new Date(now.getTime() + DELIVERY_LEASE_MS);
  await deps.db
    .insertInto('webhook_deliveries')
    .values({
      id: deliveryId,
      subscription_id: id,
      outbox_id: null,
      event_type: WEBHOOK_TEST_EVENT,
      body,
      status: 'pending',
      next_attempt_at: now,
      locked_until: lease,
      created_at: now,
    })
    .execute();
  await attemptDelivery(
    deps,
    {
      id: deliveryId,
      subscription_id: id,
      outbox_id: null,
      event_type: WEBHOOK_TEST_EVENT,
      body,
      attempts: 0,
      lease,
    },
    now,
  );
  const row = await deps.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .executeTakeFirstOrThrow();
  return toDelivery(row);
}
