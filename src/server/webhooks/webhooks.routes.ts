import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { PageQuerySchema, pageOf } from '../../schema/pagination.schema.ts';
import {
  WebhookCreateRequestSchema,
  WebhookDeliveryIdParamsSchema,
  WebhookDeliveryListQuerySchema,
  WebhookDeliverySchema,
  WebhookIdParamsSchema,
  WebhookSchema,
  WebhookUpdateRequestSchema,
  WebhookWithSecretSchema,
} from '../../schema/webhooks.schema.ts';
import { requireSession } from '../auth/access.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { errorResponses } from '../http/responses.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import type { HostResolver } from './webhook-target.ts';
import {
  createWebhook,
  disableWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhook,
} from './webhooks.service.ts';

export type WebhookRouteDeps = {
  db: Kysely<Database>;
  config: Pick<Config, 'webhooks'>;
  clock: () => Date;
  sealingKey: SealingKey;
  /** The resolver of the address check; the system resolver by default. */
  resolve?: HostResolver;
};

const ACCESS = { access: { role: 'admin' } } as const;
const TAGS = ['webhooks'];
const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const WRITE_DENIED = [...DENIED, 'CSRF_FAILED'] as const;

/** Webhook subscriptions, secrets, the delivery log, test-sends and retries (admin only). */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.post('/v1/webhooks', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: 'Subscribe an endpoint to events. The signing secret is in this response only.',
      body: WebhookCreateRequestSchema,
      response: {
        201: WebhookWithSecretSchema,
        ...errorResponses('VALIDATION_FAILED', ...WRITE_DENIED, 'WEBHOOK_TARGET_REFUSED'),
      },
    },
    handler: async (request, reply) => {
      const { account } = requireSession(request);
      const { webhook, secret } = await createWebhook(
        deps,
        { ...request.body, createdBy: account.id },
        clock(),
      );
      return reply.code(201).send({ ...webhook, secret });
    },
  });

  r.get('/v1/webhooks', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: 'List webhook subscriptions (never their secrets), by id.',
      querystring: PageQuerySchema,
      response: {
        200: pageOf(WebhookSchema, 'WebhookPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => listWebhooks(db, request.query),
  });

  r.get('/v1/webhooks/:id', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: 'One webhook subscription (never its secret).',
      params: WebhookIdParamsSchema,
      response: { 200: WebhookSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => getWebhook(db, request.params.id),
  });

  r.patch('/v1/webhooks/:id', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: 'Change the URL, description or events, or disable / re-enable a subscription.',
      params: WebhookIdParamsSchema,
      body: WebhookUpdateRequestSchema,
      response: {
        200: WebhookSchema,
        ...errorResponses('VALIDATION_FAILED', ...WRITE_DENIED, 'NOT_FOUND', 'WEBHOOK_TARGET_REFUSED'),
      },
    },
    handler: async (request) => updateWebhook(deps, request.params.id, request.body, clock()),
  });

  r.delete('/v1/webhooks/:id', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: 'Stop a subscription. It stays listed (disabled) with its delivery log.',
      params: WebhookIdParamsSchema,
      response: { 204: z.undefined(), ...errorResponses(...WRITE_DENIED, 'NOT_FOUND') },
    },
    handler: async (request, reply) => {
      await disableWebhook(db, request.params.id, clock());
      return reply.code(204).send();
    },
  });

  r.post('/v1/webhooks/:id/secret', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: 'Rotate the signing secret: the new one is in this response only and signs from now on.',
      params: WebhookIdParamsSchema,
      response: { 200: WebhookWithSecretSchema, ...errorResponses(...WRITE_DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const { webhook, secret } = await rotateWebhookSecret(deps, request.params.id);
      return { ...webhook, secret };
    },
  });

  r.get('/v1/webhooks/:id/deliveries', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: "The subscription's delivery log, newest first.",
      params: WebhookIdParamsSchema,
      querystring: WebhookDeliveryListQuerySchema,
      response: {
        200: pageOf(WebhookDeliverySchema, 'WebhookDeliveryPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => listDeliveries(db, request.params.id, request.query),
  });

  r.post('/v1/webhooks/:id/test', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: 'Send a signed webhook.test event now and answer with the outcome (one attempt).',
      params: WebhookIdParamsSchema,
      response: {
        200: WebhookDeliverySchema,
        ...errorResponses(...WRITE_DENIED, 'NOT_FOUND', 'WEBHOOK_STATE_CONFLICT'),
      },
    },
    handler: async (request) => sendTestWebhook(deps, request.params.id, clock()),
  });

  r.post('/v1/webhooks/deliveries/:id/retry', {
    config: ACCESS,
    schema: {
      tags: TAGS,
      summary: 'Put a failed delivery back to pending, due now.',
      params: WebhookDeliveryIdParamsSchema,
      response: {
        200: WebhookDeliverySchema,
        ...errorResponses(...WRITE_DENIED, 'NOT_FOUND', 'WEBHOOK_STATE_CONFLICT'),
      },
    },
    handler: async (request) => retryDelivery(db, request.params.id, clock()),
  });
}
