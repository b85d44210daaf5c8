import { expect, it } from 'vitest';
import { createAccount } from '../../src/server/auth/accounts.service.ts';
import { ONE_TIME_PAGE_CSP } from '../../src/server/auth/one-time-page.ts';
import { sha256 } from '../../src/server/auth/secrets.ts';
import { createOneTimeToken } from '../../src/server/auth/sessions.service.ts';
import { loadConfig } from '../../src/server/config.ts';
import { describeDb } from '../support/db-harness.ts';
import { cookieOf, makeApp, testClock } from './app-helpers.ts';

const HOUR = 60 * 60 * 1000;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describeDb('one-time links (GET shows a page, POST signs in)', (getDb) => {
  async function linkFor(name = 'Root', clock = testClock()) {
    const { db } = getDb();
    const account = await createAccount(db, { email: 'root@example.test', name, role: 'admin' }, clock.now());
    return { account, token: await createOneTimeToken(db, account.id, clock.now()) };
  }

  it('GET answers an HTML page naming the account (strict CSP, no-store, no referrer) and does not use the link up', async () => {
    const { db } = getDb();
    const { token } = await linkFor();
    const stored = await db.selectFrom('one_time_tokens').select('token_hash').executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(sha256(token));
    const app = await makeApp(db);
    for (let i = 0; i < 3; i++) {
      const page = await app.inject({ method: 'GET', url: `/v1/auth/one-time/${token}` });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toBe(ONE_TIME_PAGE_CSP);
      expect(ONE_TIME_PAGE_CSP).toContain("default-src 'none'");
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.headers['set-cookie']).toBeUndefined();
      expect(page.body).toContain('root@example.test');
      expect(page.body).toContain(`<form method="post" action="/v1/auth/one-time/${token}">`);
    }
    const head = await app.inject({ method: 'HEAD', url: `/v1/auth/one-time/${token}` });
    expect(head.statusCode).toBe(404);
    const row = await db.selectFrom('one_time_tokens').select('used_at').executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    await app.close();
  });

  it('POST (the page button) signs in once: session cookie, 303 to /; reusing it → 401 TOKEN_INVALID', async () => {
    const { db } = getDb();
    const { token } = await linkFor();
    const app = await makeApp(db);
    const url = `/v1/auth/one-time/${token}`;
    const first = await app.inject({ method: 'POST', url, headers: { ...FORM, origin: 'http://localhost' } });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/');
    const me = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { cookie: cookieOf(first.headers['set-cookie']) },
    });
    expect(me.json().account.email).toBe('root@example.test');
    const again = await app.inject({ method: 'POST', url });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('TOKEN_INVALID');
    expect(again.headers['set-cookie']).toBeUndefined();
    const page = await app.inject({ method: 'GET', url, headers: { accept: 'text/html,*/*' } });
    expect(page.statusCode).toBe(401);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('already used');
    const api = await app.inject({ method: 'GET', url });
    expect(api.statusCode).toBe(401);
    expect(api.json().error.code).toBe('TOKEN_INVALID');
    await app.close();
  });

  it('an expired (after 24 h), unknown or hash-of-token link → 401 on GET (a page for browsers) and POST (TOKEN_INVALID)', async () => {
    const { db } = getDb();
    const clock = testClock();
    const { token } = await linkFor('Root', clock);
    const app = await makeApp(db, clock);
    clock.advance(24 * HOUR);
    for (const t of [token, 'not-a-token', sha256(token)]) {
      const page = await app.inject({
        method: 'GET',
        url: `/v1/auth/one-time/${t}`,
        headers: { accept: 'text/html' },
      });
      expect(page.statusCode).toBe(401);
      expect(page.body).toContain('cannot be used');
      expect(page.body).not.toContain('<form');
      const res = await app.inject({ method: 'POST', url: `/v1/auth/one-time/${t}` });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('TOKEN_INVALID');
    }
    await app.close();
  });

  it('security: a cross-site POST (login CSRF) is refused with 403 and leaves the link unused', async () => {
    const { db } = getDb();
    const { token } = await linkFor();
    const app = await makeApp(db);
    const url = `/v1/auth/one-time/${token}`;
    for (const headers of [
      { ...FORM, origin: 'https://evil.example' },
      { ...FORM, origin: 'null' },
      { ...FORM, 'sec-fetch-site': 'cross-site' },
      { ...FORM, origin: 'http://localhost', 'sec-fetch-site': 'same-site' },
    ]) {
      const res = await app.inject({ method: 'POST', url, headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const row = await db.selectFrom('one_time_tokens').select('used_at').executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
    await app.close();
    const config = loadConfig({ LOG_LEVEL: 'silent', UPKEEP_PUBLIC_URL: 'https://upkeep.example.test/' });
    const behindProxy = await makeApp(db, testClock(), { config });
    const ok = await behindProxy.inject({
      method: 'POST',
      url,
      headers: { ...FORM, origin: 'https://upkeep.example.test', 'sec-fetch-site': 'same-origin' },
    });
    expect(ok.statusCode).toBe(303);
    expect(String(ok.headers['set-cookie'])).toMatch(/; Secure/);
    await behindProxy.close();
  });

  it('security: the page escapes the account name (no markup injection)', async () => {
    const { db } = getDb();
    const { token } = await linkFor('<script>alert(1)</script> & "Co"');
    const app = await makeApp(db);
    const page = await app.inject({ method: 'GET', url: `/v1/auth/one-time/${token}` });
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    await app.close();
  });

  it('security: a disabled account cannot use its link (page 401, POST 401 TOKEN_INVALID)', async () => {
    const { db } = getDb();
    const { account, token } = await linkFor();
    await db.updateTable('accounts').set({ disabled_at: new Date() }).where('id', '=', account.id).execute();
    const app = await makeApp(db);
    const page = await app.inject({ method: 'GET', url: `/v1/auth/one-time/${token}` });
    expect(page.statusCode).toBe(401);
    const res = await app.inject({ method: 'POST', url: `/v1/auth/one-time/${token}` });
    expect(res.json().error.code).toBe('TOKEN_INVALID');
    await app.close();
  });
});
