import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { RouteAccess } from '../auth/access.ts';

export const DOCS_PREFIX = '/docs';
export const OPENAPI_PATH = '/openapi.json';

/**
 * OpenAPI 3.1 generated from the routes' zod schemas (shared schemas with a `meta({ id })` become
 * components), served at /openapi.json, with Swagger UI at /docs.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  app.addHook('onRoute', declareSecurity);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Upkeep API',
        version,
        description:
          'Every error answers `{ "error": { "code", "message", "requestId", "details"? } }`; codes are listed in docs/api.md.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'upkeep_session' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key `upk_<prefix>_<secret>`.' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
  app.get(OPENAPI_PATH, { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
}

/** Writes each route's declared access into its OpenAPI `security`, so the docs say who may call it. */
function declareSecurity(route: RouteOptions): void {
  const access = (route.config as { access?: RouteAccess } | undefined)?.access;
  if (access === undefined || access === 'public' || !route.schema) return;
  const withKey = typeof access === 'object' && 'scope' in access;
  (route.schema as { security?: unknown }).security = withKey
    ? [{ session: [] }, { apiKey: [access.scope] }]
    : [{ session: [] }];
}
