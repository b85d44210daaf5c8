import type { Kysely } from 'kysely';
import type { Database } from '../db/database-types.ts';
import { checkPasswordStrength, type PasswordVerdict } from './password-policy.ts';
import { hashPassword, type ScryptCost, verifyPassword } from './secrets.ts';

export type PasswordChange = {
  accountId: string;
  /** The session making the change; it stays signed in, every other session of the account ends. */
  sessionId: string;
  currentPassword?: string | undefined;
  newPassword: string;
  cost?: ScryptCost | undefined;
};

export type PasswordChangeOutcome =
  | { ok: true }
  | { ok: false; code: 'CURRENT_PASSWORD_WRONG' }
  | { ok: false; code: 'PASSWORD_TOO_WEAK'; reason: Extract<PasswordVerdict, { ok: false }>['reason'] };

/**
 * Sets or changes the account's own password. When one is set, the current one must be given,
 * unless the session was opened with a one-time link (the recovery path: an admin or the operator
 * issues a link, its holder signs in and sets a new password).
 * Then, in one transaction: stores the new hash, ends every other session of the account and
 * voids its unused one-time links (a leaked link must not outlive the new password).
 */
export async function changePassword(
  db: Kysely<Database>,
  change: PasswordChange,
  now: Date,
): Promise<PasswordChangeOutcome> {
  const row = await db
    .selectFrom('accounts')
    .select(['email', 'name', 'password_hash'])
    .where('id', '=', change.accountId)
    .executeTakeFirstOrThrow();
  const session = await db
    .selectFrom('sessions')
    .select('via_one_time_link')
    .where('id', '=', change.sessionId)
    .executeTakeFirst();
  // A one-time link proves the holder may sign in as the account: its session may reset the password.
  if (row.password_hash !== null && session?.via_one_time_link !== true) {
    const current = change.currentPassword;
    if (current === undefined || !(await verifyPassword(current, row.password_hash))) {
      return { ok: false, code: 'CURRENT_PASSWORD_WRONG' };
    }
  }
  const verdict = checkPasswordStrength(change.newPassword, row);
  if (!verdict.ok) return { ok: false, code: 'PASSWORD_TOO_WEAK', reason: verdict.reason };
  const hash = await hashPassword(change.newPassword, change.cost);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('accounts')
      .set({ password_hash: hash })
      .where('id', '=', change.accountId)
      .execute();
    // The reset is done: from now on this session too needs the current password to change it.
    await trx
      .updateTable('sessions')
      .set({ via_one_time_link: false })
      .where('id', '=', change.sessionId)
      .execute();
    await trx
      .deleteFrom('sessions')
      .where('account_id', '=', change.accountId)
      .where('id', '!=', change.sessionId)
      .execute();
    await trx
      .updateTable('one_time_tokens')
      .set({ used_at: now })
      .where('account_id', '=', change.accountId)
      .where('used_at', 'is', null)
      .execute();
  });
  return { ok: true };
}
