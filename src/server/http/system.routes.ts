import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Kysely, sql } from 'kysely';
import type { Registry } from 'prom-client';
import { HealthSchema } from '../../schema/system.schema.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from './errors.ts';
import { errorResponses } from './responses.ts';

export type SystemRouteDeps = { db: Kysely<Database>; metrics: Registry };

export function registerSystemRoutes(app: FastifyInstance, deps: SystemRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/health', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Liveness and database check (runs `select 1`).',
      response: { 200: HealthSchema, ...errorResponses('DATABASE_UNAVAILABLE') },
    },
    handler: async (request) => {
      try {
        await sql`select 1`.execute(deps.db);
      } catch (error) {
        request.log.error({ err: error }, 'health check: database unreachable');
        throw new AppError('DATABASE_UNAVAILABLE', 'The database did not answer.');
      }
      return { status: 'ok' as const, database: 'ok' as const };
    },
  });

  r.get('/metrics', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Prometheus metrics in text exposition format.',
    },
    handler: async (_request, reply) => {
      reply.type(deps.metrics.contentType);
      return deps.metrics.metrics();
    },
  });
}
