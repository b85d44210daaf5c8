import type { Kysely, Selectable } from 'kysely';
import type { CustomerRole } from '../../schema/auth.schema.ts';
import type { CustomerUser, CustomerUserUpdate } from '../../schema/customers.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import { accountUpdate, endSessions } from '../auth/account-admin.service.ts';
import { normalizeEmail } from '../auth/accounts.service.ts';
import type { AccountsTable } from '../auth/auth.tables.ts';
import { createOneTimeToken } from '../auth/sessions.service.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';

/** An invitation link is single use and lasts 7 days (a login link lasts 24 hours, a magic link 15 minutes). */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'organisation_id',
  'password_hash',
  'created_at',
  'disabled_at',
  'registered_at',
  'product_updates_subscribed',
  'product_updates_changed_at',
] as const;

type UserRow = Pick<Selectable<AccountsTable>, (typeof USER_COLUMNS)[number]>;

export function toCustomerUser(row: UserRow): CustomerUser {
  if (row.organisation_id === null || !isCustomer(row.role))
    throw new Error(`account ${row.id} is not a customer account`);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organisationId: row.organisation_id,
    disabled: row.disabled_at !== null,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at.toISOString(),
    registeredAt: row.registered_at?.toISOString() ?? null,
    productUpdatesSubscribed: row.product_updates_subscribed,
    productUpdatesChangedAt: row.product_updates_changed_at?.toISOString() ?? null,
  };
}

function isCustomer(role: AccountsTable['role']): role is CustomerRole {
  return role === 'customer-admin' || role === 'customer-user';
}

export type InviteOutcome =
  | { ok: true; user: CustomerUser; invitation: Invitation }
  | { ok: false; code: 'NOT_FOUND' | 'EMAIL_TAKEN' };

/**
 * Creates a customer account (no password) in the organisation and invites it: a one-time link
 * valid 7 days, emailed through the outbox (topic customer.invited). All in one transaction.
 */
export async function inviteCustomerUser(
  db: Kysely<Database>,
  input: {
    organisationId: string;
    email: string;
    name: string;
    role: CustomerRole;
    baseUrl: string;
    viewer: Viewer;
  },
  now: Date,
): Promise<InviteOutcome> {
  return db.transaction().execute(async (trx) => {
    const organisation = await trx
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('id', '=', input.organisationId)
      .executeTakeFirst();
    if (!organisation) return { ok: false, code: 'NOT_FOUND' } as const;
    const row = await trx
      .insertInto('accounts')
      .values({
        id: newId('acc'),
        email: normalizeEmail(input.email),
        name: input.name,
        role: input.role,
        organisation_id: organisation.id,
        password_hash: null,
        created_at: now,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning(USER_COLUMNS)
      .executeTakeFirst();
    if (!row) return { ok: false, code: 'EMAIL_TAKEN' } as const;
    const invitation = await sendInvitation(
      trx,
      { ...row, organisationName: organisation.name },
      input.baseUrl,
      now,
    );
    await auditUser(trx, 'customer.user-invited', input.viewer, row, { role: row.role }, now);
    return { ok: true, user: toCustomerUser(row), invitation } as const;
  });
}

export type Invitation = { sentTo: string; expiresAt: string };

/** A fresh 7-day one-time link for the account, emailed through the outbox (customer.invited). */
export async function sendInvitation(
  trx: Kysely<Database>,
  account: { id: string; email: string; organisation_id: string | null; organisationName: string },
  baseUrl: string,
  now: Date,
): Promise<Invitation> {
  const token = await createOneTimeToken(trx, account.id, now, INVITATION_TTL_MS);
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();
  await enqueueNotice(
    trx,
    {
      topic: 'customer.invited',
      dedupeKey: `customer.invited:${account.id}:${now.getTime()}`,
      organisationId: account.organisation_id,
      recipient: account.email,
      payload: { url: linkUrl(baseUrl, token), organisationName: account.organisationName, expiresAt },
    },
    now,
  );
  return { sentTo: account.email, expiresAt };
}

export type ReinviteOutcome =
  | { ok: true; invitation: Invitation }
  | { ok: false; code: 'NOT_FOUND' | 'ACCOUNT_DISABLED' };

/** Invites an existing user of the organisation again (a lost or expired invitation); older links stay valid. */
export async function reinviteCustomerUser(
  db: Kysely<Database>,
  input: { organisationId: string; userId: string; baseUrl: string; viewer: Viewer },
  now: Date,
): Promise<ReinviteOutcome> {
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom('accounts')
      .innerJoin('organisations', 'organisations.id', 'accounts.organisation_id')
      .select([
        'accounts.id',
        'email',
        'organisation_id',
        'disabled_at',
        'organisations.name as organisationName',
      ])
      .where('accounts.id', '=', input.userId)
      .where('accounts.organisation_id', '=', input.organisationId)
      .executeTakeFirst();
    if (!account) return { ok: false, code: 'NOT_FOUND' } as const;
    if (account.disabled_at !== null) return { ok: false, code: 'ACCOUNT_DISABLED' } as const;
    const invitation = await sendInvitation(trx, account, input.baseUrl, now);
    await auditUser(trx, 'customer.user-reinvited', input.viewer, account, {}, now);
    return { ok: true, invitation } as const;
  });
}

export function linkUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/auth/one-time/${token}`;
}

/** Users of one organisation, a page at a time in id (creation) order. */
export async function listCustomerUsers(
  db: Kysely<Database>,
  organisationId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: CustomerUser[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('accounts')
    .select(USER_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.cursor !== undefined) query = query.where('id', '>', page.cursor);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toCustomerUser);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

/** One user of one organisation; a user of another organisation is undefined, like a missing one. */
export async function findCustomerUser(
  db: Kysely<Database>,
  organisationId: string,
  userId: string,
): Promise<CustomerUser | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select(USER_COLUMNS)
    .where('id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row && toCustomerUser(row);
}

/**
 * Changes name, role or disabled state; disabling ends the user's sessions (its links stop working
 * too). A customer-admin cannot demote or disable the organisation's last active customer-admin
 * (LAST_ADMIN): it would lock the organisation out of managing its users. Staff can.
 */
export async function updateCustomerUser(
  db: Kysely<Database>,
  organisationId: string,
  userId: string,
  change: CustomerUserUpdate,
  viewer: Viewer,
  now: Date,
): Promise<UpdateUserOutcome> {
  return db.transaction().execute(async (trx) => {
    // The organisation's active customer-admins first, locked, so two admins demoting each other at once cannot both succeed.
    const admins = await activeCustomerAdmins(trx, organisationId);
    const current = await trx
      .selectFrom('accounts')
      .select(['id', 'disabled_at'])
      .where('id', '=', userId)
      .where('organisation_id', '=', organisationId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return { ok: false, code: 'NOT_FOUND' } as const;
    const stopsBeingAdmin = change.disabled === true || change.role === 'customer-user';
    if (viewer.kind === 'customer' && stopsBeingAdmin && admins.length === 1 && admins[0] === userId)
      return { ok: false, code: 'LAST_ADMIN' } as const;
    const update = accountUpdate(change, current.disabled_at, now);
    const row = await trx
      .updateTable('accounts')
      .set(update.set)
      .where('id', '=', userId)
      .returning(USER_COLUMNS)
      .executeTakeFirstOrThrow();
    if (update.endsSessions) await endSessions(trx, userId);
    await auditUser(trx, 'customer.user-changed', viewer, row, { change }, now);
    return { ok: true, user: toCustomerUser(row) } as const;
  });
}

export type UpdateUserOutcome =
  | { ok: true; user: CustomerUser }
  | { ok: false; code: 'NOT_FOUND' | 'LAST_ADMIN' };

async function activeCustomerAdmins(trx: Kysely<Database>, organisationId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('accounts')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'customer-admin')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/** Who invited or changed which user: customer-admins act on their own organisation, so it is audited. */
async function auditUser(
  trx: Kysely<Database>,
  action: string,
  viewer: Viewer,
  account: { id: string; organisation_id: string | null },
  details: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await recordAudit(
    trx,
    {
      action,
      viewer,
      organisationId: account.organisation_id,
      subjectType: 'account',
      subjectId: account.id,
      details,
    },
    now,
  );
}
