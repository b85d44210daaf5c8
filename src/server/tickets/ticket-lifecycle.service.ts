import { type Kysely, sql } from 'kysely';
import { flattenCategories } from '../../core/plan/plan.categories.ts';
import type { Impact } from '../../core/plan/plan-desk.schema.ts';
import type { ClockEvent } from '../../core/ticket/ticket-clocks.ts';
import type { TicketCreateRequest } from '../../schema/tickets.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import {
  afterCustomerText,
  closeTicket,
  linkTickets,
  mergeInto,
  refuseIfPostFlooding,
  scheduleAutoClose,
} from './ticket-automations.ts';
import { applyTicketClockEvent, retargetTicketClocks } from './ticket-clock-events.ts';
import { createTicket, isTopPriority } from './ticket-create.service.ts';
import { deskPlanOf } from './ticket-plan.ts';
import { requireTicket, type TicketRowLite } from './ticket-read.ts';

const orgOf = (viewer: Viewer) => (viewer.kind === 'customer' ? viewer.organisationId : null);

export type PostedMessage = {
  messageId: string;
  ticketId: string;
  routed: 'posted' | 'to-survivor' | 'new-follow-up' | 'reopened';
};

/** The survivor of a merged ticket, following the chain (a merge into a ticket later merged again). */
async function survivorOf(db: Kysely<Database>, ticket: TicketRowLite): Promise<TicketRowLite> {
  let current = ticket;
  for (let hops = 0; current.status === 'merged' && current.merged_into_id !== null && hops < 20; hops++) {
    current = await requireTicket(db, current.merged_into_id, null);
  }
  return current;
}

/**
 * Posts a message (R2.2): a public reply or an internal note (agents only; customers never see one).
 * A reply to a merged ticket lands on its survivor (R2.8); a customer reply to a closed ticket opens
 * a linked follow-up through the intake gate (R2.9, S1) or reopens it where the plan says so.
 */
export async function postMessage(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  input: { body: string; visibility: 'public' | 'internal' },
  now: Date,
): Promise<PostedMessage> {
  const isCustomer = viewer.kind === 'customer';
  if (isCustomer && input.visibility === 'internal')
    throw new AppError('FORBIDDEN', 'Customers post public replies only; internal notes are for agents.');
  let ticket = await requireTicket(db, ticketId, orgOf(viewer));
  let routed: PostedMessage['routed'] = 'posted';
  if (ticket.status === 'merged') {
    ticket = await survivorOf(db, ticket);
    routed = 'to-survivor';
  }
  const desk = await deskPlanOf(db, ticket.plan_version_id);
  if (ticket.status === 'closed') {
    if (!isCustomer)
      throw new AppError(
        'TICKET_STATE_CONFLICT',
        `Ticket ${ticket.id} is closed; a closed ticket takes no new messages.`,
      );
    if (desk.plan.automations.oneQuestionPerTicket?.replyToClosed !== 'reopen') {
      return followUp(db, viewer, ticket, input.body, now);
    }
    routed = 'reopened';
  }
  if (isCustomer) await refuseIfPostFlooding(db, desk.plan, ticket, now, viewer.accountId);
  return db.transaction().execute(async (trx) => {
    const locked = await requireTicket(trx, ticket.id, null, true);
    const messageId = await insertMessage(trx, locked, viewer, input, now);
    const reopened = isCustomer && (locked.status === 'closed' || locked.status === 'resolved');
    if (input.visibility === 'public') await afterPublicMessage(trx, locked, isCustomer, reopened, now);
    if (isCustomer) await afterCustomerText(trx, locked, desk.plan, messageId, input.body, viewer, now);
    return { messageId, ticketId: locked.id, routed: reopened ? 'reopened' : routed };
  });
}

async function insertMessage(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  viewer: Viewer,
  input: { body: string; visibility: 'public' | 'internal' },
  now: Date,
): Promise<string> {
  const id = newId('msg');
  await trx
    .insertInto('ticket_messages')
    .values({
      id,
      ticket_id: ticket.id,
      author_account_id: viewer.accountId,
      author_kind: viewer.kind === 'customer' ? 'customer' : 'agent',
      visibility: input.visibility,
      body: input.body,
      created_at: now,
    })
    .execute();
  const vector = sql`to_tsvector('english', ${input.body})`;
  await trx
    .updateTable('tickets')
    .set(
      input.visibility === 'public'
        ? ({
            search_public: sql`search_public || ${vector}`,
            search_all: sql`search_all || ${vector}`,
          } as never)
        : ({ search_all: sql`search_all || ${vector}` } as never),
    )
    .where('id', '=', ticket.id)
    .execute();
  return id;
}

/**
 * Status and clocks after a public message: an agent's answer stops the response clocks and opens a
 * new ticket; a customer's message starts the next-response clock, resumes a ticket waiting on them,
 * and reopens a resolved one. Both move the inactivity close (R2.7).
 */
async function afterPublicMessage(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  isCustomer: boolean,
  reopen: boolean,
  now: Date,
): Promise<void> {
  const events: ClockEvent[] = [];
  let status = ticket.status;
  if (isCustomer) {
    if (reopen) {
      events.push({ kind: 'reopened' });
      status = 'open';
    } else if (status === 'waiting-on-customer') {
      events.push({ kind: 'customer-answered' });
      status = 'open';
    }
    events.push({ kind: 'customer-replied' });
  } else {
    events.push({ kind: 'agent-replied' });
    if (status === 'new') status = 'open';
  }
  await trx
    .updateTable('tickets')
    .set({
      status,
      last_public_message_at: now,
      updated_at: now,
      closed_at: null,
      close_reason: null,
      resolved_at: reopen ? null : ticket.resolved_at,
    })
    .where('id', '=', ticket.id)
    .execute();
  for (const event of events) await applyTicketClockEvent(trx, { ...ticket, status }, event, now);
  const desk = await deskPlanOf(trx, ticket.plan_version_id);
  await scheduleAutoClose(trx, ticket.id, desk.plan, now, now);
  await enqueueNotice(
    trx,
    {
      topic: 'ticket.replied',
      organisationId: ticket.organisation_id,
      payload: {
        ticketId: ticket.id,
        by: isCustomer ? 'customer' : 'agent',
        accountId: ticket.requester_account_id,
      },
    },
    now,
  );
}

/** R2.9 (S1): a customer reply to a closed ticket opens a new ticket linked to it, through the gate. */
async function followUp(
  db: Kysely<Database>,
  viewer: Viewer,
  closed: TicketRowLite,
  body: string,
  now: Date,
): Promise<PostedMessage> {
  const request: TicketCreateRequest = {
    productId: closed.product_id,
    categoryId: closed.category_id,
    subject: closed.subject.startsWith('Follow-up: ')
      ? closed.subject
      : `Follow-up: ${closed.subject}`.slice(0, 200),
    description: body,
  };
  if (closed.impact !== null) request.impact = closed.impact as Impact;
  const { ticket } = await createTicket(db, request, { viewer, now });
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('tickets')
      .set({ follow_up_of_id: closed.id })
      .where('id', '=', ticket.id)
      .execute();
    await linkTickets(trx, ticket.id, closed.id, 'follow-up-of', viewer.accountId, now);
  });
  const first = await db
    .selectFrom('ticket_messages')
    .select('id')
    .where('ticket_id', '=', ticket.id)
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  return { messageId: first.id, ticketId: ticket.id, routed: 'new-follow-up' };
}

/**
 * Agent status changes: open, waiting on the customer (R2.5: clocks pause where the plan says so),
 * resolved (R2.9, S1: a resolved ticket closes at once).
 */
export async function changeStatus(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  status: 'open' | 'waiting-on-customer' | 'resolved',
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    if (ticket.status === 'closed' || ticket.status === 'merged')
      throw new AppError(
        'TICKET_STATE_CONFLICT',
        `Ticket ${ticket.id} is ${ticket.status}; it cannot change status.`,
      );
    if (ticket.status === status) return;
    const desk = await deskPlanOf(trx, ticket.plan_version_id);
    const event = clockEventOf(ticket.status, status);
    await trx
      .updateTable('tickets')
      .set({
        status,
        updated_at: now,
        resolved_at: status === 'resolved' ? now : null,
        first_resolved_at:
          status === 'resolved' ? (ticket.first_resolved_at ?? now) : ticket.first_resolved_at,
      })
      .where('id', '=', ticket.id)
      .execute();
    if (event) await applyTicketClockEvent(trx, { ...ticket, status }, event, now);
    await recordAudit(
      trx,
      {
        action: 'ticket.status-changed',
        viewer,
        organisationId: ticket.organisation_id,
        subjectType: 'ticket',
        subjectId: ticket.id,
        details: { from: ticket.status, to: status },
      },
      now,
    );
    if (status === 'resolved') {
      await enqueueNotice(
        trx,
        {
          topic: 'ticket.resolved',
          dedupeKey: `ticket.resolved:${ticket.id}:${now.getTime()}`,
          organisationId: ticket.organisation_id,
          payload: { ticketId: ticket.id, accountId: ticket.requester_account_id },
        },
        now,
      );
      if (desk.plan.automations.oneQuestionPerTicket?.closeOnResolve) {
        await closeTicket(trx, { ...ticket, status }, { status: 'closed', reason: 'resolved' }, viewer, now);
      }
    }
  });
}

function clockEventOf(from: string, to: string): ClockEvent | null {
  if (to === 'waiting-on-customer') return { kind: 'waiting-on-customer' };
  if (to === 'resolved') return { kind: 'resolved' };
  if (from === 'waiting-on-customer') return { kind: 'customer-answered' };
  if (from === 'resolved') return { kind: 'reopened' };
  return null;
}

/** Closes a ticket by hand: out of scope with one of the plan's reasons (R1.6), or simply closed. */
export async function closeByAgent(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  input: {
    reason: 'out-of-scope' | 'by-agent';
    outOfScopeKey?: string | undefined;
    note?: string | undefined;
  },
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    const desk = await deskPlanOf(trx, ticket.plan_version_id);
    if (input.reason === 'out-of-scope') {
      const keys = desk.plan.outOfScope.map((o) => o.key);
      if (input.outOfScopeKey === undefined || !keys.includes(input.outOfScopeKey)) {
        const allowed =
          keys.length > 0 ? `one of: ${keys.join(', ')}` : 'this plan lists no out-of-scope reasons';
        throw new AppError('VALIDATION_FAILED', `Invalid request: body.outOfScopeKey: ${allowed}`, [
          { path: 'body.outOfScopeKey', rule: 'plan_out_of_scope', message: allowed },
        ]);
      }
    }
    const closed = await closeTicket(
      trx,
      ticket,
      {
        status: 'closed',
        reason: input.reason,
        outOfScopeKey: input.outOfScopeKey ?? null,
        note: input.note ?? null,
      },
      viewer,
      now,
    );
    if (!closed)
      throw new AppError('TICKET_STATE_CONFLICT', `Ticket ${ticket.id} is already ${ticket.status}.`);
  });
}

/** Priority, category or impact changed: clocks re-targeted keeping the time used (R2.4); top priority recomputed (R2.6). */
export async function updateTicket(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  patch: {
    priority?: string | undefined;
    categoryId?: string | undefined;
    impact?: Impact | null | undefined;
  },
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    const desk = await deskPlanOf(trx, ticket.plan_version_id);
    const categoryId = patch.categoryId ?? ticket.category_id;
    const impact = patch.impact === undefined ? (ticket.impact as Impact | null) : patch.impact;
    const ids = flattenCategories(desk.plan.categories).map((f) => f.category.id);
    if (!ids.includes(categoryId)) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Invalid request: body.categoryId: not a category of this plan',
        [{ path: 'body.categoryId', rule: 'plan_category', message: `one of: ${ids.join(', ')}` }],
      );
    }
    const top = isTopPriority(desk.plan, categoryId, impact);
    const priority = top ? 'urgent' : (patch.priority ?? ticket.priority);
    await trx
      .updateTable('tickets')
      .set({ category_id: categoryId, impact, priority, top_priority: top, updated_at: now })
      .where('id', '=', ticket.id)
      .execute();
    await retargetTicketClocks(trx, ticket, categoryId, impact, now);
    await recordAudit(
      trx,
      {
        action: 'ticket.updated',
        viewer,
        organisationId: ticket.organisation_id,
        subjectType: 'ticket',
        subjectId: ticket.id,
        details: { categoryId, impact, priority },
      },
      now,
    );
  });
}

/** S3 4.1: the dispatcher appoints the responsible engineer; the assignment clock stops then. */
export async function assignTicket(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  assigneeAccountId: string | null,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    if (ticket.status === 'closed' || ticket.status === 'merged')
      throw new AppError('TICKET_STATE_CONFLICT', `Ticket ${ticket.id} is ${ticket.status}.`);
    const assignee = assigneeAccountId ?? viewer.accountId;
    if (assignee === null) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Invalid request: body.assigneeAccountId: required for API keys',
        [{ path: 'body.assigneeAccountId', rule: 'required', message: 'name the agent to assign' }],
      );
    }
    const agent = await trx
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', assignee)
      .where('role', 'in', ['agent', 'admin'])
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (!agent) throw new AppError('NOT_FOUND', `No active agent ${assignee}.`);
    await trx
      .updateTable('tickets')
      .set({
        assignee_account_id: assignee,
        assigned_at: ticket.assigned_at ?? now,
        updated_at: now,
        status: ticket.status === 'new' ? 'open' : ticket.status,
      })
      .where('id', '=', ticket.id)
      .execute();
    await applyTicketClockEvent(trx, ticket, { kind: 'assigned' }, now);
    await recordAudit(
      trx,
      {
        action: 'ticket.assigned',
        viewer,
        organisationId: ticket.organisation_id,
        subjectType: 'ticket',
        subjectId: ticket.id,
        details: { assigneeAccountId: assignee },
      },
      now,
    );
  });
}

/** An agent marks two tickets as the same issue (R2.8): this one closes into the other. */
export async function mergeByAgent(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  intoTicketId: string,
  now: Date,
): Promise<void> {
  if (ticketId === intoTicketId)
    throw new AppError(
      'VALIDATION_FAILED',
      'Invalid request: body.intoTicketId: cannot merge a ticket into itself',
      [{ path: 'body.intoTicketId', rule: 'different_ticket', message: 'name another ticket' }],
    );
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    const into = await requireTicket(trx, intoTicketId, null, true);
    if (into.organisation_id !== ticket.organisation_id || into.product_id !== ticket.product_id)
      throw new AppError(
        'VALIDATION_FAILED',
        'Invalid request: body.intoTicketId: another customer or product',
        [
          {
            path: 'body.intoTicketId',
            rule: 'same_customer_and_product',
            message: 'a duplicate has the same customer and product (R2.8)',
          },
        ],
      );
    if (into.status === 'closed' || into.status === 'merged')
      throw new AppError(
        'TICKET_STATE_CONFLICT',
        `Ticket ${into.id} is ${into.status}; merge into an open ticket.`,
      );
    if (!(await mergeInto(trx, ticket, into.id, viewer, now)))
      throw new AppError('TICKET_STATE_CONFLICT', `Ticket ${ticket.id} is already ${ticket.status}.`);
  });
}

/** Links two tickets of one organisation as related (duplicates merge; follow-ups link themselves). */
export async function linkRelated(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  otherId: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    const other = await requireTicket(trx, otherId, null);
    if (other.id === ticket.id || other.organisation_id !== ticket.organisation_id)
      throw new AppError(
        'VALIDATION_FAILED',
        'Invalid request: body.ticketId: another ticket of the same organisation',
        [
          {
            path: 'body.ticketId',
            rule: 'same_organisation',
            message: 'link another ticket of the same customer',
          },
        ],
      );
    await linkTickets(trx, ticket.id, other.id, 'related', viewer.accountId, now);
  });
}
