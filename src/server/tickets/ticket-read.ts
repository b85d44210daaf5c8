import { type Kysely, type Selectable, sql } from 'kysely';
import type { Page } from '../../schema/pagination.schema.ts';
import {
  OPEN_STATUSES,
  type Ticket,
  type TicketListQuerySchema,
  type TicketStatus,
} from '../../schema/tickets.schema.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import type { TicketsTable } from './tickets.tables.ts';

export type TicketRow = Selectable<TicketsTable>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toTicket(row: TicketRow): Ticket {
  const env = (typeof row.environment === 'string' ? JSON.parse(row.environment) : row.environment) as Record<
    string,
    string
  >;
  return {
    id: row.id,
    number: Number(row.number),
    organisationId: row.organisation_id,
    productId: row.product_id,
    contractId: row.contract_id,
    planVersionId: row.plan_version_id,
    calendarHash: row.calendar_hash,
    categoryId: row.category_id,
    impact: row.impact as Ticket['impact'],
    priority: row.priority as Ticket['priority'],
    topPriority: row.top_priority,
    channel: row.channel as Ticket['channel'],
    status: row.status as TicketStatus,
    billable: row.billable,
    hourlyRate:
      row.hourly_rate_minor === null || row.hourly_rate_currency === null
        ? null
        : { amountMinor: row.hourly_rate_minor, currency: row.hourly_rate_currency },
    requesterAccountId: row.requester_account_id,
    subject: row.subject,
    environment: env ?? {},
    platform:
      row.platform === null || row.platform_version === null
        ? null
        : { platform: row.platform, version: row.platform_version },
    assigneeAccountId: row.assignee_account_id,
    assignedAt: iso(row.assigned_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastPublicMessageAt: row.last_public_message_at.toISOString(),
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
    closeReason: row.close_reason,
    closeNote: row.close_note,
    outOfScopeKey: row.out_of_scope_key,
    mergedIntoId: row.merged_into_id,
    followUpOfId: row.follow_up_of_id,
    knownIssueId: row.known_issue_id,
    nextDueAt: iso(row.next_due_at),
    slaState: row.sla_state as Ticket['slaState'],
  };
}

/** Ticket columns without the search vectors (they are large and never leave the database). */
export const TICKET_COLUMNS = [
  'id',
  'number',
  'organisation_id',
  'product_id',
  'contract_id',
  'plan_version_id',
  'calendar_hash',
  'category_id',
  'impact',
  'priority',
  'top_priority',
  'channel',
  'status',
  'billable',
  'hourly_rate_minor',
  'hourly_rate_currency',
  'requester_account_id',
  'created_by_account_id',
  'subject',
  'environment',
  'platform',
  'platform_version',
  'assignee_account_id',
  'assigned_at',
  'created_at',
  'updated_at',
  'last_public_message_at',
  'first_resolved_at',
  'resolved_at',
  'closed_at',
  'close_reason',
  'close_note',
  'out_of_scope_key',
  'merged_into_id',
  'follow_up_of_id',
  'known_issue_id',
  'next_due_at',
  'sla_state',
] as const;

export type TicketRowLite = Omit<TicketRow, 'search_public' | 'search_all'>;

/**
 * A ticket, limited to the viewer's organisation (another's answers NOT_FOUND like a missing one).
 * `forUpdate` locks the row for the rest of the transaction: every change to a ticket takes it first.
 */
export async function requireTicket(
  db: Kysely<Database>,
  id: string,
  organisationId: string | null,
  forUpdate = false,
): Promise<TicketRowLite> {
  let query = db.selectFrom('tickets').select(TICKET_COLUMNS).where('id', '=', id);
  if (organisationId !== null) query = query.where('organisation_id', '=', organisationId);
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No ticket ${id}.`);
  return row;
}

type ListQuery = (typeof TicketListQuerySchema)['_output'];

/**
 * Tickets newest first, with full-text search (tsvector + GIN) over subjects and messages: a customer
 * searches only public text of its own organisation; staff search internal notes too.
 */
export async function listTickets(
  db: Kysely<Database>,
  viewer: Viewer,
  query: ListQuery,
): Promise<Page<Ticket>> {
  const orgFilter = viewer.kind === 'customer' ? viewer.organisationId : (query.organisationId ?? null);
  let q = db.selectFrom('tickets').select(TICKET_COLUMNS);
  if (orgFilter !== null) q = q.where('organisation_id', '=', orgFilter);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.productId) q = q.where('product_id', '=', query.productId);
  if (query.sla) q = q.where('sla_state', '=', query.sla);
  if (query.assigneeAccountId) q = q.where('assignee_account_id', '=', query.assigneeAccountId);
  if (query.q) {
    const column = viewer.kind === 'customer' ? sql.ref('search_public') : sql.ref('search_all');
    q = q.where(sql<boolean>`${column} @@ websearch_to_tsquery('english', ${query.q})`);
  }
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const kept = rows.slice(0, query.limit);
  return {
    items: kept.map((r) => toTicket(r as TicketRow)),
    nextCursor: rows.length > query.limit ? (kept.at(-1)?.id ?? null) : null,
  };
}

/** A queue position: the row's sort key (not top priority, due or +infinity, id), all ascending. */
type QueueCursor = { later: boolean; due: string | null; id: string };

function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string): QueueCursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as QueueCursor;
    const dueOk = c.due === null || (typeof c.due === 'string' && !Number.isNaN(Date.parse(c.due)));
    if (typeof c.later === 'boolean' && typeof c.id === 'string' && dueOk) return c;
  } catch {
    // fall through to the validation error
  }
  throw new AppError('VALIDATION_FAILED', 'Invalid request: querystring.cursor: not a queue cursor', [
    {
      path: 'querystring.cursor',
      rule: 'invalid_format',
      message: 'pass the nextCursor of the previous page',
    },
  ]);
}

// The queue order as one ascending key, the expression tickets_queue_idx is built on (migration 0009).
const QUEUE_KEY = sql`(NOT top_priority, COALESCE(next_due_at, 'infinity'::timestamptz), id)`;

/**
 * The agent queue (R2.6): open tickets, top priority first (S4 total outage), then by the next due
 * instant (S1: one by one in deadline order), tickets without a running clock last. One index range
 * scan of tickets_queue_idx from a keyset cursor (one row comparison on the same key).
 */
export async function queuePage(
  db: Kysely<Database>,
  query: {
    limit: number;
    cursor?: string | undefined;
    productId?: string | undefined;
    assigneeAccountId?: string | undefined;
  },
): Promise<Page<Ticket>> {
  let q = db
    .selectFrom('tickets')
    .select(TICKET_COLUMNS)
    .where('status', 'in', [...OPEN_STATUSES]);
  if (query.productId) q = q.where('product_id', '=', query.productId);
  if (query.assigneeAccountId) q = q.where('assignee_account_id', '=', query.assigneeAccountId);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    const due = c.due === null ? sql`'infinity'::timestamptz` : sql`${new Date(c.due)}::timestamptz`;
    q = q.where(sql<boolean>`${QUEUE_KEY} > (${c.later}, ${due}, ${c.id})`);
  }
  const rows = await q
    .orderBy(sql`NOT top_priority`)
    .orderBy(sql`COALESCE(next_due_at, 'infinity'::timestamptz)`)
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  const kept = rows.slice(0, query.limit);
  const last = kept.at(-1);
  return {
    items: kept.map((r) => toTicket(r as TicketRow)),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ later: !last.top_priority, due: iso(last.next_due_at), id: last.id })
        : null,
  };
}
