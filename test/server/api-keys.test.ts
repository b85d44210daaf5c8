import { expect, it } from 'vitest';
import { sha256 } from '../../src/server/auth/secrets.ts';
import { describeDb } from '../support/db-harness.ts';
import { apiKeyWith, asSession, makeApp, signIn, testClock, withKey } from './app-helpers.ts';

const KEY = /^upk_([a-z0-9]{8})_[A-Za-z0-9_-]{43}$/;

describeDb('API key routes', (getDb) => {
  it('POST /v1/api-keys (admin) shows the key once; only its hash and prefix are stored; GET lists without it', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const app = await makeApp(db);
    const res = await app.inject(
      asSession(admin, {
        method: 'POST',
        url: '/v1/api-keys',
        payload: { name: ' CI ', scopes: ['plans:read'] },
      }),
    );
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.key).toMatch(KEY);
    expect(created).toMatchObject({ name: 'CI', scopes: ['plans:read'], lastUsedAt: null, revokedAt: null });
    expect(created.key.startsWith(`upk_${created.prefix}_`)).toBe(true);
    const row = await db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(sha256(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key.split('_').slice(2).join('_'));
    const list = await app.inject(asSession(admin, { method: 'GET', url: '/v1/api-keys' }));
    expect(list.statusCode).toBe(200);
    const { key: _shownOnce, ...withoutKey } = created;
    expect(list.json()).toEqual({ items: [withoutKey] });
    await app.close();
  });

  it('POST /v1/api-keys with an unknown scope or empty name → 400 VALIDATION_FAILED naming the field', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const app = await makeApp(db);
    const res = await app.inject(
      asSession(admin, {
        method: 'POST',
        url: '/v1/api-keys',
        payload: { name: '', scopes: ['plans:write'] },
      }),
    );
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.scopes.0']));
    expect(await db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
    await app.close();
  });

  it('API keys: an agent, a key and a cookie without CSRF header are refused (403); nothing is created', async () => {
    const { db } = getDb();
    const agent = await signIn(db, 'agent');
    const admin = await signIn(db, 'admin');
    const key = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db);
    const payload = { name: 'x', scopes: ['plans:read'] };
    const byAgent = await app.inject(asSession(agent, { method: 'POST', url: '/v1/api-keys', payload }));
    expect(byAgent.json().error.code).toBe('FORBIDDEN');
    const byKey = await app.inject(withKey(key, { method: 'POST', url: '/v1/api-keys', payload }));
    expect(byKey.json().error.code).toBe('FORBIDDEN');
    const noCsrf = await app.inject(
      asSession(admin, { method: 'POST', url: '/v1/api-keys', payload }, false),
    );
    expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    expect(await db.selectFrom('api_keys').selectAll().execute()).toHaveLength(1);
    await app.close();
  });

  it('a key works on its scope and records last use; once revoked (DELETE) it is refused with 401', async () => {
    const { db } = getDb();
    const clock = testClock();
    const admin = await signIn(db, 'admin', clock.now());
    const app = await makeApp(db, clock);
    const created = (
      await app.inject(
        asSession(admin, {
          method: 'POST',
          url: '/v1/api-keys',
          payload: { name: 'ci', scopes: ['plans:read'] },
        }),
      )
    ).json();
    clock.advance(60_000);
    expect((await app.inject(withKey(created.key, { method: 'GET', url: '/v1/plans' }))).statusCode).toBe(
      200,
    );
    const used = (await app.inject(asSession(admin, { method: 'GET', url: '/v1/api-keys' }))).json().items[0];
    expect(used.lastUsedAt).toBe(clock.now().toISOString());
    const revoke = await app.inject(
      asSession(admin, { method: 'DELETE', url: `/v1/api-keys/${created.id}` }),
    );
    expect(revoke.statusCode).toBe(204);
    const refused = await app.inject(withKey(created.key, { method: 'GET', url: '/v1/plans' }));
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('UNAUTHENTICATED');
    const listed = (await app.inject(asSession(admin, { method: 'GET', url: '/v1/api-keys' }))).json()
      .items[0];
    expect(listed.revokedAt).toBe(clock.now().toISOString());
    await app.close();
  });

  it('DELETE /v1/api-keys/:id of an unknown key → 404; a forged secret with a real prefix → 401', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const key = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db);
    const missing = await app.inject(asSession(admin, { method: 'DELETE', url: '/v1/api-keys/key_nope' }));
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    const forged = `${key.slice(0, 13)}${'A'.repeat(43)}`;
    for (const bad of [forged, 'upk_short_x', 'Basic abc']) {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/plans',
        headers: { authorization: `Bearer ${bad}` },
      });
      expect(res.statusCode).toBe(401);
    }
    await app.close();
  });
});
