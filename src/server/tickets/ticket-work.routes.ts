import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ContractIdParamsSchema } from '../../schema/contracts.schema.ts';
import { PageQuerySchema, pageOf } from '../../schema/pagination.schema.ts';
import {
  ContractBudgetsSchema,
  EstimateAgreeSchema,
  EstimateCreateSchema,
  EstimateSchema,
  KnownIssueCreateSchema,
  KnownIssueIdParamsSchema,
  KnownIssueLinkSchema,
  KnownIssueListQuerySchema,
  KnownIssueSchema,
  KnownIssueUpdateSchema,
  ModificationCreateSchema,
  ModificationSchema,
  TicketTimeSchema,
  TimeEntryCreateSchema,
  TimeLoggedSchema,
} from '../../schema/ticket-work.schema.ts';
import { TicketDetailSchema, TicketIdParamsSchema } from '../../schema/tickets.schema.ts';
import { viewerOf } from '../auth/access.ts';
import { errorResponses } from '../http/responses.ts';
import { agreeEstimate, proposeEstimate } from './estimates.service.ts';
import {
  createKnownIssue,
  getKnownIssue,
  linkKnownIssue,
  listKnownIssues,
  updateKnownIssue,
} from './known-issues.service.ts';
import { listModifications, storeModification } from './modifications.service.ts';
import { detailOf } from './ticket-detail.ts';
import { requireTicket } from './ticket-read.ts';
import {
  DENIED,
  TAGS,
  TICKETS_READ,
  TICKETS_STAFF,
  TICKETS_STAFF_READ,
  TICKETS_WRITE,
  type TicketRouteDeps,
} from './tickets.routes.ts';
import { contractBudgetsFor, logTime, ticketTime } from './time.service.ts';

const CONTRACTS_READ = { scope: 'contracts:read', customer: true } as const;
const WRITE_ERRORS = ['VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'] as const;

/** Time entries, estimates and budgets (R2.10), completed modifications (R2.11), known issues (R2.12). */
export function registerTicketWorkRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  registerTimeRoutes(app, deps);
  registerEstimateRoutes(app, deps);
  registerModificationRoutes(app, deps);
  registerKnownIssueRoutes(app, deps);
}

function registerTimeRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.post('/v1/tickets/:id/time', {
    config: { access: TICKETS_STAFF },
    schema: {
      tags: TAGS,
      summary:
        'Log time on a ticket by category (R2.10); budgets cap it per period, some need an agreed estimate.',
      description:
        "Over a budget of the contract's plan answers 422 BUDGET_EXCEEDED naming what remains (S3: 10 h of category 2.4 " +
        "per calendar month in the plan's time zone). A category that needs the customer's prior agreement answers 409 " +
        'ESTIMATE_NOT_AGREED without an agreed estimate, or beyond its minutes.',
      params: TicketIdParamsSchema,
      body: TimeEntryCreateSchema,
      response: {
        201: TimeLoggedSchema,
        ...errorResponses(...WRITE_ERRORS, 'TICKET_STATE_CONFLICT', 'BUDGET_EXCEEDED', 'ESTIMATE_NOT_AGREED'),
      },
    },
    handler: async (request, reply) => {
      const viewer = viewerOf(request);
      const entry = await logTime(db, viewer, request.params.id, request.body, clock());
      const time = await ticketTime(db, viewer, request.params.id, clock());
      return reply.code(201).send({ ...time, entry });
    },
  });

  r.get('/v1/tickets/:id/time', {
    config: { access: TICKETS_READ },
    schema: {
      tags: TAGS,
      summary:
        "A ticket's time entries, its current estimate and its contract's budgets (the customer sees them too).",
      params: TicketIdParamsSchema,
      response: { 200: TicketTimeSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => ticketTime(db, viewerOf(request), request.params.id, clock()),
  });

  r.get('/v1/contracts/:id/budgets', {
    config: { access: CONTRACTS_READ },
    schema: {
      tags: ['contracts'],
      summary:
        "The contract's budgets this period: cap, used and remaining minutes (R2.10: the customer sees what remains).",
      params: ContractIdParamsSchema,
      response: {
        200: ContractBudgetsSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => contractBudgetsFor(db, viewerOf(request), request.params.id, clock()),
  });
}

function registerEstimateRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.post('/v1/tickets/:id/estimate', {
    config: { access: TICKETS_STAFF },
    schema: {
      tags: TAGS,
      summary:
        'Propose an estimate for the customer to agree to (R2.10, S3 2.4); it replaces the current one.',
      params: TicketIdParamsSchema,
      body: EstimateCreateSchema,
      response: { 201: EstimateSchema, ...errorResponses(...WRITE_ERRORS, 'TICKET_STATE_CONFLICT') },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await proposeEstimate(db, viewerOf(request), request.params.id, request.body, clock())),
  });

  r.post('/v1/tickets/:id/estimate/agree', {
    config: { access: TICKETS_WRITE },
    schema: {
      tags: TAGS,
      summary:
        "The ticket's customer agrees to the current estimate; staff cannot agree on its behalf (403).",
      description:
        'Agreeing twice changes nothing. Pass `estimateId` to agree only to the estimate you read: one replaced meanwhile ' +
        'answers 409 TICKET_STATE_CONFLICT, as does a ticket without an estimate.',
      params: TicketIdParamsSchema,
      body: EstimateAgreeSchema,
      response: { 200: EstimateSchema, ...errorResponses(...WRITE_ERRORS, 'TICKET_STATE_CONFLICT') },
    },
    handler: async (request) =>
      agreeEstimate(db, viewerOf(request), request.params.id, request.body?.estimateId, clock()),
  });
}

function registerModificationRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.post('/v1/contracts/:id/modifications', {
    config: { access: TICKETS_STAFF },
    schema: {
      tags: ['contracts'],
      summary: "Store a completed modification with the customer's contract (R2.11, S3 2.2).",
      description:
        'A `ticketId` must name a ticket of this contract (400 naming body.ticketId; 422 for none at all).',
      params: ContractIdParamsSchema,
      body: ModificationCreateSchema,
      response: { 201: ModificationSchema, ...errorResponses(...WRITE_ERRORS, 'UNKNOWN_REFERENCE') },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await storeModification(db, viewerOf(request), request.params.id, request.body, clock())),
  });

  r.get('/v1/contracts/:id/modifications', {
    config: { access: CONTRACTS_READ },
    schema: {
      tags: ['contracts'],
      summary: "A contract's completed modifications, oldest first (a customer sees its own contracts').",
      params: ContractIdParamsSchema,
      querystring: PageQuerySchema,
      response: {
        200: pageOf(ModificationSchema, 'ContractModificationPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => listModifications(db, viewerOf(request), request.params.id, request.query),
  });
}

function registerKnownIssueRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;
  const tags = ['known-issues'];

  r.post('/v1/known-issues', {
    config: { access: TICKETS_STAFF },
    schema: {
      tags,
      summary: 'Record a known issue of a product, optionally with the version that will fix it (R2.12).',
      body: KnownIssueCreateSchema,
      response: { 201: KnownIssueSchema, ...errorResponses(...WRITE_ERRORS, 'UNKNOWN_REFERENCE') },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createKnownIssue(db, viewerOf(request), request.body, clock())),
  });

  r.get('/v1/known-issues', {
    config: { access: TICKETS_STAFF_READ },
    schema: {
      tags,
      summary: 'Known issues, newest first, by product and status.',
      querystring: KnownIssueListQuerySchema,
      response: {
        200: pageOf(KnownIssueSchema, 'KnownIssuePage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => listKnownIssues(db, request.query),
  });

  r.get('/v1/known-issues/:id', {
    config: { access: TICKETS_STAFF_READ },
    schema: {
      tags,
      summary: 'One known issue with the number of tickets still waiting for its fix.',
      params: KnownIssueIdParamsSchema,
      response: { 200: KnownIssueSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => getKnownIssue(db, request.params.id),
  });

  r.patch('/v1/known-issues/:id', {
    config: { access: TICKETS_STAFF },
    schema: {
      tags,
      summary:
        'Edit a known issue or plan its fix: a version already released closes the linked tickets at once.',
      params: KnownIssueIdParamsSchema,
      body: KnownIssueUpdateSchema,
      response: { 200: KnownIssueSchema, ...errorResponses(...WRITE_ERRORS) },
    },
    handler: async (request) =>
      updateKnownIssue(db, viewerOf(request), request.params.id, request.body, clock()),
  });

  r.post('/v1/tickets/:id/known-issue', {
    config: { access: TICKETS_STAFF },
    schema: {
      tags: TAGS,
      summary:
        "Link a ticket to a known issue of its product (R2.12); it closes when the fix's release is published.",
      description:
        'Another product’s issue answers 400 naming body.knownIssueId; an issue already fixed closes the ticket at once.',
      params: TicketIdParamsSchema,
      body: KnownIssueLinkSchema,
      response: {
        200: TicketDetailSchema,
        ...errorResponses(...WRITE_ERRORS, 'TICKET_STATE_CONFLICT', 'UNKNOWN_REFERENCE'),
      },
    },
    handler: async (request) => {
      await linkKnownIssue(db, viewerOf(request), request.params.id, request.body.knownIssueId, clock());
      return detailOf(db, await requireTicket(db, request.params.id, null), viewerOf(request), clock());
    },
  });
}
