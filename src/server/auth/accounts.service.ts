import type { Kysely, Selectable } from 'kysely';
import type { Account, Role } from '../../schema/auth.schema.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import type { AccountsTable } from './auth.tables.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, type ScryptCost, verifyPassword } from './secrets.ts';

export type NewAccount = {
  email: string;
  name: string;
  role: Role;
  password?: string;
  passwordCost?: ScryptCost;
};

export function toAccount(
  row: Pick<Selectable<AccountsTable>, 'id' | 'email' | 'name' | 'role' | 'organisation_id'>,
): Account {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organisationId: row.organisation_id,
  };
}

/** Emails are matched case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createAccount(db: Kysely<Database>, input: NewAccount, now: Date): Promise<Account> {
  const row = {
    id: newId('acc'),
    email: normalizeEmail(input.email),
    name: input.name,
    role: input.role,
    organisation_id: null,
    password_hash:
      input.password === undefined ? null : await hashPassword(input.password, input.passwordCost),
    created_at: now,
  };
  await db.insertInto('accounts').values(row).execute();
  return toAccount(row);
}

export async function findAccountByEmail(db: Kysely<Database>, email: string): Promise<Account | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select(['id', 'email', 'name', 'role', 'organisation_id'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function countAccounts(db: Kysely<Database>): Promise<number> {
  const { count } = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export type CredentialCheck = { ok: true; account: Account } | { ok: false; code: 'INVALID_CREDENTIALS' };

/**
 * Checks an email and password. Unknown emails and accounts without a password still run one
 * scrypt derivation, so response time does not reveal which emails have accounts.
 */
export async function checkCredentials(
  db: Kysely<Database>,
  email: string,
  password: string,
): Promise<CredentialCheck> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  const matches = await verifyPassword(password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
  // A disabled account gets the same answer as a wrong password: the form does not reveal it.
  if (!row?.password_hash || !matches || row.disabled_at !== null)
    return { ok: false, code: 'INVALID_CREDENTIALS' };
  return { ok: true, account: toAccount(row) };
}
