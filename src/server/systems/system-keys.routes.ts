import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  SystemApiKeyCreatedSchema,
  SystemApiKeyCreateRequestSchema,
  SystemApiKeySchema,
  SystemIdParamsSchema,
} from '../../schema/systems.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { createApiKey } from '../auth/api-keys.service.ts';
import { errorResponses } from '../http/responses.ts';
import {
  DENIED,
  READ,
  requireInventoryWriter,
  type SystemsRouteDeps,
  scopeOf,
  TAGS,
  WRITE,
} from './system-access.ts';
import { listSystemKeys, requireSystem, revokeSystemKeys } from './systems.service.ts';

/**
 * API keys for one system (R4.5): scope systems:write, bound to the system (api_keys.system_id), so the
 * device can upload its backups and nothing else. Staff or the owning organisation's customer-admin.
 */
export function registerSystemKeyRoutes(app: FastifyInstance, deps: SystemsRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  r.post('/v1/systems/:id/api-keys', {
    config: { access: WRITE },
    schema: {
      tags: TAGS,
      summary: 'Create an API key for this system only (scope systems:write: backup uploads). Shown once.',
      params: SystemIdParamsSchema,
      body: SystemApiKeyCreateRequestSchema,
      response: {
        201: SystemApiKeyCreatedSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request, reply) => {
      const { viewer, organisationId } = scopeOf(request);
      const system = await requireSystem(db, request.params.id, organisationId);
      requireInventoryWriter(viewer);
      const { apiKey, key } = await createApiKey(
        db,
        {
          name: request.body.name,
          scopes: ['systems:write'],
          createdBy: viewer.accountId,
          systemId: system.id,
        },
        deps.clock(),
      );
      await recordAudit(
        db,
        {
          action: 'system.api-key-created',
          viewer,
          organisationId: system.organisationId,
          subjectType: 'api-key',
          subjectId: apiKey.id,
          details: { systemId: system.id, prefix: apiKey.prefix },
          clientIp: request.ip,
        },
        deps.clock(),
      );
      const { id, name, prefix, scopes, createdAt } = apiKey;
      return reply.code(201).send({ id, name, prefix, scopes, createdAt, systemId: system.id, key });
    },
  });

  r.get('/v1/systems/:id/api-keys', {
    config: { access: READ },
    schema: {
      tags: TAGS,
      summary: "The system's API keys by prefix (never their secrets), with last use and revocation.",
      params: SystemIdParamsSchema,
      response: {
        200: z.object({ items: z.array(SystemApiKeySchema) }),
        ...errorResponses(...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const system = await requireSystem(db, request.params.id, scopeOf(request).organisationId);
      return { items: await listSystemKeys(db, system.id) };
    },
  });

  r.delete('/v1/systems/:id/api-keys', {
    config: { access: WRITE },
    schema: {
      tags: TAGS,
      summary: 'Revoke every key of the system (a lost or replaced device); create a new one afterwards.',
      params: SystemIdParamsSchema,
      response: {
        200: z.object({ revoked: z.number().int().describe('How many live keys were revoked.') }),
        ...errorResponses(...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const { viewer, organisationId } = scopeOf(request);
      const system = await requireSystem(db, request.params.id, organisationId);
      requireInventoryWriter(viewer);
      const now = deps.clock();
      const revoked = await revokeSystemKeys(db, system.id, now);
      await recordAudit(
        db,
        {
          action: 'system.api-keys-revoked',
          viewer,
          organisationId: system.organisationId,
          subjectType: 'system',
          subjectId: system.id,
          details: { revoked },
          clientIp: request.ip,
        },
        now,
      );
      return { revoked };
    },
  });
}
