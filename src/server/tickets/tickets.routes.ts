import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { PageQuerySchema, pageOf } from '../../schema/pagination.schema.ts';
import {
  AssignRequestSchema,
  CloseRequestSchema,
  LinkRequestSchema,
  MergeRequestSchema,
  MessageCreateRequestSchema,
  MessagePostedSchema,
  QueueQuerySchema,
  StatusChangeRequestSchema,
  TicketCreateRequestSchema,
  TicketDetailSchema,
  TicketIdParamsSchema,
  TicketListQuerySchema,
  TicketMessageSchema,
  TicketSchema,
  TicketUpdateRequestSchema,
} from '../../schema/tickets.schema.ts';
import { type Viewer, viewerOf } from '../auth/access.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { errorResponses } from '../http/responses.ts';
import { createTicket } from './ticket-create.service.ts';
import { detailOf, listMessages, messageById, ticketDetail } from './ticket-detail.ts';
import {
  assignTicket,
  changeStatus,
  closeByAgent,
  linkRelated,
  mergeByAgent,
  postMessage,
  updateTicket,
} from './ticket-lifecycle.service.ts';
import { listTickets, queuePage, requireTicket, type TicketRow, toTicket } from './ticket-read.ts';

export type TicketRouteDeps = {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
};

export const TICKETS_READ = { scope: 'tickets:read', customer: true } as const;
export const TICKETS_WRITE = { scope: 'tickets:write', customer: true } as const;
export const TICKETS_STAFF = { scope: 'tickets:write' } as const;
export const TICKETS_STAFF_READ = { scope: 'tickets:read' } as const;
export const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
export const TAGS = ['tickets'];

/** The help desk's ticket routes: open (behind the gate), read, search, queue, converse, work. */
export function registerTicketRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;
  /** Staff routes answer with the detail as staff see it. */
  const detail = async (id: string, viewer: Viewer) =>
    detailOf(db, await requireTicket(db, id, null), viewer, clock());

  r.post('/v1/tickets', {
    config: { access: TICKETS_WRITE },
    schema: {
      tags: TAGS,
      summary:
        'Open a ticket (R2.2) behind the intake gate (R1.1–R1.7): refused ones answer 422 TICKET_REFUSED.',
      description:
        'The gate reads the contract for the product and its plan: active coverage, desk registration, the product-update ' +
        'subscription, the platform version, the channel, the phone quota, suspensions. A refusal is stored with its reason ' +
        '(`GET /v1/ticket-refusals`); `details.reason` names it. Without a contract, an hourly plan accepts the ticket as billable.',
      body: TicketCreateRequestSchema,
      response: {
        201: TicketDetailSchema,
        ...errorResponses(
          'VALIDATION_FAILED',
          ...DENIED,
          'CSRF_FAILED',
          'NOT_FOUND',
          'TICKET_REFUSED',
          'RATE_LIMITED',
        ),
      },
    },
    handler: async (request, reply) => {
      const viewer = viewerOf(request);
      const { ticket } = await createTicket(db, request.body, {
        viewer,
        now: clock(),
        autoAssign: deps.config.autoAssign,
      });
      return reply.code(201).send(await detailOf(db, ticket, viewer, clock()));
    },
  });

  r.get('/v1/tickets', {
    config: { access: TICKETS_READ },
    schema: {
      tags: TAGS,
      summary:
        'List and search tickets, newest first (a customer sees only its organisation, public text only).',
      querystring: TicketListQuerySchema,
      response: {
        200: pageOf(TicketSchema, 'TicketPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => listTickets(db, viewerOf(request), request.query),
  });

  r.get('/v1/tickets/queue', {
    config: { access: TICKETS_STAFF_READ },
    schema: {
      tags: TAGS,
      summary: 'The agent queue: top priority first (R2.6, S4), then by the next due instant (S1).',
      querystring: QueueQuerySchema,
      response: {
        200: pageOf(TicketSchema, 'TicketQueuePage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => queuePage(db, request.query),
  });

  r.get('/v1/tickets/:id', {
    config: { access: TICKETS_READ },
    schema: {
      tags: TAGS,
      summary:
        'One ticket with its SLA clocks (consumed time to now), links, maintenance notice and budgets.',
      params: TicketIdParamsSchema,
      response: { 200: TicketDetailSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => ticketDetail(db, viewerOf(request), request.params.id, clock()),
  });

  r.patch('/v1/tickets/:id', {
    config: { access: TICKETS_STAFF },
    schema: {
      tags: TAGS,
      summary: 'Change priority, category or impact: clocks are re-targeted keeping the time used (R2.4).',
      params: TicketIdParamsSchema,
      body: TicketUpdateRequestSchema,
      response: {
        200: TicketDetailSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      await updateTicket(db, viewerOf(request), request.params.id, request.body, clock());
      return detail(request.params.id, viewerOf(request));
    },
  });

  r.get('/v1/tickets/:id/messages', {
    config: { access: TICKETS_READ },
    schema: {
      tags: TAGS,
      summary:
        'The conversation, oldest first, with merged duplicates’ messages; customers see no internal notes.',
      params: TicketIdParamsSchema,
      querystring: PageQuerySchema,
      response: {
        200: pageOf(TicketMessageSchema, 'TicketMessagePage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => listMessages(db, viewerOf(request), request.params.id, request.query),
  });

  r.post('/v1/tickets/:id/messages', {
    config: { access: TICKETS_WRITE },
    schema: {
      tags: TAGS,
      summary:
        'Reply (public) or add an internal note (agents). A reply to a merged ticket lands on its survivor (R2.8).',
      description:
        'A customer reply to a closed ticket opens a new ticket linked to it (R2.9, S1), through the intake gate; `routed` ' +
        'says where the message went. Too many posts in a short time answer 429 RATE_LIMITED and are flagged (R1.5).',
      params: TicketIdParamsSchema,
      body: MessageCreateRequestSchema,
      response: {
        201: MessagePostedSchema,
        ...errorResponses(
          'VALIDATION_FAILED',
          ...DENIED,
          'CSRF_FAILED',
          'NOT_FOUND',
          'TICKET_STATE_CONFLICT',
          'TICKET_REFUSED',
          'RATE_LIMITED',
        ),
      },
    },
    handler: async (request, reply) => {
      const posted = await postMessage(db, viewerOf(request), request.params.id, request.body, clock());
      const ticket = toTicket((await requireTicket(db, posted.ticketId, null)) as TicketRow);
      return reply
        .code(201)
        .send({ message: await messageById(db, posted.messageId), ticket, routed: posted.routed });
    },
  });

  registerWorkRoutes(app, deps, detail);
}

const staffWrite = <B extends z.ZodType>(
  summary: string,
  body: B,
  extra: Parameters<typeof errorResponses> = [],
) => ({
  tags: TAGS,
  summary,
  params: TicketIdParamsSchema,
  body,
  response: {
    200: TicketDetailSchema,
    ...errorResponses(
      'VALIDATION_FAILED',
      ...DENIED,
      'CSRF_FAILED',
      'NOT_FOUND',
      'TICKET_STATE_CONFLICT',
      ...extra,
    ),
  },
});

function registerWorkRoutes(
  app: FastifyInstance,
  deps: TicketRouteDeps,
  detail: (id: string, viewer: Viewer) => ReturnType<typeof detailOf>,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  /** A staff action on a ticket: run it, then answer with the ticket as staff see it. */
  const action = <B extends z.ZodType>(
    verb: string,
    summary: string,
    body: B,
    run: (viewer: Viewer, id: string, body: z.infer<B>) => Promise<void>,
  ) =>
    r.post(`/v1/tickets/:id/${verb}`, {
      config: { access: TICKETS_STAFF },
      schema: staffWrite(summary, body),
      handler: async (request) => {
        const viewer = viewerOf(request);
        await run(viewer, request.params.id, request.body as z.infer<B>);
        return detail(request.params.id, viewer);
      },
    });

  action(
    'status',
    'Set open, waiting on the customer (clocks pause, R2.5) or resolved (S1: closes at once, R2.9).',
    StatusChangeRequestSchema,
    (viewer, id, body) => changeStatus(db, viewer, id, body.status, clock()),
  );
  action(
    'close',
    'Close by hand, e.g. out of scope with one of the plan’s reasons (R1.6).',
    CloseRequestSchema,
    (viewer, id, body) => closeByAgent(db, viewer, id, body, clock()),
  );
  action(
    'assign',
    'Appoint the responsible engineer (S3 4.1: the assignment clock stops). Omit the id to take it yourself.',
    AssignRequestSchema,
    (viewer, id, body) => assignTicket(db, viewer, id, body.assigneeAccountId ?? null, clock()),
  );
  action(
    'links',
    'Link another ticket of the same customer as related.',
    LinkRequestSchema,
    (viewer, id, body) => linkRelated(db, viewer, id, body.ticketId, clock()),
  );
  action(
    'merge',
    'Mark as the same issue (R2.8): this ticket closes into the other and links to it.',
    MergeRequestSchema,
    (viewer, id, body) => mergeByAgent(db, viewer, id, body.intoTicketId, clock()),
  );
}
