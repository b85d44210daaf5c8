import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { enqueueNotice } from '../../src/server/outbox/outbox.repository.ts';
import type { WebhookDeliveryDeps } from '../../src/server/webhooks/webhook-delivery.ts';
import { enqueueWebhookDeliveries } from '../../src/server/webhooks/webhook-fanout.ts';
import type { HostResolver, ResolvedAddress } from '../../src/server/webhooks/webhook-target.ts';
import { TEST_SEALING_KEY_TEXT, testSealingKey } from '../server/app-helpers.ts';

/** Config for tests whose receiver listens on 127.0.0.1 (private targets allowed). */
export const privateTargetsConfig = loadConfig({
  LOG_LEVEL: 'silent',
  UPKEEP_DATA_DIR: '/nonexistent',
  UPKEEP_SEALING_KEY: TEST_SEALING_KEY_TEXT,
  UPKEEP_WEBHOOK_ALLOW_PRIVATE: 'true',
});

export type Received = { path: string; headers: IncomingHttpHeaders; body: string };
/** What the receiver answers: a status, optional headers and body; or 'hang' (never answers). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A real HTTP endpoint on 127.0.0.1 that records every request and answers from a script (the last
 * answer repeats; 204 when the script is empty).
 */
export async function startReceiver(script: Answer[] = []) {
  const received: Received[] = [];
  const answers = [...script];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = (answers.length > 1 ? answers.shift() : answers[0]) ?? { status: 204 };
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    script: (next: Answer[]) => answers.splice(0, answers.length, ...next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A resolver answering from a table that the test may change (DNS rebinding). */
export function tableResolver(table: Record<string, string[]>): HostResolver {
  return async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

export function deliveryDeps(
  db: Kysely<Database>,
  overrides: Partial<WebhookDeliveryDeps> = {},
): WebhookDeliveryDeps {
  return { db, config: privateTargetsConfig, sealingKey: testSealingKey, ...overrides };
}

/** An outbox notice and its fan-out, in one transaction (what the outbox dispatcher does). */
export async function emitEvent(
  db: Kysely<Database>,
  topic: string,
  payload: Record<string, unknown>,
  now: Date,
): Promise<{ outboxId: string; fanned: number }> {
  return db.transaction().execute(async (trx) => {
    const dedupeKey = `test:${topic}:${Math.random().toString(36).slice(2)}`;
    await enqueueNotice(trx, { topic, dedupeKey, payload }, now);
    const row = await trx
      .selectFrom('outbox')
      .select(['id', 'created_at'])
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirstOrThrow();
    const fanned = await enqueueWebhookDeliveries(
      trx,
      { outboxId: row.id, topic, organisationId: null, payload, createdAt: row.created_at },
      now,
    );
    return { outboxId: row.id, fanned };
  });
}

export async function deliveriesOf(db: Kysely<Database>, subscriptionId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('id')
    .execute();
}
