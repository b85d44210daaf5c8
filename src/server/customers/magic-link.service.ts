import type { Kysely } from 'kysely';
import { normalizeEmail } from '../auth/accounts.service.ts';
import { createOneTimeToken } from '../auth/sessions.service.ts';
import type { Database } from '../db/database-types.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { linkUrl } from './customer-users.service.ts';

/** A magic sign-in link is single use and lasts 15 minutes. */
export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000;

/**
 * For an existing, enabled account: a one-time link (15 minutes) and an outbox notice
 * 'auth.magic-link' to its email, in one transaction. Unknown or disabled emails do nothing; the
 * caller answers the same either way, so the route does not reveal which emails have accounts.
 */
export async function sendMagicLink(
  db: Kysely<Database>,
  email: string,
  baseUrl: string,
  now: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom('accounts')
      .select(['id', 'email', 'organisation_id'])
      .where('email', '=', normalizeEmail(email))
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (!account) return false;
    const token = await createOneTimeToken(trx, account.id, now, MAGIC_LINK_TTL_MS);
    await enqueueNotice(
      trx,
      {
        topic: 'auth.magic-link',
        organisationId: account.organisation_id,
        recipient: account.email,
        payload: {
          url: linkUrl(baseUrl, token),
          expiresAt: new Date(now.getTime() + MAGIC_LINK_TTL_MS).toISOString(),
        },
      },
      now,
    );
    return true;
  });
}
