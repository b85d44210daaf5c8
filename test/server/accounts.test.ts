import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { updateAccount } from '../../src/server/auth/account-admin.service.ts';
import { createAccount } from '../../src/server/auth/accounts.service.ts';
import { describeDb } from '../support/db-harness.ts';
import {
  apiKeyWith,
  asSession,
  cookieOf,
  FAST_SCRYPT,
  makeApp,
  type SignedIn,
  signIn,
  withKey,
} from './app-helpers.ts';

/** Follows a login link the way its page does: POST to its path; returns the session cookie. */
async function useLink(app: FastifyInstance, url: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: new URL(url).pathname });
  expect(res.statusCode).toBe(303);
  return cookieOf(res.headers['set-cookie']);
}

describeDb('accounts (admin)', (getDb) => {
  const as = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    asSession(who, payload === undefined ? { method, url } : { method, url, payload });

  it('POST /v1/accounts creates an agent without a password and returns a one-time link that signs it in', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const app = await makeApp(db);
    const res = await app.inject(
      as(admin, 'POST', '/v1/accounts', { email: 'New.Agent@Example.test', name: ' Nia ', role: 'agent' }),
    );
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.account).toMatchObject({
      email: 'new.agent@example.test',
      name: 'Nia',
      role: 'agent',
      disabled: false,
      hasPassword: false,
    });
    expect(body.loginLink.url).toMatch(/^http:\/\/localhost(:80)?\/v1\/auth\/one-time\/[A-Za-z0-9_-]{43}$/);
    expect(body.loginLink.expiresAt).toBe('2026-03-03T09:00:00.000Z');
    const cookie = await useLink(app, body.loginLink.url);
    const me = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie } });
    expect(me.json().account).toEqual({
      id: body.account.id,
      email: 'new.agent@example.test',
      name: 'Nia',
      role: 'agent',
      organisationId: null,
    });
    await app.close();
  });

  it('POST /v1/accounts: when the login link cannot be stored, no account is left behind and a retry succeeds', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const app = await makeApp(db);
    await sql`create function refuse_token() returns trigger language plpgsql as $$
      begin raise exception 'token store down'; end $$`.execute(db);
    await sql`create trigger refuse_token before insert on one_time_tokens
      for each row execute function refuse_token()`.execute(db);
    const payload = { email: 'half@example.test', name: 'Half', role: 'agent' };
    const failed = await app.inject(as(admin, 'POST', '/v1/accounts', payload));
    expect(failed.statusCode).toBe(500);
    const left = await db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', 'half@example.test')
      .execute();
    expect(left).toEqual([]);
    await sql`drop trigger refuse_token on one_time_tokens`.execute(db);
    const retry = await app.inject(as(admin, 'POST', '/v1/accounts', payload));
    expect(retry.statusCode).toBe(201);
    await app.close();
  });

  it('POST /v1/accounts: a taken email (any case) → 409 EMAIL_TAKEN; a bad role or email → 400 naming the field', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    await createAccount(db, { email: 'taken@example.test', name: 'T', role: 'agent' }, new Date());
    const app = await makeApp(db);
    const taken = await app.inject(
      as(admin, 'POST', '/v1/accounts', { email: 'TAKEN@example.test', name: 'T2', role: 'admin' }),
    );
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('EMAIL_TAKEN');
    const bad = await app.inject(
      as(admin, 'POST', '/v1/accounts', { email: 'nope', name: '', role: 'owner' }),
    );
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['body.email', 'body.name', 'body.role']);
    expect(await db.selectFrom('accounts').selectAll().execute()).toHaveLength(2);
    await app.close();
  });

  it('security: an agent → 403, an API key → 403, no CSRF header → 403 CSRF_FAILED; no account is created', async () => {
    const { db } = getDb();
    const agent = await signIn(db, 'agent');
    const admin = await signIn(db, 'admin');
    const key = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db);
    const payload = { email: 'sneaky@example.test', name: 'S', role: 'admin' };
    const byAgent = await app.inject(as(agent, 'POST', '/v1/accounts', payload));
    expect(byAgent.json().error.code).toBe('FORBIDDEN');
    const byKey = await app.inject(withKey(key, { method: 'POST', url: '/v1/accounts', payload }));
    expect(byKey.statusCode).toBe(403);
    const noCsrf = await app.inject(
      asSession(admin, { method: 'POST', url: '/v1/accounts', payload }, false),
    );
    expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    for (const method of ['GET', 'PATCH'] as const) {
      const res = await app.inject(
        as(
          agent,
          method,
          method === 'GET' ? '/v1/accounts' : `/v1/accounts/${admin.accountId}`,
          method === 'GET' ? undefined : { role: 'agent' },
        ),
      );
      expect(res.statusCode).toBe(403);
    }
    expect(
      await db.selectFrom('accounts').where('email', '=', 'sneaky@example.test').selectAll().execute(),
    ).toEqual([]);
    await app.close();
  });

  it('GET /v1/accounts pages through every account once with nextCursor; a bad limit → 400', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    for (const n of [1, 2, 3, 4]) {
      await createAccount(db, { email: `a${n}@example.test`, name: `A${n}`, role: 'agent' }, new Date());
    }
    const app = await makeApp(db);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const url: string = `/v1/accounts?limit=2${cursor ? `&after=${cursor}` : ''}`;
      const page = (await app.inject(as(admin, 'GET', url))).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a: { email: string }) => a.email));
      cursor = page.nextCursor;
    }
    // Every account exactly once (ids sort by creation time to the millisecond; these share one).
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(
      new Set([...[1, 2, 3, 4].map((n) => `a${n}@example.test`), seen.find((e) => e.startsWith('admin-'))]),
    );
    const bad = await app.inject(as(admin, 'GET', '/v1/accounts?limit=0'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('querystring.limit');
    await app.close();
  });

  it('PATCH /v1/accounts/:id renames and promotes; an unknown id → 404; an empty body → 400', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const agent = await signIn(db, 'agent');
    const app = await makeApp(db);
    const res = await app.inject(
      as(admin, 'PATCH', `/v1/accounts/${agent.accountId}`, { name: 'Ada', role: 'admin' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: agent.accountId, name: 'Ada', role: 'admin', disabled: false });
    const me = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: agent.cookie } });
    expect(me.json().account.role).toBe('admin');
    const missing = await app.inject(as(admin, 'PATCH', '/v1/accounts/acc_nope', { name: 'X' }));
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    const empty = await app.inject(as(admin, 'PATCH', `/v1/accounts/${agent.accountId}`, {}));
    expect(empty.statusCode).toBe(400);
    await app.close();
  });

  it('the last active admin cannot be disabled or demoted (409 LAST_ADMIN); with a second admin it can', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const app = await makeApp(db);
    for (const change of [{ disabled: true }, { role: 'agent' }]) {
      const res = await app.inject(as(admin, 'PATCH', `/v1/accounts/${admin.accountId}`, change));
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('LAST_ADMIN');
    }
    const other = await signIn(db, 'admin');
    await app.inject(as(admin, 'PATCH', `/v1/accounts/${other.accountId}`, { disabled: true }));
    const stillLast = await app.inject(
      as(admin, 'PATCH', `/v1/accounts/${admin.accountId}`, { role: 'agent' }),
    );
    expect(stillLast.json().error.code).toBe('LAST_ADMIN');
    await app.inject(as(admin, 'PATCH', `/v1/accounts/${other.accountId}`, { disabled: false }));
    const demoted = await app.inject(
      as(admin, 'PATCH', `/v1/accounts/${admin.accountId}`, { role: 'agent' }),
    );
    expect(demoted.statusCode).toBe(200);
    await app.close();
  });

  it('security: disabling ends sessions at once, refuses password login, links and the API keys the account created; enabling restores keys', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const target = await createAccount(
      db,
      {
        email: 'leaver@example.test',
        name: 'L',
        role: 'admin',
        password: 'leaver-long-phrase',
        passwordCost: FAST_SCRYPT,
      },
      new Date(),
    );
    const app = await makeApp(db);
    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'leaver@example.test', password: 'leaver-long-phrase' },
    });
    const cookie = cookieOf(login.headers['set-cookie']);
    const csrfToken = login.json().csrfToken;
    const leaver = { cookie, csrfToken, accountId: target.id };
    const keyRes = await app.inject(
      as(leaver, 'POST', '/v1/api-keys', { name: 'ci', scopes: ['plans:read'] }),
    );
    const key = keyRes.json().key as string;
    const link = (await app.inject(as(admin, 'POST', `/v1/accounts/${target.id}/login-link`))).json();
    expect((await app.inject(withKey(key, { method: 'GET', url: '/v1/plans' }))).statusCode).toBe(200);

    const off = await app.inject(as(admin, 'PATCH', `/v1/accounts/${target.id}`, { disabled: true }));
    expect(off.json()).toMatchObject({ disabled: true, hasPassword: true });
    expect((await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
    expect(await db.selectFrom('sessions').where('account_id', '=', target.id).selectAll().execute()).toEqual(
      [],
    );
    const again = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'leaver@example.test', password: 'leaver-long-phrase' },
    });
    expect(again.json().error.code).toBe('INVALID_CREDENTIALS');
    expect((await app.inject({ method: 'POST', url: new URL(link.url).pathname })).json().error.code).toBe(
      'TOKEN_INVALID',
    );
    const byKey = await app.inject(withKey(key, { method: 'GET', url: '/v1/plans' }));
    expect(byKey.statusCode).toBe(401);
    const newLink = await app.inject(as(admin, 'POST', `/v1/accounts/${target.id}/login-link`));
    expect(newLink.statusCode).toBe(409);
    expect(newLink.json().error.code).toBe('ACCOUNT_DISABLED');

    await app.inject(as(admin, 'PATCH', `/v1/accounts/${target.id}`, { disabled: false }));
    expect((await app.inject(withKey(key, { method: 'GET', url: '/v1/plans' }))).statusCode).toBe(200);
    await app.close();
  });

  it('POST /v1/accounts/:id/login-link gives a fresh working link (UPKEEP_PUBLIC_URL as base); unknown id → 404', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const agent = await createAccount(
      db,
      { email: 'ag@example.test', name: 'Ag', role: 'agent' },
      new Date(),
    );
    const { loadConfig } = await import('../../src/server/config.ts');
    const config = loadConfig({ LOG_LEVEL: 'silent', UPKEEP_PUBLIC_URL: 'https://desk.example.test/' });
    const app = await makeApp(db, undefined, { config });
    const res = await app.inject(as(admin, 'POST', `/v1/accounts/${agent.id}/login-link`));
    expect(res.statusCode).toBe(201);
    expect(res.json().url).toMatch(/^https:\/\/desk\.example\.test\/v1\/auth\/one-time\/[A-Za-z0-9_-]{43}$/);
    const cookie = await useLink(app, res.json().url);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie } })).json().account.id,
    ).toBe(agent.id);
    const missing = await app.inject(as(admin, 'POST', '/v1/accounts/acc_missing/login-link'));
    expect(missing.statusCode).toBe(404);
    await app.close();
  });
});

describeDb('accounts (admin): concurrency', (getDb) => {
  it('two admins demoting each other at once: exactly one change succeeds, one active admin is left', async () => {
    const { db } = getDb();
    const a = await signIn(db, 'admin');
    const b = await signIn(db, 'admin');
    const now = new Date();
    const outcomes = await Promise.all([
      updateAccount(db, b.accountId, { role: 'agent' }, now),
      updateAccount(db, a.accountId, { disabled: true }, now),
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code)).sort()).toEqual(['LAST_ADMIN', 'ok']);
    const active = await db
      .selectFrom('accounts')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .execute();
    expect(active).toHaveLength(1);
  });
});
