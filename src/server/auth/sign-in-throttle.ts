import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';
import { normalizeEmail } from './accounts.service.ts';

/** How many sign-in attempts one client IP, and one email (or one account changing its password), may make per window. */
export type SignInLimits = { perIp: number; perAccount: number; windowMs: number };

export const SIGN_IN_LIMITS: SignInLimits = { perIp: 30, perAccount: 10, windowMs: 15 * 60 * 1000 };

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * The sign-in throttle hooks: `byIp` (an onRequest hook, before the body is read) and `byAccount`
 * (a preHandler hook, keyed on the body's email or the signed-in account). Over the limit → 429
 * RATE_LIMITED with `Retry-After` in seconds. Counters live in this process's memory
 * (@fastify/rate-limit's LRU store), so they reset on restart and are per server instance.
 */
export type SignInThrottle = { byIp: Hook; byAccount: Hook };

export async function registerSignInThrottle(
  app: FastifyInstance,
  limits: SignInLimits = SIGN_IN_LIMITS,
): Promise<SignInThrottle> {
  await app.register(fastifyRateLimit, { global: false });
  // The plugin's own key: the client IP, IPv6 addresses grouped by /56 so that one host cannot
  // dodge the limit by rotating through the addresses of its own prefix. Each limiter has its own store.
  const perIp = app.createRateLimit({ max: limits.perIp, timeWindow: limits.windowMs });
  const perAccount = app.createRateLimit({
    max: limits.perAccount,
    timeWindow: limits.windowMs,
    keyGenerator: accountKey,
  });
  const enforce =
    (limiter: typeof perIp, what: string): Hook =>
    async (request, reply) => {
      const result = await limiter(request);
      if (result.isAllowed || !result.isExceeded) return;
      reply.header('retry-after', String(result.ttlInSeconds));
      throw new AppError(
        'RATE_LIMITED',
        `Too many sign-in attempts ${what}; retry in ${result.ttlInSeconds} seconds.`,
        { retryAfterSeconds: result.ttlInSeconds },
      );
    };
  return { byIp: enforce(perIp, 'from this address'), byAccount: enforce(perAccount, 'for this account') };
}

function accountKey(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined;
  if (typeof body?.email === 'string') return `email:${normalizeEmail(body.email)}`;
  const principal = request.principal;
  if (principal?.kind === 'session') return `account:${principal.account.id}`;
  return `ip:${request.ip}`;
}
