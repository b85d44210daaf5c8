import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { deliverDueWebhooks } from '../../src/server/webhooks/webhook-delivery.ts';
import {
  apiKeyWith,
  asSession,
  makeApp,
  type SignedIn,
  signIn,
  testClock,
  withKey,
} from '../server/app-helpers.ts';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import {
  deliveryDeps,
  emitEvent,
  privateTargetsConfig,
  type Receiver,
  startReceiver,
} from './webhook-helpers.ts';

let receivers: Receiver[] = [];
let apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all([...receivers.map((r) => r.close()), ...apps.map((a) => a.close())]);
  receivers = [];
  apps = [];
});

describeDb('webhook routes', (getDb) => {
  /** An app on a real clock (signatures carry real timestamps), private targets allowed unless strict. */
  async function setup(db: Kysely<Database>, strict = false) {
    const app = await makeApp(db, testClock(new Date()), strict ? {} : { config: privateTargetsConfig });
    apps.push(app);
    const hook = await startReceiver();
    receivers.push(hook);
    const admin = await signIn(db, 'admin');
    const call = (options: InjectOptions, who: SignedIn = admin) => app.inject(asSession(who, options));
    return { app, hook, admin, call };
  }

  it('create answers 201 with the secret once; list and show never carry it; rotate gives a new one that signs from then on', async () => {
    const { db } = getDb();
    const { hook, call } = await setup(db);
    const created = await call({
      method: 'POST',
      url: '/v1/webhooks',
      payload: {
        url: hook.url(),
        description: 'CRM sync',
        eventTypes: ['ticket.created', 'ticket.created', 'sla.breached'],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const webhook = created.json();
    expect(webhook).toMatchObject({
      id: expect.stringMatching(/^whk_/),
      url: hook.url(),
      description: 'CRM sync',
      eventTypes: ['ticket.created', 'sla.breached'],
      disabledAt: null,
      secret: expect.stringMatching(/^whsec_/),
    });
    const secret: string = webhook.secret;
    const secretBody = secret.slice('whsec_'.length);

    const list = await call({ method: 'GET', url: '/v1/webhooks' });
    const show = await call({ method: 'GET', url: `/v1/webhooks/${webhook.id}` });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ items: [{ id: webhook.id }], nextCursor: null });
    expect(show.statusCode).toBe(200);
    for (const res of [list, show]) {
      expect(res.body).not.toContain(secretBody);
      expect(res.body).not.toContain('secret');
    }

    const rotated = await call({ method: 'POST', url: `/v1/webhooks/${webhook.id}/secret` });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newSecret: string = rotated.json().secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    const test = await call({ method: 'POST', url: `/v1/webhooks/${webhook.id}/test` });
    expect(test.statusCode, test.body).toBe(200);
    const req = hook.received[0];
    if (!req) throw new Error('the test-send did not arrive');
    const headers = req.headers as Record<string, string>;
    expect(new Webhook(newSecret).verify(req.body, headers)).toMatchObject({ type: 'webhook.test' });
    expect(() => new Webhook(secret).verify(req.body, headers)).toThrow();
  });

  it('test-send signs and sends a webhook.test event at once and answers the outcome; a failing endpoint answers failed', async () => {
    const { db } = getDb();
    const { hook, call } = await setup(db);
    const created = (
      await call({ method: 'POST', url: '/v1/webhooks', payload: { url: hook.url('/t'), eventTypes: ['*'] } })
    ).json();
    const ok = await call({ method: 'POST', url: `/v1/webhooks/${created.id}/test` });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      webhookId: created.id,
      outboxId: null,
      eventType: 'webhook.test',
      status: 'delivered',
      attempts: 1,
      responseStatus: 204,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: expect.any(String),
    });
    const req = hook.received[0];
    expect(req?.headers['webhook-id']).toBe(ok.json().id);
    const event = new Webhook(created.secret).verify(req?.body ?? '', req?.headers as Record<string, string>);
    expect(event).toMatchObject({ type: 'webhook.test', data: { webhookId: created.id } });

    hook.script([{ status: 500, body: 'nope' }]);
    const bad = await call({ method: 'POST', url: `/v1/webhooks/${created.id}/test` });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({
      status: 'failed',
      attempts: 1,
      responseStatus: 500,
      lastError: 'HTTP 500: nope',
    });

    // Retry puts it back to pending; the worker sends it.
    hook.script([{ status: 200 }]);
    const retry = await call({ method: 'POST', url: `/v1/webhooks/deliveries/${bad.json().id}/retry` });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({
      id: bad.json().id,
      status: 'pending',
      nextAttemptAt: expect.any(String),
    });
    expect(await deliverDueWebhooks(deliveryDeps(db), new Date())).toBe(1);
    const again = await call({ method: 'POST', url: `/v1/webhooks/deliveries/${bad.json().id}/retry` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('WEBHOOK_STATE_CONFLICT');
    const missing = await call({
      method: 'POST',
      url: '/v1/webhooks/deliveries/whd_00000000000000000000000000/retry',
    });
    expect(missing.statusCode).toBe(404);
    expect(hook.received).toHaveLength(3);
  });

  it("the delivery log lists a subscription's deliveries newest first, paginated, with status, attempts and errors", async () => {
    const { db } = getDb();
    const { hook, call } = await setup(db);
    const created = (
      await call({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { url: hook.url(), eventTypes: ['ticket.created'] },
      })
    ).json();
    const now = new Date();
    for (const ticketId of ['tkt_a', 'tkt_b', 'tkt_c']) {
      await emitEvent(db, 'ticket.created', { ticketId }, now);
      await new Promise((r) => setTimeout(r, 2)); // distinct id milliseconds
    }
    hook.script([{ status: 200 }, { status: 410, body: 'gone' }, { status: 200 }]);
    expect(await deliverDueWebhooks(deliveryDeps(db), now)).toBe(3);

    const page1 = await call({ method: 'GET', url: `/v1/webhooks/${created.id}/deliveries?limit=2` });
    expect(page1.statusCode, page1.body).toBe(200);
    const first = page1.json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1].id);
    const page2 = (
      await call({
        method: 'GET',
        url: `/v1/webhooks/${created.id}/deliveries?limit=2&cursor=${first.nextCursor}`,
      })
    ).json();
    expect(page2).toMatchObject({ items: [{ eventType: 'ticket.created' }], nextCursor: null });
    const ids = [...first.items, ...page2.items].map((d: { id: string }) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const failed = (
      await call({ method: 'GET', url: `/v1/webhooks/${created.id}/deliveries?status=pending` })
    ).json();
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]).toMatchObject({ attempts: 1, responseStatus: 410, lastError: 'HTTP 410: gone' });

    // DELETE stops the subscription; it and its log stay readable.
    const del = await call({ method: 'DELETE', url: `/v1/webhooks/${created.id}` });
    expect(del.statusCode).toBe(204);
    const shown = (await call({ method: 'GET', url: `/v1/webhooks/${created.id}` })).json();
    expect(shown.disabledAt).toEqual(expect.any(String));
    const log = (await call({ method: 'GET', url: `/v1/webhooks/${created.id}/deliveries` })).json();
    expect(log.items).toHaveLength(3);
    const test = await call({ method: 'POST', url: `/v1/webhooks/${created.id}/test` });
    expect(test.statusCode).toBe(409);
    expect(test.json().error.code).toBe('WEBHOOK_STATE_CONFLICT');
    const retry = await call({ method: 'POST', url: `/v1/webhooks/deliveries/${failed.items[0].id}/retry` });
    expect(retry.statusCode).toBe(409);
  });

  it('save refuses loopback, private, link-local and IPv6 loopback targets, and names that resolve to them (422 WEBHOOK_TARGET_REFUSED)', async () => {
    const { db } = getDb();
    const { call } = await setup(db, true);
    for (const url of [
      'http://127.0.0.1/hook',
      'http://10.0.0.1/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:192.168.0.1]/hook',
      'https://localhost:8443/hook',
    ]) {
      const res = await call({ method: 'POST', url: '/v1/webhooks', payload: { url, eventTypes: ['*'] } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(422);
      expect(res.json().error).toMatchObject({
        code: 'WEBHOOK_TARGET_REFUSED',
        details: { field: 'body.url', reason: 'REFUSED_ADDRESS' },
      });
    }
    expect(await db.selectFrom('webhook_subscriptions').select('id').execute()).toEqual([]);
  });

  it('PATCH checks a new URL too, changes events and description, disables and re-enables', async () => {
    const { db } = getDb();
    const { hook, call } = await setup(db);
    const created = (
      await call({ method: 'POST', url: '/v1/webhooks', payload: { url: hook.url(), eventTypes: ['*'] } })
    ).json();
    const patched = await call({
      method: 'PATCH',
      url: `/v1/webhooks/${created.id}`,
      payload: { description: 'Billing', eventTypes: ['invoice.credited'], disabled: true },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      description: 'Billing',
      eventTypes: ['invoice.credited'],
      disabledAt: expect.any(String),
    });
    expect(patched.body).not.toContain('whsec_');
    const enabled = await call({
      method: 'PATCH',
      url: `/v1/webhooks/${created.id}`,
      payload: { disabled: false },
    });
    expect(enabled.json().disabledAt).toBeNull();
    const missing = await call({
      method: 'PATCH',
      url: '/v1/webhooks/whk_00000000000000000000000000',
      payload: {},
    });
    expect(missing.statusCode).toBe(404);
  });

  it('a PATCH to a private URL is refused when private targets are not allowed', async () => {
    const { db } = getDb();
    const { call } = await setup(db, true);
    // Saved while public (a literal public address; nothing is sent to it here).
    const created = await call({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: 'https://93.184.215.14/hook', eventTypes: ['*'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const res = await call({
      method: 'PATCH',
      url: `/v1/webhooks/${created.json().id}`,
      payload: { url: 'http://192.168.1.10/' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('WEBHOOK_TARGET_REFUSED');
    expect((await call({ method: 'GET', url: `/v1/webhooks/${created.json().id}` })).json().url).toBe(
      'https://93.184.215.14/hook',
    );
  });

  it('bad input answers 400 VALIDATION_FAILED naming the field', async () => {
    const { db } = getDb();
    const { call } = await setup(db);
    const cases: [object, string][] = [
      [{ url: 'ftp://example.com/x', eventTypes: ['*'] }, 'body.url'],
      [{ url: 'https://user:pw@example.com/x', eventTypes: ['*'] }, 'body.url'],
      [{ url: 'not a url', eventTypes: ['*'] }, 'body.url'],
      [{ eventTypes: ['*'] }, 'body.url'],
      [{ url: 'https://example.com/x', eventTypes: [] }, 'body.eventTypes'],
      [{ url: 'https://example.com/x', eventTypes: ['ticket.exploded'] }, 'body.eventTypes.0'],
      [{ url: 'https://example.com/x' }, 'body.eventTypes'],
      [{ url: 'https://example.com/x', eventTypes: ['*'], description: 'x'.repeat(501) }, 'body.description'],
    ];
    for (const [payload, path] of cases) {
      const res = await call({ method: 'POST', url: '/v1/webhooks', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(
        res.json().error.details.map((d: { path: string }) => d.path),
        JSON.stringify(payload),
      ).toContain(path);
    }
    const list = await call({ method: 'GET', url: '/v1/webhooks/whk_x/deliveries?status=lost' });
    expect(list.statusCode).toBe(400);
    expect(list.json().error.details[0].path).toBe('querystring.status');
  });

  it('only admins: agents and customers get 403, an API key 403, no credentials 401', async () => {
    const { db } = getDb();
    const { app, hook, call } = await setup(db);
    const created = (
      await call({ method: 'POST', url: '/v1/webhooks', payload: { url: hook.url(), eventTypes: ['*'] } })
    ).json();
    const agent = await signIn(db, 'agent');
    const org = await createOrganisation(db, 'Acme');
    const customer = await signInCustomer(db, org, 'customer-admin');
    const key = await apiKeyWith(db, ['tickets:write', 'customers:write']);
    const requests: InjectOptions[] = [
      { method: 'GET', url: '/v1/webhooks' },
      { method: 'GET', url: `/v1/webhooks/${created.id}` },
      { method: 'POST', url: '/v1/webhooks', payload: { url: hook.url(), eventTypes: ['*'] } },
      { method: 'POST', url: `/v1/webhooks/${created.id}/secret` },
      { method: 'POST', url: `/v1/webhooks/${created.id}/test` },
      { method: 'GET', url: `/v1/webhooks/${created.id}/deliveries` },
      { method: 'DELETE', url: `/v1/webhooks/${created.id}` },
    ];
    for (const options of requests) {
      for (const who of [agent, customer]) {
        const res = await call(options, who);
        expect(res.statusCode, `${options.method} ${options.url}`).toBe(403);
        expect(res.body).not.toContain('whsec_');
      }
      expect((await app.inject(withKey(key, options))).statusCode).toBe(403);
      expect((await app.inject(options)).statusCode).toBe(401);
    }
    expect(hook.received).toHaveLength(0);
    expect((await call({ method: 'GET', url: `/v1/webhooks/${created.id}` })).json().disabledAt).toBeNull();
  });
});
