import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { BackupIdParamsSchema, BackupSchema, SystemIdParamsSchema } from '../../schema/systems.schema.ts';
import { organisationIdFilter, viewerOf } from '../auth/access.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import { BackupStore } from './backup-store.ts';
import { downloadBackup, listBackups, uploadBackup } from './backups.service.ts';
import { requireSystem } from './systems.service.ts';

export type BackupRouteDeps = { db: Kysely<Database>; config: Config; clock: () => Date };

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const TAGS = ['systems'];

/**
 * Configuration backups (R4.5). Registered in their own encapsulated scope so the raw-bytes parser
 * applies to these routes only.
 */
export function registerBackupRoutes(app: FastifyInstance, deps: BackupRouteDeps): void {
  const store = new BackupStore(deps.config.backupDir);
  void app.register(async (scope) => {
    // The body stays a stream: the store hashes and counts it on the way to disk.
    scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    registerRoutes(scope, deps, store);
  });
}

function registerRoutes(app: FastifyInstance, deps: BackupRouteDeps, store: BackupStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  r.post('/v1/systems/:id/backups', {
    config: { access: { scope: 'systems:write' } },
    bodyLimit: deps.config.backupMaxBytes,
    schema: {
      tags: TAGS,
      summary: "Upload a configuration backup (raw bytes, application/octet-stream) by the system's own key.",
      description:
        'A key created for one system (POST /v1/systems/{id}/api-keys) uploads only for that system; ' +
        'another system answers 404. Staff keys and sessions may upload for any system. ' +
        'Size and SHA-256 are recorded; the server names the stored file.',
      params: SystemIdParamsSchema,
      consumes: ['application/octet-stream'],
      response: {
        201: BackupSchema,
        ...errorResponses(
          'VALIDATION_FAILED',
          'MALFORMED_REQUEST',
          ...DENIED,
          'CSRF_FAILED',
          'NOT_FOUND',
          'PAYLOAD_TOO_LARGE',
          'UNSUPPORTED_MEDIA_TYPE',
        ),
      },
    },
    handler: async (request, reply) => {
      const principal = request.principal;
      const systemId = principal?.kind === 'api-key' ? principal.systemId : null;
      // A system's key sees no other system: answer exactly as for a missing one.
      if (systemId !== null && systemId !== request.params.id) {
        throw new AppError('NOT_FOUND', `No system ${request.params.id}.`);
      }
      const viewer = viewerOf(request);
      const system = await requireSystem(db, request.params.id, organisationIdFilter(viewer));
      // A declared size over the limit is refused before a byte is read.
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > deps.config.backupMaxBytes) {
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `A backup may be at most ${deps.config.backupMaxBytes} bytes.`,
          {
            maxBytes: deps.config.backupMaxBytes,
          },
        );
      }
      if (!isStream(request.body)) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the backup as application/octet-stream.');
      }
      const backup = await uploadBackup(
        db,
        store,
        { system, body: request.body, maxBytes: deps.config.backupMaxBytes, viewer, clientIp: request.ip },
        deps.clock(),
      );
      return reply.code(201).send(backup);
    },
  });

  r.get('/v1/systems/:id/backups', {
    config: { access: { scope: 'customers:read', customer: true } },
    schema: {
      tags: TAGS,
      summary: "The system's backups, newest first (deleted ones show when and why).",
      params: SystemIdParamsSchema,
      response: {
        200: z.object({ items: z.array(BackupSchema) }),
        ...errorResponses(...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const system = await requireSystem(db, request.params.id, organisationIdFilter(viewerOf(request)));
      return { items: await listBackups(db, system.id) };
    },
  });

  r.get('/v1/backups/:id/download', {
    config: { access: { scope: 'customers:read', customer: true } },
    schema: {
      tags: TAGS,
      summary: 'Download a backup — customer or agent, only while the subscription is active (R4.5).',
      description:
        'After lapse (plan lapse.stops includes backup-downloads) answers 403 NOT_ENTITLED with the decision ' +
        'in error.details. Every attempt is audited (backup.downloaded).',
      params: BackupIdParamsSchema,
      response: {
        200: z.unknown().describe('The backup bytes (application/octet-stream).'),
        ...errorResponses(...DENIED, 'NOT_FOUND', 'NOT_ENTITLED'),
      },
    },
    handler: async (request, reply) => {
      const viewer = viewerOf(request);
      const { backup, stream } = await downloadBackup(
        db,
        store,
        {
          backupId: request.params.id,
          viewer,
          organisationId: organisationIdFilter(viewer),
          clientIp: request.ip,
        },
        deps.clock(),
      );
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(backup.sizeBytes))
        .header('content-disposition', `attachment; filename="${backup.id}.backup"`)
        .header('x-content-type-options', 'nosniff')
        .header('etag', `"${backup.sha256}"`)
        .send(stream);
    },
  });
}

function isStream(body: unknown): body is NodeJS.ReadableStream {
  return typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function';
}
