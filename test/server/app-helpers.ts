import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Role, Scope } from '../../src/schema/auth.schema.ts';
import { type AppOptions, buildApp } from '../../src/server/app.ts';
import { SESSION_COOKIE } from '../../src/server/auth/access.ts';
import { createAccount } from '../../src/server/auth/accounts.service.ts';
import { createApiKey } from '../../src/server/auth/api-keys.service.ts';
import { createSession } from '../../src/server/auth/sessions.service.ts';
import { type Config, loadConfig } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { parseSealingKey } from '../../src/server/secrets/sealing.ts';

/** A fixed test-only sealing key: apps built from testConfig seal notices with it (no key file). */
export const TEST_SEALING_KEY_TEXT = 'dGVzdC1vbmx5LXNlYWxpbmcta2V5LTMyLWJ5dGVzISE';
export const testSealingKey = parseSealingKey(TEST_SEALING_KEY_TEXT, 'test sealing key');

export const testConfig: Config = loadConfig({
  LOG_LEVEL: 'silent',
  UPKEEP_DATA_DIR: '/nonexistent',
  UPKEEP_SEALING_KEY: TEST_SEALING_KEY_TEXT,
});

/** A settable clock so tests can move time forward (token and session expiry). */
export function testClock(start = new Date('2026-03-02T09:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Low scrypt cost for test passwords only; verification reads the cost from the stored hash. */
export const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

export async function makeApp(
  db: Kysely<Database>,
  clock = testClock(),
  options: Partial<AppOptions> = {},
): Promise<FastifyInstance> {
  return buildApp({ config: testConfig, db, clock: clock.now, passwordCost: FAST_SCRYPT, ...options });
}

/** The `name=value` part of the first Set-Cookie header. */
export function cookieOf(setCookie: string | string[] | undefined): string {
  const first = [setCookie ?? []].flat()[0] ?? '';
  return first.split(';')[0] ?? '';
}

export type SignedIn = { cookie: string; csrfToken: string; accountId: string };

/** An account of the given role with a live session (no password: skips scrypt to keep tests fast). */
export async function signIn(db: Kysely<Database>, role: Role, now = new Date()): Promise<SignedIn> {
  const account = await createAccount(
    db,
    { email: `${role}-${Math.random().toString(36).slice(2)}@example.test`, name: `Test ${role}`, role },
    now,
  );
  const session = await createSession(db, account.id, now);
  return {
    cookie: `${SESSION_COOKIE}=${session.token}`,
    csrfToken: session.csrfToken,
    accountId: account.id,
  };
}

export async function apiKeyWith(db: Kysely<Database>, scopes: Scope[], now = new Date()): Promise<string> {
  return (await createApiKey(db, { name: 'test key', scopes, createdBy: null }, now)).key;
}

/** Inject options for a session request; unsafe methods carry the CSRF header unless told otherwise. */
export function asSession(who: SignedIn, options: InjectOptions, withCsrf = true): InjectOptions {
  const headers: Record<string, string> = {
    ...(options.headers as Record<string, string>),
    cookie: who.cookie,
  };
  if (withCsrf) headers['x-csrf-token'] = who.csrfToken;
  return { ...options, headers };
}

export function withKey(key: string, options: InjectOptions): InjectOptions {
  return {
    ...options,
    headers: { ...(options.headers as Record<string, string>), authorization: `Bearer ${key}` },
  };
}
