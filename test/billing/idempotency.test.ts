import Fastify, { type FastifyInstance } from 'fastify';
import { expect, it } from 'vitest';
import { startIdempotencySweeper } from '../../src/server/billing/idempotency-sweeper.ts';
import { registerErrorHandling } from '../../src/server/http/error-handler.ts';
import {
  canonicalJson,
  deleteExpiredIdempotencyKeys,
  fingerprint,
  registerIdempotency,
} from '../../src/server/http/idempotency.ts';
import { describeDb, type TestDb } from '../support/db-harness.ts';

const NOW = new Date('2026-03-02T09:00:00Z');

/** A bare app with the idempotency plugin and routes whose handlers we control (no auth machinery). */
async function pluginApp(db: TestDb['db'], waitMs: number, clock: () => Date = () => NOW) {
  const app: FastifyInstance = Fastify({ logger: false });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    request.principal = { kind: 'api-key', apiKeyId: 'key_test', scopes: [], systemId: null };
  });
  registerErrorHandling(app);
  registerIdempotency(app, { db, clock, waitMs, pollMs: 10 });
  const calls = { slow: 0, flaky: 0, optional: 0 };
  app.post('/slow', { config: { idempotency: 'required' } }, async (_request, reply) => {
    calls.slow += 1;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return reply.code(201).send({ n: calls.slow });
  });
  app.post('/flaky', { config: { idempotency: 'required' } }, async (_request, reply) => {
    calls.flaky += 1;
    if (calls.flaky === 1) throw new Error('database hiccup');
    return reply.code(201).send({ n: calls.flaky });
  });
  app.post('/optional', { config: { idempotency: true } }, async () => {
    calls.optional += 1;
    return { n: calls.optional };
  });
  const idempotencyRedact = (body: unknown) => ({ ...(body as object), secret: null });
  app.post('/secret', { config: { idempotency: true, idempotencyRedact } }, async () => ({
    secret: 'upk_full',
    n: 1,
  }));
  await app.ready();
  return { app, calls };
}

const send = (app: FastifyInstance, url: string, key?: string, payload: object = { a: 1 }) =>
  app.inject({ method: 'POST', url, payload, headers: key ? { 'idempotency-key': key } : {} });

describeDb('Idempotency-Key plugin', (getDb) => {
  it('a duplicate that outwaits its wait is 409 IDEMPOTENCY_IN_PROGRESS; once stored, it replays', async () => {
    const { app, calls } = await pluginApp(getDb().db, 50);
    const [first, second] = await Promise.all([send(app, '/slow', 'k'), send(app, '/slow', 'k')]);
    const codes = [first.statusCode, second.statusCode].sort();
    expect(codes).toEqual([201, 409]);
    const conflict = first.statusCode === 409 ? first : second;
    expect(conflict.json().error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    const later = await send(app, '/slow', 'k');
    expect([later.statusCode, later.json(), later.headers['idempotent-replayed']]).toEqual([
      201,
      { n: 1 },
      'true',
    ]);
    expect(calls.slow).toBe(1);
  });

  it('a 5xx frees the key: the retry with the same key runs again', async () => {
    const { app, calls } = await pluginApp(getDb().db, 1000);
    expect((await send(app, '/flaky', 'f')).statusCode).toBe(500);
    const retry = await send(app, '/flaky', 'f');
    expect([retry.statusCode, retry.json(), retry.headers['idempotent-replayed']]).toEqual([
      201,
      { n: 2 },
      undefined,
    ]);
    expect(calls.flaky).toBe(2);
  });

  it('deleteExpiredIdempotencyKeys removes only keys older than 24 h', async () => {
    const { db } = getDb();
    const { app } = await pluginApp(db, 1000);
    await send(app, '/optional', 'old');
    const dayLater = new Date(NOW.getTime() + 24 * 60 * 60 * 1000);
    expect(await deleteExpiredIdempotencyKeys(db, dayLater)).toBe(0);
    expect(await deleteExpiredIdempotencyKeys(db, new Date(dayLater.getTime() + 1))).toBe(1);
    expect(await db.selectFrom('idempotency_keys').select('key').execute()).toEqual([]);
  });

  it('idempotencyRedact: the stored answer and every replay carry no secret, the first answer does', async () => {
    const { db } = getDb();
    const { app } = await pluginApp(db, 1000);
    expect((await send(app, '/secret', 's')).json()).toEqual({ secret: 'upk_full', n: 1 });
    const replay = await send(app, '/secret', 's');
    expect([replay.json(), replay.headers['idempotent-replayed']]).toEqual([{ secret: null, n: 1 }, 'true']);
    const rows = await db.selectFrom('idempotency_keys').select('response').execute();
    expect(JSON.stringify(rows)).not.toContain('upk_full');
  });

  it('an in-progress claim older than 60 s (crashed handler) is taken over by the same request', async () => {
    const { db } = getDb();
    const hash = fingerprint({ method: 'POST', url: '/optional', body: { a: 1 } });
    const row = { principal: 'api-key:key_test', request_hash: hash, status_code: null, response: null };
    await db
      .insertInto('idempotency_keys')
      .values([
        { ...row, key: 'crashed', created_at: new Date(NOW.getTime() - 61_000), completed_at: null },
        { ...row, key: 'running', created_at: new Date(NOW.getTime() - 30_000), completed_at: null },
      ])
      .execute();
    const { app, calls } = await pluginApp(db, 50);
    const retry = await send(app, '/optional', 'crashed');
    expect([retry.statusCode, retry.json(), retry.headers['idempotent-replayed']]).toEqual([
      200,
      { n: 1 },
      undefined,
    ]);
    expect((await send(app, '/optional', 'running')).json().error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect((await send(app, '/optional', 'crashed', { a: 2 })).json().error.code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(calls.optional).toBe(1);
  });

  it('the sweeper (run by serve) deletes keys older than 24 h and logs how many', async () => {
    const { db } = getDb();
    const { app } = await pluginApp(db, 1000);
    await send(app, '/optional', 'swept');
    const infos: object[] = [];
    const log = { info: (obj: object) => infos.push(obj), error: () => undefined };
    const later = new Date(NOW.getTime() + 25 * 60 * 60 * 1000);
    const sweeper = startIdempotencySweeper(db, log, { clock: () => later });
    await sweeper.tick();
    sweeper.stop();
    expect(infos).toEqual([{ deleted: 1 }]);
    expect(await db.selectFrom('idempotency_keys').select('key').execute()).toEqual([]);
  });

  it('optional routes run without a key every time; with one they replay', async () => {
    const { app, calls } = await pluginApp(getDb().db, 1000);
    await send(app, '/optional');
    await send(app, '/optional');
    expect(calls.optional).toBe(2);
    const a = await send(app, '/optional', 'o', { x: [1, { b: 2, a: 1 }] });
    const b = await send(app, '/optional', 'o', { x: [1, { a: 1, b: 2 }] });
    expect([a.body, b.body, b.headers['idempotent-replayed']]).toEqual(['{"n":3}', '{"n":3}', 'true']);
    const otherPath = await send(app, '/slow', 'o', { x: [1, { a: 1, b: 2 }] });
    expect(otherPath.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

it('canonicalJson sorts keys at every level and keeps array order', () => {
  expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x', u: undefined })).toBe(
    '{"a":"x","b":[2,{"c":null,"d":1}]}',
  );
  expect(canonicalJson(null)).toBe('null');
});
