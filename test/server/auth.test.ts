import { expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createAccount } from '../../src/server/auth/accounts.service.ts';
import { sha256 } from '../../src/server/auth/secrets.ts';
import { createSession } from '../../src/server/auth/sessions.service.ts';
import { loadConfig } from '../../src/server/config.ts';
import { describeDb } from '../support/db-harness.ts';
import { apiKeyWith, cookieOf, makeApp, signIn, testClock, testSealingKey } from './app-helpers.ts';

/** Low scrypt cost for test accounts only; verification reads the cost from the stored hash. */
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const HOUR = 60 * 60 * 1000;

describeDb('auth routes', (getDb) => {
  const withPassword = (email: string, role: 'admin' | 'agent' = 'agent') =>
    createAccount(
      getDb().db,
      { email, name: 'Pat', role, password: 'correct horse', passwordCost: FAST },
      new Date(),
    );

  it('POST /v1/auth/login: right password → session cookie (HttpOnly, SameSite=Lax) and CSRF token', async () => {
    await withPassword('Pat@Example.test');
    const app = await makeApp(getDb().db);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'pat@example.test', password: 'correct horse' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.account).toMatchObject({ email: 'pat@example.test', role: 'agent' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^upkeep_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Expires=/);
    expect(setCookie).not.toMatch(/Secure/);
    const me = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { cookie: cookieOf(res.headers['set-cookie']) },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ account: body.account, csrfToken: body.csrfToken });
    await app.close();
  });

  it('POST /v1/auth/login: wrong password, unknown email and password-less account → 401 INVALID_CREDENTIALS', async () => {
    await withPassword('pat@example.test');
    await createAccount(getDb().db, { email: 'nopass@example.test', name: 'No', role: 'admin' }, new Date());
    const app = await makeApp(getDb().db);
    for (const [email, password] of [
      ['pat@example.test', 'wrong'],
      ['nobody@example.test', 'correct horse'],
      ['nopass@example.test', ''],
      ['nopass@example.test', 'anything'],
    ]) {
      const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
      if (password === '') {
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
        continue;
      }
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatchObject({
        code: 'INVALID_CREDENTIALS',
        message: 'Wrong email or password.',
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    await app.close();
  });

  it('sessions store only the SHA-256 of the token; the cookie is Secure when the public URL is https', async () => {
    await withPassword('pat@example.test');
    const config = loadConfig({ LOG_LEVEL: 'silent', UPKEEP_PUBLIC_URL: 'https://upkeep.example.test' });
    const app = await buildApp({ config, db: getDb().db, sealingKey: testSealingKey });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'pat@example.test', password: 'correct horse' },
    });
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
    const token = cookieOf(res.headers['set-cookie']).split('=')[1] ?? '';
    const rows = await getDb().db.selectFrom('sessions').select('token_hash').execute();
    expect(rows).toEqual([{ token_hash: sha256(token) }]);
    await app.close();
  });

  it('POST /v1/auth/logout deletes the session row; the old cookie is then refused (401)', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'agent');
    const app = await makeApp(db);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken },
    });
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/upkeep_session=;/);
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    const me = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: who.cookie } });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('UNAUTHENTICATED');
    await app.close();
  });

  it('CSRF: a cookie-authenticated POST without or with a wrong x-csrf-token → 403 CSRF_FAILED, nothing changes', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'agent');
    const other = await signIn(db, 'agent');
    const app = await makeApp(db);
    for (const headers of [
      { cookie: who.cookie },
      { cookie: who.cookie, 'x-csrf-token': '' },
      { cookie: who.cookie, 'x-csrf-token': other.csrfToken },
      { cookie: who.cookie, 'x-csrf-token': `${who.csrfToken}x` },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/v1/auth/logout', headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('CSRF_FAILED');
    }
    expect(await db.selectFrom('sessions').selectAll().execute()).toHaveLength(2);
    await app.close();
  });

  it('GET /v1/auth/me: an expired session → 401 (and is swept at next sign-in); an API key → 403 (session-only route)', async () => {
    const { db } = getDb();
    const clock = testClock();
    const who = await signIn(db, 'admin', clock.now());
    const key = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db, clock);
    const fresh = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: who.cookie } });
    expect(fresh.statusCode).toBe(200);
    const byKey = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(byKey.statusCode).toBe(403);
    expect(byKey.json().error.code).toBe('FORBIDDEN');
    clock.advance(12 * HOUR + 1000);
    const stale = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: who.cookie } });
    expect(stale.statusCode).toBe(401);
    await createSession(db, who.accountId, clock.now());
    const left = await db.selectFrom('sessions').select('expires_at').execute();
    expect(left.map((s) => s.expires_at.getTime())).toEqual([clock.now().getTime() + 12 * HOUR]);
    await app.close();
  });
});
