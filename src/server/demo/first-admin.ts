import type { Kysely } from 'kysely';
import { createAccount } from '../auth/accounts.service.ts';
import { createOneTimeToken } from '../auth/sessions.service.ts';
import type { Database } from '../db/database-types.ts';

export const FIRST_ADMIN_EMAIL = 'admin@upkeep.localhost';

export type FirstAdminLink = { email: string; token: string; created: boolean };

/**
 * On a database without an admin (a fresh one), creates the first admin, with no password. While that admin still has no
 * password, every start issues a new one-time login link (never a fixed password), so a missed or
 * expired link is fixed by restarting. Returns undefined once the admin has set a password.
 */
export async function ensureFirstAdmin(db: Kysely<Database>, now: Date): Promise<FirstAdminLink | undefined> {
  const anyAdmin = await db
    .selectFrom('accounts')
    .select('id')
    .where('role', '=', 'admin')
    .executeTakeFirst();
  if (!anyAdmin) {
    const admin = await createAccount(
      db,
      { email: FIRST_ADMIN_EMAIL, name: 'Administrator', role: 'admin' },
      now,
    );
    return { email: admin.email, token: await createOneTimeToken(db, admin.id, now), created: true };
  }
  const admin = await db
    .selectFrom('accounts')
    .select(['id', 'email'])
    .where('email', '=', FIRST_ADMIN_EMAIL)
    .where('password_hash', 'is', null)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!admin) return undefined;
  return { email: admin.email, token: await createOneTimeToken(db, admin.id, now), created: false };
}
