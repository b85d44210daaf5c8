import type { Kysely, Selectable } from 'kysely';
import type { AccountDetails, AccountUpdate } from '../../schema/accounts.schema.ts';
import type { AccountRole, Role } from '../../schema/auth.schema.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { normalizeEmail } from './accounts.service.ts';
import type { AccountsTable } from './auth.tables.ts';
import { createOneTimeToken, ONE_TIME_TOKEN_TTL_MS } from './sessions.service.ts';

export type LoginLink = { url: string; expiresAt: string };

type AccountRow = Pick<
  Selectable<AccountsTable>,
  'id' | 'email' | 'name' | 'role' | 'organisation_id' | 'password_hash' | 'created_at' | 'disabled_at'
>;

const DETAIL_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'organisation_id',
  'password_hash',
  'created_at',
  'disabled_at',
] as const;

export function toAccountDetails(row: AccountRow): AccountDetails {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organisationId: row.organisation_id,
    disabled: row.disabled_at !== null,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at.toISOString(),
  };
}

export async function findAccountDetails(
  db: Kysely<Database>,
  where: { id: string } | { email: string },
): Promise<AccountDetails | undefined> {
  let query = db.selectFrom('accounts').select(DETAIL_COLUMNS);
  query =
    'id' in where ? query.where('id', '=', where.id) : query.where('email', '=', normalizeEmail(where.email));
  const row = await query.executeTakeFirst();
  return row && toAccountDetails(row);
}

/** One page of accounts in id order (ids sort by creation time, to the millisecond); `after` is the last id of the previous page. */
export async function listAccounts(
  db: Kysely<Database>,
  page: { limit: number; after?: string | undefined },
): Promise<{ items: AccountDetails[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('accounts')
    .select(DETAIL_COLUMNS)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toAccountDetails);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

export type CreateAccountOutcome = { ok: true; account: AccountDetails } | { ok: false; code: 'EMAIL_TAKEN' };

/** Creates an account without a password (it signs in with a one-time link); EMAIL_TAKEN if the email is in use. */
export async function createManagedAccount(
  db: Kysely<Database>,
  input: { email: string; name: string; role: Role },
  now: Date,
): Promise<CreateAccountOutcome> {
  const row = await db
    .insertInto('accounts')
    .values({
      id: newId('acc'),
      email: normalizeEmail(input.email),
      name: input.name.trim(),
      role: input.role,
      password_hash: null,
      created_at: now,
      disabled_at: null,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(DETAIL_COLUMNS)
    .executeTakeFirst();
  return row ? { ok: true, account: toAccountDetails(row) } : { ok: false, code: 'EMAIL_TAKEN' };
}

/**
 * Creates an account and its first one-time sign-in link in one transaction, so a failure leaves
 * neither behind (an account without its link would answer EMAIL_TAKEN to the retry).
 */
export async function createAccountWithLink(
  db: Kysely<Database>,
  input: { email: string; name: string; role: Role },
  baseUrl: string,
  now: Date,
): Promise<{ ok: true; account: AccountDetails; loginLink: LoginLink } | { ok: false; code: 'EMAIL_TAKEN' }> {
  return db.transaction().execute(async (trx) => {
    const created = await createManagedAccount(trx, input, now);
    if (!created.ok) return created;
    return { ...created, loginLink: await issueLoginLink(trx, created.account.id, baseUrl, now) };
  });
}

export type UpdateAccountOutcome =
  | { ok: true; account: AccountDetails }
  | { ok: false; code: 'NOT_FOUND' | 'LAST_ADMIN' | 'CUSTOMER_ROLE' };

/** True when the change would leave no active admin: the target is the only one and stops being one. */
export function removesLastAdmin(
  target: { id: string },
  change: AccountUpdate,
  activeAdminIds: readonly string[],
): boolean {
  const stopsBeingAdmin = change.disabled === true || change.role === 'agent';
  return stopsBeingAdmin && activeAdminIds.includes(target.id) && activeAdminIds.length <= 1;
}

/**
 * Changes name, role or disabled state in one transaction. The active admins are locked first
 * (FOR UPDATE), so two admins demoting each other at once cannot both succeed. Disabling deletes
 * the account's sessions; its API keys are refused while it stays disabled.
 */
export async function updateAccount(
  db: Kysely<Database>,
  id: string,
  change: AccountUpdate,
  now: Date,
): Promise<UpdateAccountOutcome> {
  return db.transaction().execute(async (trx) => {
    const admins = await trx
      .selectFrom('accounts')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .orderBy('id')
      .forUpdate()
      .execute();
    const current = await trx
      .selectFrom('accounts')
      .select(['id', 'disabled_at', 'organisation_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) return { ok: false, code: 'NOT_FOUND' } as const;
    // A customer account keeps a customer role (its organisation's user routes change it), never a staff one.
    if (current.organisation_id !== null && change.role !== undefined)
      return { ok: false, code: 'CUSTOMER_ROLE' } as const;
    if (
      removesLastAdmin(
        current,
        change,
        admins.map((a) => a.id),
      )
    )
      return { ok: false, code: 'LAST_ADMIN' } as const;
    const update = accountUpdate(change, current.disabled_at, now);
    const row = await trx
      .updateTable('accounts')
      .set(update.set)
      .where('id', '=', id)
      .returning(DETAIL_COLUMNS)
      .executeTakeFirstOrThrow();
    if (update.endsSessions) await endSessions(trx, id);
    return { ok: true, account: toAccountDetails(row) } as const;
  });
}

export type AccountChange = {
  name?: string | undefined;
  role?: AccountRole | undefined;
  disabled?: boolean | undefined;
};

/**
 * The column values of a name/role/disabled change, shared by staff and customer account edits.
 * Disabling keeps the first disable time; a disabled account's sessions end (endsSessions).
 */
export function accountUpdate(change: AccountChange, disabledAt: Date | null, now: Date) {
  const nextDisabledAt =
    change.disabled === undefined ? disabledAt : change.disabled ? (disabledAt ?? now) : null;
  return {
    set: {
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.role === undefined ? {} : { role: change.role }),
      disabled_at: nextDisabledAt,
    },
    endsSessions: nextDisabledAt !== null,
  };
}

/** Signs the account out everywhere. */
export async function endSessions(db: Kysely<Database>, accountId: string): Promise<void> {
  await db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
}

/** A fresh one-time sign-in link for the account; the link is `<base>/v1/auth/one-time/<token>`. */
export async function issueLoginLink(
  db: Kysely<Database>,
  accountId: string,
  baseUrl: string,
  now: Date,
): Promise<LoginLink> {
  const token = await createOneTimeToken(db, accountId, now);
  return {
    url: `${baseUrl.replace(/\/+$/, '')}/v1/auth/one-time/${token}`,
    expiresAt: new Date(now.getTime() + ONE_TIME_TOKEN_TTL_MS).toISOString(),
  };
}
