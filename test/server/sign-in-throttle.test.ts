import { expect, it } from 'vitest';
import { createAccount } from '../../src/server/auth/accounts.service.ts';
import { hashPassword } from '../../src/server/auth/secrets.ts';
import { SIGN_IN_LIMITS } from '../../src/server/auth/sign-in-throttle.ts';
import { describeDb } from '../support/db-harness.ts';
import { asSession, FAST_SCRYPT, makeApp, signIn, testClock } from './app-helpers.ts';

describeDb('sign-in throttling', (getDb) => {
  it('the defaults: 10 attempts per email and 30 per IP per 15 minutes', () => {
    expect(SIGN_IN_LIMITS).toEqual({ perIp: 30, perAccount: 10, windowMs: 15 * 60 * 1000 });
  });

  it('POST /v1/auth/login: the 11th attempt for one email → 429 RATE_LIMITED with Retry-After, even with the right password; other emails still pass', async () => {
    const { db } = getDb();
    for (const email of ['pat@example.test', 'sam@example.test']) {
      await createAccount(
        db,
        { email, name: 'P', role: 'agent', password: 'right-long-phrase', passwordCost: FAST_SCRYPT },
        new Date(),
      );
    }
    const app = await makeApp(db);
    const login = (email: string, password: string) =>
      app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
    for (let i = 0; i < 10; i++) expect((await login('pat@example.test', 'wrong')).statusCode).toBe(401);
    const limited = await login('PAT@example.test', 'right-long-phrase');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 900 } });
    expect(limited.headers['retry-after']).toBe('900');
    expect(limited.headers['set-cookie']).toBeUndefined();
    expect((await login('sam@example.test', 'right-long-phrase')).statusCode).toBe(200);
    await app.close();
  });

  it('per IP: login and one-time POSTs from one address share a limit (bad requests count too); 429 before any work', async () => {
    const { db } = getDb();
    const app = await makeApp(db, testClock(), {
      signInLimits: { perIp: 3, perAccount: 10, windowMs: 60_000 },
    });
    const other = { remoteAddress: '203.0.113.9' };
    expect((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: {} })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/auth/one-time/nope' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/v1/auth/one-time/nope' })).statusCode).toBe(401);
    const limited = await app.inject({ method: 'POST', url: '/v1/auth/one-time/nope' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: {} });
    expect(login.json().error.code).toBe('RATE_LIMITED');
    const elsewhere = await app.inject({ method: 'POST', url: '/v1/auth/one-time/nope', ...other });
    expect(elsewhere.statusCode).toBe(401);
    // IPv6: addresses of one /56 share a counter, so rotating through one's own prefix does not help.
    const v6 = (n: number) =>
      app.inject({ method: 'POST', url: '/v1/auth/one-time/nope', remoteAddress: `2001:db8:0:1::${n}` });
    for (const n of [1, 2, 3]) expect((await v6(n)).statusCode).toBe(401);
    expect((await v6(4)).statusCode).toBe(429);
    await app.close();
  });

  it('POST /v1/auth/password: guessing the current password is throttled per account', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'agent');
    const hash = await hashPassword('the-real-long-phrase', FAST_SCRYPT);
    await db.updateTable('accounts').set({ password_hash: hash }).execute();
    const app = await makeApp(db, testClock(), {
      signInLimits: { perIp: 100, perAccount: 2, windowMs: 60_000 },
    });
    const attempt = (currentPassword: string) =>
      app.inject(
        asSession(who, {
          method: 'POST',
          url: '/v1/auth/password',
          payload: { currentPassword, newPassword: 'vending-otter-cactus-91' },
        }),
      );
    expect((await attempt('guess-1')).json().error.code).toBe('CURRENT_PASSWORD_WRONG');
    expect((await attempt('guess-2')).json().error.code).toBe('CURRENT_PASSWORD_WRONG');
    const limited = await attempt('the-real-long-phrase');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    await app.close();
  });
});
