import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';

/**
 * The customer facts the help desk's eligibility check reads (R1.1, S1): registered on the desk and
 * subscribed to the product-update mailing list. Unknown accounts are neither.
 */
export async function isRegisteredOnDesk(db: Kysely<Database>, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('registered_at')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row?.registered_at != null;
}

export async function isSubscribedToProductUpdates(
  db: Kysely<Database>,
  accountId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('product_updates_subscribed')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row?.product_updates_subscribed === true;
}

/**
 * R1.1: accepting an invitation (or any one-time link) registers a customer on the desk, once; the
 * first date stays. Staff accounts are not registered (the desk is the customers').
 */
export async function markRegisteredOnDesk(
  db: Kysely<Database>,
  accountId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ registered_at: now })
    .where('id', '=', accountId)
    .where('registered_at', 'is', null)
    .where('organisation_id', 'is not', null)
    .execute();
}

export type Subscriptions = { productUpdates: boolean; changedAt: string | null };

export async function getSubscriptions(
  db: Kysely<Database>,
  accountId: string,
): Promise<Subscriptions | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select(['product_updates_subscribed', 'product_updates_changed_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  return (
    row && {
      productUpdates: row.product_updates_subscribed,
      changedAt: row.product_updates_changed_at?.toISOString() ?? null,
    }
  );
}

/**
 * Sets the product-update subscription. `changedAt` moves only when the choice changes; a change is
 * audited, because unsubscribing can cost support where the plan says so (R1.1, S1).
 */
export async function setProductUpdates(
  db: Kysely<Database>,
  viewer: Extract<Viewer, { kind: 'customer' }>,
  subscribed: boolean,
  now: Date,
): Promise<Subscriptions> {
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('accounts')
      .set({ product_updates_subscribed: subscribed, product_updates_changed_at: now })
      .where('id', '=', viewer.accountId)
      .where('product_updates_subscribed', '!=', subscribed)
      .returning('id')
      .executeTakeFirst();
    if (changed) {
      await recordAudit(
        trx,
        {
          action: subscribed
            ? 'customer.product-updates-subscribed'
            : 'customer.product-updates-unsubscribed',
          viewer,
          subjectType: 'account',
          subjectId: viewer.accountId,
        },
        now,
      );
    }
    const current = await getSubscriptions(trx, viewer.accountId);
    if (!current) throw new Error(`account ${viewer.accountId} vanished`);
    return current;
  });
}
