import { expect, it } from 'vitest';
import { createAccount } from '../../src/server/auth/accounts.service.ts';
import { createOneTimeToken } from '../../src/server/auth/sessions.service.ts';
import { describeDb } from '../support/db-harness.ts';
import {
  apiKeyWith,
  asSession,
  cookieOf,
  FAST_SCRYPT,
  makeApp,
  type SignedIn,
  signIn,
} from './app-helpers.ts';

const NEW = 'vending-otter-cactus-91';

describeDb('POST /v1/auth/password', (getDb) => {
  const setPassword = (who: SignedIn, payload: object, withCsrf = true) =>
    asSession(who, { method: 'POST', url: '/v1/auth/password', payload }, withCsrf);

  it('sets a first password (none asked), ends the other sessions and unused links, keeps this one; login works with it', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'agent');
    // Another account's session is not touched.
    const { cookie: otherSession } = await signIn(db, 'agent');
    const app = await makeApp(db);
    const account = await db
      .selectFrom('accounts')
      .select('email')
      .where('id', '=', who.accountId)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('sessions')
      .values({
        id: 'ses_second',
        account_id: who.accountId,
        token_hash: 'h2',
        created_at: new Date(),
        expires_at: new Date(Date.now() + 3_600_000),
      })
      .execute();
    await createOneTimeToken(db, who.accountId, new Date());
    const res = await app.inject(setPassword(who, { newPassword: NEW }));
    expect(res.statusCode).toBe(204);
    const sessions = await db
      .selectFrom('sessions')
      .select(['id', 'account_id'])
      .where('account_id', '=', who.accountId)
      .execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.id).not.toBe('ses_second');
    const links = await db
      .selectFrom('one_time_tokens')
      .select('used_at')
      .where('account_id', '=', who.accountId)
      .execute();
    expect(links.every((l) => l.used_at !== null)).toBe(true);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: who.cookie } })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: otherSession } })).statusCode,
    ).toBe(200);
    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: account.email, password: NEW },
    });
    expect(login.statusCode).toBe(200);
    await app.close();
  });

  it('changing a password needs the current one: missing or wrong → 403 CURRENT_PASSWORD_WRONG; right → 204', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'agent');
    const app = await makeApp(db);
    expect((await app.inject(setPassword(who, { newPassword: NEW }))).statusCode).toBe(204);
    for (const body of [
      { newPassword: 'another-fine-phrase-7' },
      { currentPassword: 'wrong', newPassword: 'another-fine-phrase-7' },
    ]) {
      const res = await app.inject(setPassword(who, body));
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'CURRENT_PASSWORD_WRONG' });
      expect(res.json().error.message).toContain('body.currentPassword');
    }
    const ok = await app.inject(
      setPassword(who, { currentPassword: NEW, newPassword: 'another-fine-phrase-7' }),
    );
    expect(ok.statusCode).toBe(204);
    await app.close();
  });

  it('too short or too long → 400 VALIDATION_FAILED on body.newPassword; common or predictable → 422 PASSWORD_TOO_WEAK', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'agent');
    const app = await makeApp(db);
    for (const [password, rule] of [
      ['short-11chr', 'too_small'],
      ['x'.repeat(257), 'too_big'],
    ] as const) {
      const res = await app.inject(setPassword(who, { newPassword: password }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details).toEqual([expect.objectContaining({ path: 'body.newPassword', rule })]);
    }
    for (const [password, rule] of [
      ['Password2024!', 'COMMON'],
      ['123456789012', 'PREDICTABLE'],
    ]) {
      const res = await app.inject(setPassword(who, { newPassword: password }));
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({
        code: 'PASSWORD_TOO_WEAK',
        details: { path: 'body.newPassword', rule },
      });
    }
    const row = await db
      .selectFrom('accounts')
      .select('password_hash')
      .where('id', '=', who.accountId)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    await app.close();
  });

  it('security: without the CSRF header → 403 CSRF_FAILED; with an API key → 403; anonymous → 401; nothing changes', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'admin');
    const key = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db);
    const noCsrf = await app.inject(setPassword(who, { newPassword: NEW }, false));
    expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    const byKey = await app.inject({
      method: 'POST',
      url: '/v1/auth/password',
      headers: { authorization: `Bearer ${key}` },
      payload: { newPassword: NEW },
    });
    expect(byKey.statusCode).toBe(403);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/auth/password',
      payload: { newPassword: NEW },
    });
    expect(anonymous.statusCode).toBe(401);
    const row = await db
      .selectFrom('accounts')
      .select('password_hash')
      .where('id', '=', who.accountId)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    await app.close();
  });

  it('recovery: a session opened with a one-time link may reset a forgotten password without the current one, once', async () => {
    const { db } = getDb();
    const account = await createAccount(
      db,
      {
        email: 'forgetful@example.test',
        name: 'F',
        role: 'admin',
        password: 'forgotten-long-phrase',
        passwordCost: FAST_SCRYPT,
      },
      new Date(),
    );
    const token = await createOneTimeToken(db, account.id, new Date());
    const app = await makeApp(db);
    const signedIn = await app.inject({ method: 'POST', url: `/v1/auth/one-time/${token}` });
    const cookie = cookieOf(signedIn.headers['set-cookie']);
    const { csrfToken } = (
      await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie } })
    ).json();
    const who = { cookie, csrfToken, accountId: account.id };
    expect((await app.inject(setPassword(who, { newPassword: NEW }))).statusCode).toBe(204);
    const again = await app.inject(setPassword(who, { newPassword: 'another-fine-phrase-7' }));
    expect(again.json().error.code).toBe('CURRENT_PASSWORD_WRONG');
    await app.close();
  });
});
