import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { maintenanceWindowAt } from '../../core/ticket/intake.ts';
import type { Page } from '../../schema/pagination.schema.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { loadClocks, toClockView } from './sla-clocks.repository.ts';
import { deskPlanOf } from './ticket-plan.ts';
import { requireTicket, type TicketRow, type TicketRowLite, toTicket } from './ticket-read.ts';
import { budgetsFor } from './time.service.ts';

const orgOf = (viewer: Viewer) => (viewer.kind === 'customer' ? viewer.organisationId : null);

/** A ticket with its clocks (consumed time to now), links, the maintenance notice and the budgets the viewer may see. */
export async function ticketDetail(db: Kysely<Database>, viewer: Viewer, ticketId: string, now: Date) {
  const ticket = await requireTicket(db, ticketId, orgOf(viewer));
  return detailOf(db, ticket, viewer, now);
}

/** The detail of a ticket the caller already checked the viewer may see. */
export async function detailOf(db: Kysely<Database>, ticket: TicketRowLite, viewer: Viewer, now: Date) {
  const desk = await deskPlanOf(db, ticket.plan_version_id);
  const clocks = await loadClocks(db, ticket.id);
  const links = await db
    .selectFrom('ticket_links')
    .select(['ticket_id', 'linked_ticket_id', 'kind', 'created_at'])
    .where((eb) => eb.or([eb('ticket_id', '=', ticket.id), eb('linked_ticket_id', '=', ticket.id)]))
    .orderBy('created_at')
    .execute();
  const order = ['assignment', 'firstResponse', 'nextResponse', 'resolution'];
  return {
    ...toTicket(ticket as TicketRow),
    sla: clocks
      .map((c) => toClockView(c, desk.calendars, now))
      .sort((a, b) => order.indexOf(a.metric) - order.indexOf(b.metric)),
    links: links.map((l) => ({
      ticketId: l.ticket_id === ticket.id ? l.linked_ticket_id : l.ticket_id,
      kind: l.kind,
      direction: l.ticket_id === ticket.id ? ('outgoing' as const) : ('incoming' as const),
      createdAt: l.created_at.toISOString(),
    })),
    maintenance: maintenanceWindowAt(desk.plan, Temporal.Instant.fromEpochMilliseconds(now.getTime())),
    budgets: ticket.contract_id === null ? [] : await budgetsFor(db, ticket.contract_id, viewer, now),
  };
}

/**
 * A ticket's conversation, oldest first, with the messages of tickets merged into it (R2.8: the
 * closed duplicate's messages stay reachable from the survivor). Customers never see internal notes.
 */
export async function listMessages(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<MessageView>> {
  const ticket = await requireTicket(db, ticketId, orgOf(viewer));
  const merged = await db
    .selectFrom('tickets')
    .select('id')
    .where('merged_into_id', '=', ticket.id)
    .execute();
  const ids = [ticket.id, ...merged.map((m) => m.id)];
  let q = db
    .selectFrom('ticket_messages')
    .select(['id', 'ticket_id', 'author_account_id', 'author_kind', 'visibility', 'body', 'created_at'])
    .where('ticket_id', 'in', ids);
  if (viewer.kind === 'customer') q = q.where('visibility', '=', 'public');
  if (page.cursor) q = q.where('id', '>', page.cursor);
  const rows = await q
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  const kept = rows.slice(0, page.limit);
  return {
    items: kept.map(toMessage),
    nextCursor: rows.length > page.limit ? (kept.at(-1)?.id ?? null) : null,
  };
}

export type MessageView = {
  id: string;
  ticketId: string;
  authorAccountId: string | null;
  authorKind: 'customer' | 'agent' | 'system';
  visibility: 'public' | 'internal';
  body: string;
  createdAt: string;
};

export function toMessage(r: {
  id: string;
  ticket_id: string;
  author_account_id: string | null;
  author_kind: string;
  visibility: string;
  body: string;
  created_at: Date;
}): MessageView {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    authorAccountId: r.author_account_id,
    authorKind: r.author_kind as MessageView['authorKind'],
    visibility: r.visibility as MessageView['visibility'],
    body: r.body,
    createdAt: r.created_at.toISOString(),
  };
}

export async function messageById(db: Kysely<Database>, id: string): Promise<MessageView> {
  const row = await db
    .selectFrom('ticket_messages')
    .select(['id', 'ticket_id', 'author_account_id', 'author_kind', 'visibility', 'body', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return toMessage(row);
}
