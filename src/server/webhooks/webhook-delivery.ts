import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { openSealed, type SealingKey } from '../secrets/sealing.ts';
import { type SendOutcome, sendWebhook } from './webhook-send.ts';
import { webhookHeaders } from './webhook-signing.ts';
import { checkWebhookTarget, type HostResolver } from './webhook-target.ts';

// The webhook delivery worker (docs/webhooks.md). Due pending deliveries are claimed with a lease
// (FOR UPDATE SKIP LOCKED, so several workers or processes share them), each is checked against the
// SSRF rule again, signed afresh and POSTed; the outcome is written under the same lease, so a
// delivery whose lease was lost to a slow attempt is not recorded twice.

/** Waits before attempt 2, 3, …, 8 (the Standard Webhooks schedule); then the delivery has failed. */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Longer than the slowest attempt (address check ≤ 10 s + request ≤ 10 s). */
export const DELIVERY_LEASE_MS = 60_000;
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of an endpoint's answer the delivery log keeps. */
export const RESPONSE_LOG_BYTES = 2048;
const BATCH = 10;

export type WebhookDeliveryDeps = {
  db: Kysely<Database>;
  config: Pick<Config, 'webhooks'>;
  sealingKey: SealingKey;
  /** The host resolver for the address check (tests inject a table). */
  resolve?: HostResolver | undefined;
  timeoutMs?: number | undefined;
  log?: Pick<FastifyBaseLogger, 'warn'> | undefined;
};

export type ClaimedDelivery = {
  id: string;
  subscription_id: string;
  outbox_id: string | null;
  event_type: string;
  body: string;
  attempts: number;
  /** The lease this worker holds; the outcome is written only while it still does. */
  lease: Date;
};

/** Claims up to `limit` due deliveries of active subscriptions, leased until now + DELIVERY_LEASE_MS. */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  now: Date,
  limit = BATCH,
): Promise<ClaimedDelivery[]> {
  const lease = new Date(now.getTime() + DELIVERY_LEASE_MS);
  const result = await sql<Omit<ClaimedDelivery, 'lease'>>`
    UPDATE webhook_deliveries SET locked_until = ${lease}
    WHERE id IN (
      SELECT d.id FROM webhook_deliveries d
      JOIN webhook_subscriptions s ON s.id = d.subscription_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ${now}
        AND (d.locked_until IS NULL OR d.locked_until <= ${now})
        AND s.disabled_at IS NULL
      ORDER BY d.next_attempt_at, d.id LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED)
    RETURNING id, subscription_id, outbox_id, event_type, body, attempts`.execute(db);
  return result.rows.map((row) => ({ ...row, lease }));
}

/**
 * Sends every due delivery (batch by batch, the deliveries of a batch in parallel) and records each
 * outcome. Returns how many attempts were made. A disabled subscription's deliveries wait, unsent.
 */
export async function deliverDueWebhooks(deps: WebhookDeliveryDeps, now: Date): Promise<number> {
  let attempted = 0;
  for (;;) {
    const claimed = await claimDueDeliveries(deps.db, now);
    if (claimed.length === 0) return attempted;
    const outcomes = await Promise.all(claimed.map((d) => attemptDelivery(deps, d, now)));
    attempted += outcomes.filter((o) => o !== 'skipped').length;
  }
}

export type AttemptResult = 'delivered' | 'retrying' | 'failed' | 'skipped';

/** One attempt at a claimed delivery: check the target, sign, send, record. */
export async function attemptDelivery(
  deps: WebhookDeliveryDeps,
  delivery: ClaimedDelivery,
  now: Date,
): Promise<AttemptResult> {
  const subscription = await deps.db
    .selectFrom('webhook_subscriptions')
    .select(['url', 'sealed_secret', 'disabled_at'])
    .where('id', '=', delivery.subscription_id)
    .executeTakeFirst();
  if (!subscription || subscription.disabled_at !== null) {
    await release(deps.db, delivery);
    return 'skipped';
  }
  const target = await checkWebhookTarget(subscription.url, {
    allowPrivate: deps.config.webhooks.allowPrivateTargets,
    resolve: deps.resolve,
  });
  if (!target.ok) {
    // A refused address is final (it is no network fault); a name that does not resolve may recover.
    const permanent = target.reason !== 'UNRESOLVABLE';
    return record(deps, delivery, now, { error: `target refused: ${target.message}`, permanent });
  }
  let secret: string;
  try {
    secret = openSealed(deps.sealingKey, subscription.sealed_secret);
  } catch (error) {
    return record(deps, delivery, now, { error: `signing secret: ${(error as Error).message}` });
  }
  const outcome = await sendWebhook({
    url: target.url,
    addresses: target.addresses,
    headers: webhookHeaders(secret, delivery.id, now, delivery.body),
    body: delivery.body,
    timeoutMs: deps.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    maxBodyBytes: RESPONSE_LOG_BYTES,
  });
  return record(deps, delivery, now, describeOutcome(outcome));
}

type Recorded = { status?: number; error?: string; permanent?: boolean };

function describeOutcome(outcome: SendOutcome): Recorded {
  if (outcome.kind === 'error') return { error: outcome.message };
  const { status, bodyStart, location } = outcome;
  if (status >= 200 && status < 300) return { status };
  const answer = bodyStart.trim() === '' ? '' : `: ${bodyStart.trim()}`;
  if (status >= 300 && status < 400)
    return { status, error: `HTTP ${status}, a redirect (to ${location ?? 'no Location'}), not followed` };
  return { status, error: `HTTP ${status}${answer}` };
}

/**
 * Writes an attempt's outcome while this worker still holds the lease: 2xx → delivered; otherwise
 * the next attempt by RETRY_DELAYS_MS, or failed after MAX_ATTEMPTS, on a permanent refusal, or for
 * a test-send (one attempt; the retry route sends it again).
 */
async function record(
  deps: WebhookDeliveryDeps,
  delivery: ClaimedDelivery,
  now: Date,
  outcome: Recorded,
): Promise<AttemptResult> {
  const attempts = delivery.attempts + 1;
  const delivered = outcome.error === undefined;
  const isTest = delivery.outbox_id === null;
  const final = delivered || outcome.permanent === true || isTest || attempts >= MAX_ATTEMPTS;
  const delay = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1] ?? 0;
  const result: AttemptResult = delivered ? 'delivered' : final ? 'failed' : 'retrying';
  const updated = await deps.db
    .updateTable('webhook_deliveries')
    .set({
      status: delivered ? 'delivered' : final ? 'failed' : 'pending',
      attempts,
      next_attempt_at: final ? now : new Date(now.getTime() + delay),
      locked_until: null,
      response_status: outcome.status ?? null,
      last_error: outcome.error?.slice(0, RESPONSE_LOG_BYTES + 200) ?? null,
      delivered_at: delivered ? now : null,
    })
    .where('id', '=', delivery.id)
    .where('status', '=', 'pending')
    .where('locked_until', '=', delivery.lease)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return 'skipped';
  if (result === 'failed')
    deps.log?.warn({ deliveryId: delivery.id, error: outcome.error }, 'webhook delivery failed for good');
  return result;
}

/** Gives back a claimed delivery untouched (its subscription was disabled meanwhile). */
async function release(db: Kysely<Database>, delivery: ClaimedDelivery): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ locked_until: null })
    .where('id', '=', delivery.id)
    .where('locked_until', '=', delivery.lease)
    .execute();
}

export type WebhookDeliveryWorker = { stop(): Promise<void> };

/**
 * The delivery loop `serve` runs: every `intervalMs` (default 1 s) it sends what is due. Any number
 * of processes may run it against one database. stop() waits for the attempts in flight.
 */
export function startWebhookDelivery(options: {
  db: Kysely<Database>;
  config: Pick<Config, 'webhooks'>;
  sealingKey: SealingKey;
  clock?: () => Date;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  intervalMs?: number;
  resolve?: HostResolver;
}): WebhookDeliveryWorker {
  const clock = options.clock ?? (() => new Date());
  const intervalMs = options.intervalMs ?? 1000;
  const deps: WebhookDeliveryDeps = {
    db: options.db,
    config: options.config,
    sealingKey: options.sealingKey,
    log: options.log,
    resolve: options.resolve,
  };
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const loop = (async () => {
    while (!stopped) {
      try {
        await deliverDueWebhooks(deps, clock());
      } catch (error) {
        options.log.error({ err: error }, 'webhook delivery failed; retrying');
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
