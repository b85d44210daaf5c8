import type { Kysely } from 'kysely';
import type { Account } from '../../schema/auth.schema.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { toAccount } from './accounts.service.ts';
import { newToken, sha256 } from './secrets.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const ONE_TIME_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export type IssuedSession = { token: string; csrfToken: string; expiresAt: Date };
export type ActiveSession = { sessionId: string; account: Account; csrfToken: string; expiresAt: Date };

/**
 * The CSRF token is derived from the session token by a one-way hash: the page can hold it
 * (it is returned by login and /me) while the httpOnly cookie stays unreadable, and a
 * cross-site attacker who can send the cookie cannot compute it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return sha256(`csrf:${sessionToken}`);
}

export async function createSession(
  db: Kysely<Database>,
  accountId: string,
  now: Date,
  options: { viaOneTimeLink?: boolean } = {},
): Promise<IssuedSession> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  // Expired rows are useless; sweeping the account's own on each sign-in keeps the table small.
  await db
    .deleteFrom('sessions')
    .where('account_id', '=', accountId)
    .where('expires_at', '<=', now)
    .execute();
  await db
    .insertInto('sessions')
    .values({
      id: newId('ses'),
      account_id: accountId,
      token_hash: sha256(token),
      created_at: now,
      expires_at: expiresAt,
      via_one_time_link: options.viaOneTimeLink ?? false,
    })
    .execute();
  return { token, csrfToken: csrfTokenFor(token), expiresAt };
}

/** The live session for a cookie token, or undefined when unknown, expired or its account is disabled. */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<ActiveSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select([
      'sessions.id as sessionId',
      'sessions.expires_at',
      'accounts.id',
      'email',
      'name',
      'role',
      'organisation_id',
    ])
    .where('sessions.token_hash', '=', sha256(token))
    .where('sessions.expires_at', '>', now)
    .where('accounts.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    sessionId: row.sessionId,
    account: toAccount(row),
    csrfToken: csrfTokenFor(token),
    expiresAt: row.expires_at,
  };
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** A single-use login token for an account (the first admin's link); only its hash is stored. */
export async function createOneTimeToken(
  db: Kysely<Database>,
  accountId: string,
  now: Date,
  ttlMs = ONE_TIME_TOKEN_TTL_MS,
): Promise<string> {
  const token = newToken();
  await db
    .insertInto('one_time_tokens')
    .values({
      id: newId('ott'),
      account_id: accountId,
      token_hash: sha256(token),
      created_at: now,
      expires_at: new Date(now.getTime() + ttlMs),
    })
    .execute();
  return token;
}

/**
 * Marks the token used and returns its account, in one conditional UPDATE so two concurrent
 * requests cannot both consume it. Unknown, expired and already-used tokens, and tokens of a
 * disabled account, all give undefined.
 */
export async function consumeOneTimeToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<string | undefined> {
  const row = await db
    .updateTable('one_time_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    // A disabled account's links stop working with it (and stay unused should it be enabled again).
    .where('account_id', 'in', db.selectFrom('accounts').select('id').where('disabled_at', 'is', null))
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id;
}

/** The account behind a live, unused token, without consuming it (the confirmation page shows it). */
export async function peekOneTimeToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<Account | undefined> {
  const row = await db
    .selectFrom('one_time_tokens')
    .innerJoin('accounts', 'accounts.id', 'one_time_tokens.account_id')
    .select(['accounts.id', 'email', 'name', 'role', 'organisation_id'])
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('accounts.disabled_at', 'is', null)
    .executeTakeFirst();
  return row && toAccount(row);
}
