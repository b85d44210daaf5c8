import {
  MagicLinkAcceptedSchema,
  MagicLinkRequestSchema,
  SubscriptionsSchema,
  SubscriptionsUpdateRequestSchema,
} from '../../schema/customers.schema.ts';
import { viewerOf } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import { baseUrlOf } from './customer-access.ts';
import type { CustomerRouteDeps } from './customers.routes.ts';
import { getSubscriptions, setProductUpdates } from './desk-facts.ts';
import { sendMagicLink } from './magic-link.service.ts';

const MAGIC_LINK_ANSWER = {
  message: 'If an account with this email exists, a sign-in link valid 15 minutes has been emailed to it.',
};
const CUSTOMER = { access: { role: 'customer-user' } } as const;

export function registerCustomerAuthRoutes(r: ZodApp, deps: CustomerRouteDeps): void {
  r.post('/v1/auth/magic-link', {
    config: { access: 'public' },
    onRequest: deps.throttle.byIp,
    preHandler: deps.throttle.byAccount,
    schema: {
      tags: ['auth'],
      summary:
        'Email a one-time sign-in link (valid 15 minutes) to an account, if there is one with this email.',
      description:
        'Always 202 with the same body, whether or not the email has an account (no account enumeration). Throttled like password sign-in.',
      body: MagicLinkRequestSchema,
      response: { 202: MagicLinkAcceptedSchema, ...errorResponses('VALIDATION_FAILED', 'RATE_LIMITED') },
    },
    handler: async (request, reply) => {
      const sent = await sendMagicLink(
        deps.db,
        request.body.email,
        baseUrlOf(request, deps.config),
        deps.clock(),
      );
      // Logged without the email for unknown addresses: the log is not a list of guesses.
      if (sent) request.log.info('magic link queued');
      return reply.code(202).send(MAGIC_LINK_ANSWER);
    },
  });

  r.get('/v1/me/subscriptions', {
    config: CUSTOMER,
    schema: {
      tags: ['customers'],
      summary: "The signed-in customer's mailing-list choices (R1.1: the product-update list).",
      response: { 200: SubscriptionsSchema, ...errorResponses('UNAUTHENTICATED', 'FORBIDDEN') },
    },
    handler: async (request) => {
      const current = await getSubscriptions(deps.db, customerOf(request).accountId);
      if (!current) throw new AppError('UNAUTHENTICATED', 'Sign in to use this route.');
      return current;
    },
  });

  r.put('/v1/me/subscriptions', {
    config: CUSTOMER,
    schema: {
      tags: ['customers'],
      summary:
        'Subscribe to or leave the product-update mailing list. Where the plan requires it (S1), leaving it loses support (R1.1).',
      body: SubscriptionsUpdateRequestSchema,
      response: {
        200: SubscriptionsSchema,
        ...errorResponses('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_FAILED'),
      },
    },
    handler: async (request) =>
      setProductUpdates(deps.db, customerOf(request), request.body.productUpdates, deps.clock()),
  });
}

function customerOf(request: Parameters<typeof viewerOf>[0]) {
  const viewer = viewerOf(request);
  // The route's access ({ role: 'customer-user' }) admits only customer sessions.
  if (viewer.kind !== 'customer') throw new AppError('FORBIDDEN', 'This route is for customer accounts.');
  return viewer;
}
