import type { Kysely } from 'kysely';
import { type Plan, planSchema } from '../../core/plan/plan.schema.ts';
import type { Database } from '../db/database-types.ts';

/** One person a notice goes to; `accountId` null for an address that is no account (an explicit recipient). */
export type Recipient = {
  address: string;
  accountId: string | null;
  name: string | null;
  locale: string;
  staff: boolean;
};

export type NoticeTicket = {
  id: string;
  number: string;
  subject: string;
  nextDueAt: Date | null;
  planVersionId: string;
  productId: string;
  requesterAccountId: string | null;
  assigneeAccountId: string | null;
};

type Row = {
  topic: string;
  organisation_id: string | null;
  recipient: string | null;
  payload: Record<string, unknown>;
};

/** Notices for the people who work the desk: the ticket's assignee, else every active agent and admin. */
const STAFF_TOPICS = new Set(['sla.warning', 'sla.breached', 'conduct.flagged', 'ticket.estimate-agreed']);
/** Notices about a contract for the customer's admins when the writer named no one. */
const ADMIN_TOPICS = new Set(['contract.expiry-reminder', 'contract.lapsed', 'contract.modification-stored']);

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Who a notice goes to, decided once when the outbox row is fanned out:
 * - the writer's explicit `recipient` list (order receipts, keys, restrictions, system events…);
 * - staff topics: the ticket's assignee, else every active agent and admin;
 * - `ticket.replied`: a customer's answer goes to the assignee (no one when unassigned: the queue
 *   shows it), an agent's to the requester;
 * - else the account the payload names (`accountId`: the requester), else the organisation's admins.
 * Disabled accounts receive nothing.
 */
export async function recipientsOf(
  db: Kysely<Database>,
  row: Row,
  ticket: NoticeTicket | null,
): Promise<Recipient[]> {
  const { topic, payload } = row;
  if (row.recipient) return byAddresses(db, row.recipient.split(','));
  if (topic === 'ticket.replied') {
    if (payload.by === 'customer')
      return ticket?.assigneeAccountId ? byIds(db, [ticket.assigneeAccountId]) : [];
    const requester = str(payload.accountId) ?? ticket?.requesterAccountId ?? null;
    return requester ? byIds(db, [requester]) : [];
  }
  if (STAFF_TOPICS.has(topic)) {
    if (topic === 'ticket.estimate-agreed' && str(payload.accountId))
      return byIds(db, [payload.accountId as string]);
    if (ticket?.assigneeAccountId && topic !== 'conduct.flagged')
      return byIds(db, [ticket.assigneeAccountId]);
    return allStaff(db);
  }
  const accountId = str(payload.accountId);
  if (accountId && !ADMIN_TOPICS.has(topic)) return byIds(db, [accountId]);
  if (row.organisation_id) return customerAdmins(db, row.organisation_id);
  return [];
}

const ACCOUNT_COLUMNS = ['id', 'email', 'name', 'locale', 'role', 'disabled_at'] as const;

function toRecipient(a: {
  id: string;
  email: string;
  name: string;
  locale: string;
  role: string;
}): Recipient {
  return {
    address: a.email,
    accountId: a.id,
    name: a.name,
    locale: a.locale,
    staff: a.role === 'admin' || a.role === 'agent',
  };
}

async function byIds(db: Kysely<Database>, ids: string[]): Promise<Recipient[]> {
  const rows = await db
    .selectFrom('accounts')
    .select(ACCOUNT_COLUMNS)
    .where('id', 'in', ids)
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toRecipient);
}

async function byAddresses(db: Kysely<Database>, list: string[]): Promise<Recipient[]> {
  const addresses = [...new Set(list.map((a) => a.trim().toLowerCase()).filter((a) => a.includes('@')))];
  if (addresses.length === 0) return [];
  const rows = await db
    .selectFrom('accounts')
    .select(ACCOUNT_COLUMNS)
    .where((eb) => eb(eb.fn('lower', ['email']), 'in', addresses))
    .execute();
  const known = new Map(rows.map((r) => [r.email.toLowerCase(), r]));
  return addresses.flatMap((address) => {
    const account = known.get(address);
    if (!account) return [{ address, accountId: null, name: null, locale: 'en', staff: false }];
    return account.disabled_at === null ? [toRecipient(account)] : [];
  });
}

async function allStaff(db: Kysely<Database>): Promise<Recipient[]> {
  const rows = await db
    .selectFrom('accounts')
    .select(ACCOUNT_COLUMNS)
    .where('role', 'in', ['admin', 'agent'])
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toRecipient);
}

async function customerAdmins(db: Kysely<Database>, organisationId: string): Promise<Recipient[]> {
  const rows = await db
    .selectFrom('accounts')
    .select(ACCOUNT_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'customer-admin')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toRecipient);
}

export async function ticketOf(
  db: Kysely<Database>,
  payload: Record<string, unknown>,
): Promise<NoticeTicket | null> {
  const id = str(payload.ticketId);
  if (!id) return null;
  const row = await db
    .selectFrom('tickets')
    .select([
      'id',
      'number',
      'subject',
      'next_due_at',
      'plan_version_id',
      'product_id',
      'requester_account_id',
      'assignee_account_id',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        number: row.number,
        subject: row.subject,
        nextDueAt: row.next_due_at,
        planVersionId: row.plan_version_id,
        productId: row.product_id,
        requesterAccountId: row.requester_account_id,
        assigneeAccountId: row.assignee_account_id,
      }
    : null;
}

/** The plan and product a notice is about: the ticket's, else the contract's, else the product's. */
export async function planAndProductOf(
  db: Kysely<Database>,
  payload: Record<string, unknown>,
  ticket: NoticeTicket | null,
): Promise<{ plan: Plan | null; productName: string | null }> {
  let planVersionId = ticket?.planVersionId ?? null;
  let productId =
    ticket?.productId ?? str(payload.productId) ?? str((payload.product as { id?: unknown })?.id);
  const contractId = str(payload.contractId);
  if (!planVersionId && contractId) {
    const contract = await db
      .selectFrom('contracts')
      .select(['plan_version_id', 'product_id'])
      .where('id', '=', contractId)
      .executeTakeFirst();
    planVersionId = contract?.plan_version_id ?? null;
    productId ??= contract?.product_id ?? null;
  }
  const plan = planVersionId ? await planOf(db, planVersionId) : null;
  const product = productId
    ? await db.selectFrom('products').select('name').where('id', '=', productId).executeTakeFirst()
    : undefined;
  return { plan, productName: product?.name ?? null };
}

const planCache = new Map<string, Plan>();

/** A stored plan version, parsed once per process (versions never change once stored). */
async function planOf(db: Kysely<Database>, planVersionId: string): Promise<Plan | null> {
  const cached = planCache.get(planVersionId);
  if (cached) return cached;
  const row = await db
    .selectFrom('plan_versions')
    .select('document')
    .where('id', '=', planVersionId)
    .executeTakeFirst();
  if (!row) return null;
  const plan = planSchema.parse(row.document);
  if (planCache.size > 200) planCache.clear();
  planCache.set(planVersionId, plan);
  return plan;
}
