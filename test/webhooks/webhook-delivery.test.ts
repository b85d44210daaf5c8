import { Webhook } from 'standardwebhooks';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { openSealed } from '../../src/server/secrets/sealing.ts';
import {
  deliverDueWebhooks,
  MAX_ATTEMPTS,
  RESPONSE_LOG_BYTES,
  RETRY_DELAYS_MS,
  startWebhookDelivery,
} from '../../src/server/webhooks/webhook-delivery.ts';
import { createWebhook, retryDelivery, updateWebhook } from '../../src/server/webhooks/webhooks.service.ts';
import { TEST_SEALING_KEY_TEXT, testSealingKey } from '../server/app-helpers.ts';
import { describeDb } from '../support/db-harness.ts';
import {
  deliveriesOf,
  deliveryDeps,
  emitEvent,
  privateTargetsConfig,
  type Receiver,
  startReceiver,
  tableResolver,
} from './webhook-helpers.ts';

const strictConfig = loadConfig({
  LOG_LEVEL: 'silent',
  UPKEEP_DATA_DIR: '/nonexistent',
  UPKEEP_SEALING_KEY: TEST_SEALING_KEY_TEXT,
});

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});
async function receiver(...script: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...script);
  receivers.push(r);
  return r;
}

const later = (at: Date, ms: number) => new Date(at.getTime() + ms);

describeDb('webhook delivery', (getDb) => {
  async function subscribe(url: string, eventTypes: string[], deps = deliveryDeps(getDb().db)) {
    const { webhook, secret } = await createWebhook(deps, { url, eventTypes, createdBy: null }, new Date());
    return { id: webhook.id, secret };
  }

  it('a notice reaches a subscribed endpoint signed per Standard Webhooks; other topics and other subscriptions are not sent', async () => {
    const { db } = getDb();
    const hook = await receiver();
    const wanted = await subscribe(hook.url('/wanted'), ['ticket.created']);
    const all = await subscribe(hook.url('/all'), ['*']);
    await subscribe(hook.url('/other'), ['invoice.credited']);
    const now = new Date();
    const { outboxId, fanned } = await emitEvent(
      db,
      'ticket.created',
      { ticketId: 'tkt_1', subject: 'Export fails' },
      now,
    );
    expect(fanned).toBe(2);

    expect(await deliverDueWebhooks(deliveryDeps(db), now)).toBe(2);
    expect(hook.received.map((r) => r.path).sort()).toEqual(['/all', '/wanted']);
    for (const [sub, path] of [
      [wanted, '/wanted'],
      [all, '/all'],
    ] as const) {
      const req = hook.received.find((r) => r.path === path);
      if (!req) throw new Error(`no request to ${path}`);
      const verified = new Webhook(sub.secret).verify(req.body, req.headers as Record<string, string>);
      expect(verified).toEqual({
        type: 'ticket.created',
        timestamp: expect.any(String),
        data: { organisationId: null, ticketId: 'tkt_1', subject: 'Export fails' },
      });
      expect(req.headers['content-type']).toBe('application/json');
      const [row] = await deliveriesOf(db, sub.id);
      expect(req.headers['webhook-id']).toBe(row?.id);
      expect(row).toMatchObject({
        status: 'delivered',
        attempts: 1,
        response_status: 204,
        outbox_id: outboxId,
      });
      // The other subscription's secret does not verify it.
      const other = sub === wanted ? all : wanted;
      expect(() =>
        new Webhook(other.secret).verify(req.body, req.headers as Record<string, string>),
      ).toThrow();
    }
    // The secret rests sealed, never in clear.
    const stored = await db
      .selectFrom('webhook_subscriptions')
      .select('sealed_secret')
      .where('id', '=', wanted.id)
      .executeTakeFirstOrThrow();
    expect(stored.sealed_secret).not.toContain(wanted.secret.slice(6));
    expect(openSealed(testSealingKey, stored.sealed_secret)).toBe(wanted.secret);
    expect(await deliverDueWebhooks(deliveryDeps(db), later(now, 86_400_000))).toBe(0);
    expect(hook.received).toHaveLength(2);
  });

  it('after two 500s it retries on the schedule (5 s, 5 min) and is delivered exactly once, the same bytes each time', async () => {
    const { db } = getDb();
    const hook = await receiver([
      { status: 500, body: 'boom' },
      { status: 503, body: 'still down' },
      { status: 200, body: 'ok' },
    ]);
    const sub = await subscribe(hook.url(), ['ticket.replied']);
    // Inside the ±5 min the verifier accepts, for all three attempts.
    const t0 = new Date(Date.now() - 150_000);
    await emitEvent(db, 'ticket.replied', { ticketId: 'tkt_2' }, t0);
    const deps = deliveryDeps(db);

    expect(await deliverDueWebhooks(deps, t0)).toBe(1);
    let [row] = await deliveriesOf(db, sub.id);
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      response_status: 500,
      last_error: 'HTTP 500: boom',
    });
    expect(row?.next_attempt_at).toEqual(later(t0, RETRY_DELAYS_MS[0] ?? 0));

    expect(await deliverDueWebhooks(deps, later(t0, 4_999))).toBe(0);
    const t1 = later(t0, 5_000);
    expect(await deliverDueWebhooks(deps, t1)).toBe(1);
    [row] = await deliveriesOf(db, sub.id);
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 2,
      response_status: 503,
      last_error: 'HTTP 503: still down',
    });
    expect(row?.next_attempt_at).toEqual(later(t1, 5 * 60_000));

    const t2 = later(t1, 5 * 60_000);
    expect(await deliverDueWebhooks(deps, t2)).toBe(1);
    [row] = await deliveriesOf(db, sub.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, response_status: 200, last_error: null });
    expect(row?.delivered_at).toEqual(t2);

    expect(await deliverDueWebhooks(deps, later(t2, 30 * 86_400_000))).toBe(0);
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(hook.received.map((r) => r.headers['webhook-timestamp'])).toEqual(
      [t0, t1, t2].map((t) => String(Math.floor(t.getTime() / 1000))),
    );
    for (const req of hook.received)
      expect(() =>
        new Webhook(sub.secret).verify(req.body, req.headers as Record<string, string>),
      ).not.toThrow();
  });

  it(`an endpoint that keeps failing is given up after ${MAX_ATTEMPTS} attempts on the Standard Webhooks schedule; a retry sends it once more`, async () => {
    const { db } = getDb();
    const hook = await receiver([{ status: 500, body: 'x'.repeat(10_000) }]);
    const sub = await subscribe(hook.url(), ['*']);
    let now = new Date('2026-03-02T09:00:00Z');
    await emitEvent(db, 'contract.purchased', { contractId: 'ctr_1' }, now);
    const deps = deliveryDeps(db);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await deliverDueWebhooks(deps, now), `attempt ${attempt}`).toBe(1);
      const [row] = await deliveriesOf(db, sub.id);
      expect(row?.attempts).toBe(attempt);
      if (row?.status === 'pending') {
        waits.push(row.next_attempt_at.getTime() - now.getTime());
        now = row.next_attempt_at;
      }
    }
    expect(waits).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    const [failed] = await deliveriesOf(db, sub.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 8, response_status: 500 });
    // Only the start of the answer is kept for the log.
    expect(failed?.last_error?.length).toBeLessThanOrEqual(RESPONSE_LOG_BYTES + 20);
    expect(await deliverDueWebhooks(deps, later(now, 30 * 86_400_000))).toBe(0);
    expect(hook.received).toHaveLength(8);

    hook.script([{ status: 200 }]);
    const retried = await retryDelivery(db, failed?.id ?? '', now);
    expect(retried).toMatchObject({ status: 'pending', attempts: 8 });
    expect(await deliverDueWebhooks(deps, now)).toBe(1);
    expect((await deliveriesOf(db, sub.id))[0]).toMatchObject({
      status: 'delivered',
      attempts: 9,
      response_status: 200,
    });
    await expect(retryDelivery(db, failed?.id ?? '', now)).rejects.toMatchObject({
      code: 'WEBHOOK_STATE_CONFLICT',
    });
  });

  it('a redirect is not followed: the 3xx is recorded as a failed attempt and the Location is never requested', async () => {
    const { db } = getDb();
    const hook = await receiver();
    hook.script([{ status: 302, headers: { location: hook.url('/elsewhere') } }]);
    const sub = await subscribe(hook.url('/hook'), ['*']);
    const now = new Date();
    await emitEvent(db, 'ticket.created', { ticketId: 'tkt_3' }, now);
    expect(await deliverDueWebhooks(deliveryDeps(db), now)).toBe(1);
    expect(hook.received.map((r) => r.path)).toEqual(['/hook']);
    const [row] = await deliveriesOf(db, sub.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, response_status: 302 });
    expect(row?.last_error).toContain('redirect');
    expect(row?.last_error).toContain('/elsewhere');
  });

  it('the connection goes to the address the check resolved (pinned), not to a fresh DNS answer', async () => {
    const { db } = getDb();
    const hook = await receiver();
    // hooks.example.test exists only in this table; the system resolver does not know it.
    const resolve = tableResolver({ 'hooks.example.test': ['127.0.0.1'] });
    const deps = deliveryDeps(db, { resolve });
    const sub = await subscribe(`http://hooks.example.test:${hook.port}/pinned`, ['*'], deps);
    const now = new Date();
    await emitEvent(db, 'ticket.created', { ticketId: 'tkt_4' }, now);
    expect(await deliverDueWebhooks(deps, now)).toBe(1);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.headers.host).toBe(`hooks.example.test:${hook.port}`);
    expect((await deliveriesOf(db, sub.id))[0]).toMatchObject({ status: 'delivered' });
  });

  it('DNS rebinding: a host that was public at save and resolves to loopback at delivery is refused, the endpoint never contacted', async () => {
    const { db } = getDb();
    const hook = await receiver();
    const table: Record<string, string[]> = { 'hooks.example.test': ['93.184.215.14'] };
    const deps = deliveryDeps(db, { config: strictConfig, resolve: tableResolver(table) });
    const sub = await subscribe(`http://hooks.example.test:${hook.port}/hook`, ['*'], deps);
    table['hooks.example.test'] = ['127.0.0.1'];
    const now = new Date();
    await emitEvent(db, 'ticket.created', { ticketId: 'tkt_5' }, now);
    expect(await deliverDueWebhooks(deps, now)).toBe(1);
    const [row] = await deliveriesOf(db, sub.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, response_status: null });
    expect(row?.last_error).toContain('target refused');
    expect(row?.last_error).toContain('127.0.0.1 (loopback)');
    expect(hook.received).toHaveLength(0);
    // The same delivery with private targets allowed would have reached it: the refusal is what stopped it.
    await retryDelivery(db, row?.id ?? '', now);
    expect(await deliverDueWebhooks({ ...deps, config: privateTargetsConfig }, now)).toBe(1);
    expect(hook.received).toHaveLength(1);
  });

  it('a name that stops resolving is retried later (a DNS outage is not final)', async () => {
    const { db } = getDb();
    const hook = await receiver();
    const table: Record<string, string[]> = { 'hooks.example.test': ['127.0.0.1'] };
    const deps = deliveryDeps(db, { resolve: tableResolver(table) });
    const sub = await subscribe(`http://hooks.example.test:${hook.port}/hook`, ['*'], deps);
    delete table['hooks.example.test'];
    const now = new Date();
    await emitEvent(db, 'ticket.created', { ticketId: 'tkt_6' }, now);
    expect(await deliverDueWebhooks(deps, now)).toBe(1);
    expect((await deliveriesOf(db, sub.id))[0]).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await deliveriesOf(db, sub.id))[0]?.last_error).toContain('does not resolve');
  });

  it('an endpoint that does not answer in time is a failed attempt', async () => {
    const { db } = getDb();
    const hook = await receiver(['hang']);
    const sub = await subscribe(hook.url(), ['*']);
    const now = new Date();
    await emitEvent(db, 'ticket.created', { ticketId: 'tkt_7' }, now);
    expect(await deliverDueWebhooks(deliveryDeps(db, { timeoutMs: 300 }), now)).toBe(1);
    const [row] = await deliveriesOf(db, sub.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, response_status: null });
    expect(row?.last_error).toContain('no answer within 0.3 s');
  });

  it("a disabled subscription's pending deliveries are not sent; re-enabled, they are", async () => {
    const { db } = getDb();
    const hook = await receiver();
    const sub = await subscribe(hook.url(), ['*']);
    const now = new Date();
    await emitEvent(db, 'ticket.created', { ticketId: 'tkt_8' }, now);
    const deps = deliveryDeps(db);
    await updateWebhook(deps, sub.id, { disabled: true }, now);
    expect(await deliverDueWebhooks(deps, now)).toBe(0);
    expect(hook.received).toHaveLength(0);
    expect((await deliveriesOf(db, sub.id))[0]).toMatchObject({ status: 'pending', attempts: 0 });
    // Nothing new is fanned out to it while disabled.
    expect((await emitEvent(db, 'ticket.created', { ticketId: 'tkt_9' }, now)).fanned).toBe(0);
    await updateWebhook(deps, sub.id, { disabled: false }, now);
    expect(await deliverDueWebhooks(deps, now)).toBe(1);
    expect(hook.received).toHaveLength(1);
  });

  it('two workers at once send each delivery once (SKIP LOCKED lease)', async () => {
    const { db } = getDb();
    const hook = await receiver();
    const sub = await subscribe(hook.url(), ['*']);
    const now = new Date();
    for (let i = 0; i < 12; i++) await emitEvent(db, 'ticket.created', { ticketId: `tkt_${i}` }, now);
    const deps = deliveryDeps(db);
    const [a, b] = await Promise.all([deliverDueWebhooks(deps, now), deliverDueWebhooks(deps, now)]);
    expect((a ?? 0) + (b ?? 0)).toBe(12);
    expect(hook.received).toHaveLength(12);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(12);
    expect((await deliveriesOf(db, sub.id)).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('startWebhookDelivery sends what is due in the background and stops cleanly', async () => {
    const { db } = getDb();
    const hook = await receiver();
    const sub = await subscribe(hook.url(), ['*']);
    await emitEvent(db, 'ticket.created', { ticketId: 'tkt_bg' }, new Date());
    const log = { warn: () => {}, error: (o: unknown) => console.error(o) };
    const worker = startWebhookDelivery({
      db,
      config: privateTargetsConfig,
      sealingKey: testSealingKey,
      log,
      intervalMs: 20,
    });
    try {
      for (let i = 0; i < 200 && hook.received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await worker.stop();
    }
    expect(hook.received).toHaveLength(1);
    expect((await deliveriesOf(db, sub.id))[0]).toMatchObject({ status: 'delivered' });
  });
});
