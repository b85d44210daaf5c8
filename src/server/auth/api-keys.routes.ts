import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  ApiKeyCreatedSchema,
  ApiKeyCreateRequestSchema,
  ApiKeyIdParamsSchema,
  ApiKeySchema,
} from '../../schema/auth.schema.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import { requireSession } from './access.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';

export type ApiKeyRouteDeps = { db: Kysely<Database>; clock: () => Date };

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;

export function registerApiKeyRoutes(app: FastifyInstance, deps: ApiKeyRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/v1/api-keys', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['api-keys'],
      summary: 'Create an API key. The full key is in this response only.',
      body: ApiKeyCreateRequestSchema,
      response: {
        201: ApiKeyCreatedSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED'),
      },
    },
    handler: async (request, reply) => {
      const { account } = requireSession(request);
      const { apiKey, key } = await createApiKey(
        deps.db,
        { name: request.body.name, scopes: request.body.scopes, createdBy: account.id },
        deps.clock(),
      );
      return reply.code(201).send({ ...apiKey, key });
    },
  });

  r.get('/v1/api-keys', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['api-keys'],
      summary: 'List API keys (never their secrets), with last use and revocation.',
      response: { 200: z.object({ items: z.array(ApiKeySchema) }), ...errorResponses(...DENIED) },
    },
    handler: async () => ({ items: await listApiKeys(deps.db) }),
  });

  r.delete('/v1/api-keys/:id', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['api-keys'],
      summary: 'Revoke an API key; it is refused from then on.',
      params: ApiKeyIdParamsSchema,
      response: { 204: z.undefined(), ...errorResponses(...DENIED, 'CSRF_FAILED', 'NOT_FOUND') },
    },
    handler: async (request, reply) => {
      const found = await revokeApiKey(deps.db, request.params.id, deps.clock());
      if (!found) throw new AppError('NOT_FOUND', `No API key ${request.params.id}.`);
      return reply.code(204).send();
    },
  });
}
