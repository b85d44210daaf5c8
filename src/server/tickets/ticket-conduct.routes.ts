import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PageQuerySchema, pageOf } from '../../schema/pagination.schema.ts';
import { SystemIdParamsSchema } from '../../schema/systems.schema.ts';
import {
  AttachmentParamsSchema,
  AttachmentUploadQuerySchema,
  FlagDecisionRequestSchema,
  FlagIdParamsSchema,
  FlagListQuerySchema,
  RefusalListQuerySchema,
  SystemEventCreateRequestSchema,
  SystemEventListQuerySchema,
  SystemEventRecordedSchema,
  SystemEventSchema,
  type TicketAttachment,
  TicketAttachmentSchema,
  TicketFlagSchema,
} from '../../schema/ticket-conduct.schema.ts';
import { IntakeRefusalSchema, TicketIdParamsSchema } from '../../schema/tickets.schema.ts';
import { organisationIdFilter, viewerOf } from '../auth/access.ts';
import { contentDisposition } from '../catalog/artifacts.service.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import { requireSystem } from '../systems/systems.service.ts';
import { AttachmentStore } from './attachment-store.ts';
import { MAX_ATTACHMENT_BYTES } from './attachment-type.ts';
import { listAttachments, openAttachment, uploadAttachment } from './attachments.service.ts';
import { decideFlag, listFlags, listRefusals } from './flags.service.ts';
import { listSystemEvents, recordSystemEvent } from './system-events.service.ts';
import {
  DENIED,
  TICKETS_READ,
  TICKETS_STAFF_READ,
  TICKETS_WRITE,
  type TicketRouteDeps,
} from './tickets.routes.ts';

const OCTET_STREAM = 'application/octet-stream';
// R1.3 decision: an agent confirms. A person, never a key: the same access as recording a restriction.
const AGENT = { role: 'agent' } as const;
const SYSTEM_REPORT = { scope: 'systems:write' } as const;
const SYSTEM_READ = { scope: 'customers:read', customer: true } as const;

/** Conduct and flooding flags (R1.3–R1.5), intake refusals, attachments (R2.2), system events (R4.6). */
export function registerTicketConductRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  const store = new AttachmentStore(deps.config.attachmentDir);
  // An encapsulated scope, so the raw-bytes parser applies to these routes only.
  void app.register(async (scope) => {
    if (scope.hasContentTypeParser(OCTET_STREAM)) scope.removeContentTypeParser(OCTET_STREAM);
    scope.addContentTypeParser(
      OCTET_STREAM,
      { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES },
      (_request, body, done) => done(null, body),
    );
    registerFlagRoutes(scope, deps);
    registerAttachmentRoutes(scope, deps, store);
    registerSystemEventRoutes(scope, deps);
  });
}

function registerFlagRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.get('/v1/ticket-flags', {
    config: { access: TICKETS_STAFF_READ },
    schema: {
      tags: ['tickets'],
      summary: 'Conduct and flooding flags for agents to decide (R1.3, R1.5), oldest first.',
      querystring: FlagListQuerySchema,
      response: {
        200: pageOf(TicketFlagSchema, 'TicketFlagPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => listFlags(db, request.query),
  });

  for (const verdict of ['confirm', 'dismiss'] as const) {
    r.post(`/v1/ticket-flags/:id/${verdict}`, {
      config: { access: AGENT },
      schema: {
        tags: ['tickets'],
        summary:
          verdict === 'confirm'
            ? 'Confirm a flag: abuse revokes support, updates and refund per the plan (R1.3); flooding suspends support where the plan lists it (R1.4).'
            : 'Dismiss a flag: nothing is recorded against the customer.',
        description:
          'A flag is decided once; a second decision answers 409 TICKET_STATE_CONFLICT. A confirmation records the ' +
          'restriction (`restrictionId`), which the customer sees under GET /v1/organisations/{id}/restrictions and is ' +
          'emailed about; staff lift it there.',
        params: FlagIdParamsSchema,
        body: FlagDecisionRequestSchema,
        response: {
          200: TicketFlagSchema,
          ...errorResponses(
            'VALIDATION_FAILED',
            ...DENIED,
            'CSRF_FAILED',
            'NOT_FOUND',
            'TICKET_STATE_CONFLICT',
          ),
        },
      },
      handler: async (request) =>
        decideFlag(
          db,
          request.params.id,
          { verdict, note: request.body.note },
          { viewer: viewerOf(request), clientIp: request.ip, now: clock() },
        ),
    });
  }

  r.get('/v1/ticket-refusals', {
    config: { access: TICKETS_READ },
    schema: {
      tags: ['tickets'],
      summary:
        'Refused ticket requests, newest first: the reason code and what the customer was told (a customer sees its own).',
      querystring: RefusalListQuerySchema,
      response: {
        200: pageOf(IntakeRefusalSchema, 'IntakeRefusalPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => listRefusals(db, viewerOf(request), request.query),
  });
}

function registerAttachmentRoutes(app: FastifyInstance, deps: TicketRouteDeps, store: AttachmentStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.post('/v1/tickets/:id/attachments', {
    config: { access: TICKETS_WRITE },
    bodyLimit: MAX_ATTACHMENT_BYTES,
    schema: {
      tags: ['tickets'],
      summary: 'Attach a file (R2.2, S3: screenshots, log files): raw bytes as application/octet-stream.',
      description:
        `At most ${MAX_ATTACHMENT_BYTES} bytes (413). The type is detected from the bytes: images (PNG, JPEG, GIF, ` +
        'WebP), PDF, archives (zip, gzip, tar, 7z) and UTF-8 text (kept as text/plain, HTML and SVG included); ' +
        'anything else answers 415 naming the detected type. Stored under a server-chosen name with size and ' +
        'SHA-256. A closed or merged ticket answers 409.',
      consumes: [OCTET_STREAM],
      params: TicketIdParamsSchema,
      querystring: AttachmentUploadQuerySchema,
      body: z.unknown().describe('The file, as raw bytes.'),
      response: {
        201: TicketAttachmentSchema,
        ...errorResponses(
          'VALIDATION_FAILED',
          ...DENIED,
          'CSRF_FAILED',
          'NOT_FOUND',
          'TICKET_STATE_CONFLICT',
          'PAYLOAD_TOO_LARGE',
          'UNSUPPORTED_MEDIA_TYPE',
        ),
      },
    },
    handler: async (request, reply) => {
      const attachment = await uploadAttachment(
        db,
        store,
        {
          ticketId: request.params.id,
          name: request.query.name,
          bytes: rawBytes(request),
          viewer: viewerOf(request),
          clientIp: request.ip,
        },
        clock(),
      );
      return reply.code(201).send(attachment);
    },
  });

  r.get('/v1/tickets/:id/attachments', {
    config: { access: TICKETS_READ },
    schema: {
      tags: ['tickets'],
      summary: 'The ticket’s attachments, oldest first, with those of duplicates merged into it.',
      params: TicketIdParamsSchema,
      querystring: PageQuerySchema,
      response: {
        200: pageOf(TicketAttachmentSchema, 'TicketAttachmentPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => listAttachments(db, viewerOf(request), request.params.id, request.query),
  });

  r.get('/v1/tickets/:id/attachments/:attachmentId', {
    config: { access: TICKETS_READ },
    schema: {
      tags: ['tickets'],
      summary:
        'Download an attachment: always as a file (Content-Disposition: attachment), never shown inline.',
      description:
        'Content-Type is the detected type; X-Content-Type-Options: nosniff and Content-Security-Policy: sandbox keep ' +
        'a browser from running it. The saved name’s extension agrees with the type (`downloadName`).',
      params: AttachmentParamsSchema,
      response: {
        200: {
          description: 'The file bytes; ETag is the SHA-256.',
          content: { '*/*': { schema: z.string().meta({ format: 'binary' }) } },
        },
        ...errorResponses(...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request, reply) => {
      const { id, attachmentId } = request.params;
      const { attachment, stream } = await openAttachment(db, store, viewerOf(request), id, attachmentId);
      return sendAttachment(reply, attachment, stream);
    },
  });
}

function sendAttachment(reply: FastifyReply, attachment: TicketAttachment, stream: Readable): FastifyReply {
  const type = attachment.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : attachment.contentType;
  return reply
    .header('content-type', type)
    .header('content-disposition', contentDisposition(attachment.downloadName))
    .header('content-length', String(attachment.sizeBytes))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', 'private, no-store')
    .header('etag', `"${attachment.sha256}"`)
    .send(stream);
}

/** The raw request body: octet-stream bytes, or nothing (an empty upload, refused as such). */
function rawBytes(request: FastifyRequest): Uint8Array {
  const body = request.body as unknown;
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the file as ${OCTET_STREAM}.`);
}

function registerSystemEventRoutes(app: FastifyInstance, deps: TicketRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.post('/v1/systems/:id/events', {
    config: { access: SYSTEM_REPORT, idempotency: true },
    schema: {
      tags: ['systems'],
      summary:
        'Report an event of a customer system (R4.6, S4); the organisation’s admins are emailed by the plan’s rules.',
      description:
        'By the system’s own key (POST /v1/systems/{id}/api-keys; another system answers 404) or staff. When the ' +
        "system's contract plan has proactive notifications and the subscription gives service today, one email per " +
        'customer-admin is queued (`notification`). An optional Idempotency-Key makes a retried report safe.',
      params: SystemIdParamsSchema,
      body: SystemEventCreateRequestSchema,
      response: {
        201: SystemEventRecordedSchema,
        ...errorResponses(
          'VALIDATION_FAILED',
          ...DENIED,
          'CSRF_FAILED',
          'NOT_FOUND',
          'IDEMPOTENCY_KEY_REUSED',
        ),
      },
    },
    handler: async (request, reply) => {
      const principal = request.principal;
      const boundTo = principal?.kind === 'api-key' ? principal.systemId : null;
      // A system's key sees no other system: answered exactly as for a missing one.
      if (boundTo !== null && boundTo !== request.params.id) {
        throw new AppError('NOT_FOUND', `No system ${request.params.id}.`);
      }
      const viewer = viewerOf(request);
      const system = await requireSystem(db, request.params.id, organisationIdFilter(viewer));
      const recorded = await recordSystemEvent(
        db,
        { system, body: request.body, viewer, clientIp: request.ip },
        clock(),
      );
      return reply.code(201).send(recorded);
    },
  });

  r.get('/v1/systems/:id/events', {
    config: { access: SYSTEM_READ },
    schema: {
      tags: ['systems'],
      summary: 'The events a system reported, newest first (the organisation’s customers and staff).',
      params: SystemIdParamsSchema,
      querystring: SystemEventListQuerySchema,
      response: {
        200: pageOf(SystemEventSchema, 'SystemEventPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const system = await requireSystem(db, request.params.id, organisationIdFilter(viewerOf(request)));
      return listSystemEvents(db, system.id, request.query);
    },
  });
}
