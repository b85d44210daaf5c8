import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { consumeOneTimeToken } from '../../src/server/auth/sessions.service.ts';
import { seedDemo } from '../../src/server/demo/demo.seed.ts';
import { ensureFirstAdmin, FIRST_ADMIN_EMAIL } from '../../src/server/demo/first-admin.ts';
import { describeDb } from '../support/db-harness.ts';
import { apiKeyWith, asSession, makeApp, signIn, withKey } from './app-helpers.ts';

const PRESETS = [
  'addon-support',
  'annual-maintenance',
  'business-sla',
  'per-user-subscription',
  'ticket-desk',
];

describeDb('plan routes', (getDb) => {
  it('GET /v1/plans lists the latest version of each preset; GET /v1/plans/:key explains one', async () => {
    const { db } = getDb();
    await seedDemo(db, new Date());
    const key = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db);
    const list = await app.inject(withKey(key, { method: 'GET', url: '/v1/plans' }));
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((p: { key: string }) => p.key)).toEqual(PRESETS);
    expect(list.json().items.every((p: { version: number }) => p.version === 1)).toBe(true);
    const one = await app.inject(withKey(key, { method: 'GET', url: '/v1/plans/business-sla' }));
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ key: 'business-sla', version: 1, document: { key: 'business-sla' } });
    expect(one.json().explain).toMatch(/^Business SLA|business-sla/);
    expect(one.json().explain).toContain('(R2.4)');
    await app.close();
  });

  it('GET /v1/plans/:key of an unknown plan → 404 NOT_FOUND', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'agent');
    const app = await makeApp(db);
    const res = await app.inject(asSession(who, { method: 'GET', url: '/v1/plans/no-such-plan' }));
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    await app.close();
  });

  it('POST /v1/plans/validate accepts a preset as YAML and answers its key and content hash', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'agent');
    const yaml = await readFile(new URL('../../plans/ticket-desk.yaml', import.meta.url), 'utf8');
    const app = await makeApp(db);
    const res = await app.inject(
      asSession(who, {
        method: 'POST',
        url: '/v1/plans/validate',
        headers: { 'content-type': 'application/yaml' },
        payload: yaml,
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      valid: true,
      key: 'ticket-desk',
      contentHash: expect.stringMatching(/^sha256:/),
    });
    await app.close();
  });

  it('POST /v1/plans/validate with a bad plan → 422 PLAN_INVALID listing every error with its path', async () => {
    const { db } = getDb();
    const key = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db);
    const res = await app.inject(
      withKey(key, {
        method: 'POST',
        url: '/v1/plans/validate',
        payload: { schemaVersion: 1, key: 'Bad Key!' },
      }),
    );
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('PLAN_INVALID');
    const paths = error.details.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['key', 'name', 'categories']));
    expect(error.details.errors.length).toBeGreaterThan(3);
    await app.close();
  });

  it('plan routes: anonymous → 401, a key without plans:read → 403, a session POST without CSRF → 403', async () => {
    const { db } = getDb();
    const noScope = await apiKeyWith(db, []);
    const who = await signIn(db, 'agent');
    const app = await makeApp(db);
    expect((await app.inject({ method: 'GET', url: '/v1/plans' })).statusCode).toBe(401);
    const wrongScope = await app.inject(withKey(noScope, { method: 'GET', url: '/v1/plans' }));
    expect(wrongScope.statusCode).toBe(403);
    const noCsrf = await app.inject(
      asSession(who, { method: 'POST', url: '/v1/plans/validate', payload: {} }, false),
    );
    expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    await app.close();
  });
});

describeDb('demo seed and first admin', (getDb) => {
  it('seeds the five presets as plan versions and a demo agent; a second run writes nothing', async () => {
    const { db } = getDb();
    const first = await seedDemo(db, new Date());
    expect(first).toEqual({
      plansCreated: [
        'addon-support',
        'annual-maintenance',
        'business-sla',
        'per-user-subscription',
        'ticket-desk',
      ],
      agentCreated: true,
    });
    const second = await seedDemo(db, new Date());
    expect(second).toEqual({ plansCreated: [], agentCreated: false });
    expect(await db.selectFrom('plan_versions').select('plan_key').execute()).toHaveLength(5);
    const accounts = await db.selectFrom('accounts').select(['role', 'password_hash']).execute();
    expect(accounts).toEqual([{ role: 'agent', password_hash: null }]);
  });

  it('a fresh database gets one admin without a password and a working one-time link', async () => {
    const { db } = getDb();
    const now = new Date('2026-03-02T09:00:00Z');
    const link = await ensureFirstAdmin(db, now);
    expect(link).toMatchObject({ email: FIRST_ADMIN_EMAIL, created: true });
    const admin = await db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    expect(admin).toMatchObject({ role: 'admin', password_hash: null });
    expect(await consumeOneTimeToken(db, link?.token ?? '', now)).toBe(admin.id);
  });

  it('while the first admin has no password each start issues a new link; once it has one, none', async () => {
    const { db } = getDb();
    const now = new Date('2026-03-02T09:00:00Z');
    const first = await ensureFirstAdmin(db, now);
    const again = await ensureFirstAdmin(db, now);
    expect(again).toMatchObject({ created: false });
    expect(again?.token).not.toBe(first?.token);
    expect(await db.selectFrom('accounts').selectAll().execute()).toHaveLength(1);
    await db.updateTable('accounts').set({ password_hash: 'scrypt$set' }).execute();
    expect(await ensureFirstAdmin(db, now)).toBeUndefined();
  });
});
