import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';
import { hashLicenseKey } from './license-key-format.ts';

export type ValidationLimits = { perKeyPerMinute: number; perIpPerMinute: number };

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const keyHashes = new WeakMap<FastifyRequest, string>();

/** SHA-256 of the request body's key, computed once per request (the throttle and the handler share it). */
export function keyHashOf(request: FastifyRequest): string {
  let hash = keyHashes.get(request);
  if (hash === undefined) {
    const key = (request.body as { key?: unknown } | undefined)?.key;
    hash = hashLicenseKey(typeof key === 'string' ? key : '');
    keyHashes.set(request, hash);
  }
  return hash;
}

/**
 * Rate limits of license validation, per client address (onRequest, before the body is read) and
 * per key hash (preHandler): over either → 429 RATE_LIMITED with Retry-After. Counters live in this
 * process (@fastify/rate-limit's LRU store): with several servers, each enforces its own share.
 */
export async function validationThrottle(
  app: FastifyInstance,
  limits: ValidationLimits,
): Promise<{ byIp: Hook; byKey: Hook }> {
  if (!app.hasDecorator('createRateLimit')) await app.register(fastifyRateLimit, { global: false });
  const perIp = app.createRateLimit({ max: limits.perIpPerMinute, timeWindow: 60_000 });
  const perKey = app.createRateLimit({
    max: limits.perKeyPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => `key:${keyHashOf(request)}`,
  });
  const enforce =
    (limiter: typeof perIp, what: string): Hook =>
    async (request, reply) => {
      const result = await limiter(request);
      if (result.isAllowed || !result.isExceeded) return;
      reply.header('retry-after', String(result.ttlInSeconds));
      throw new AppError(
        'RATE_LIMITED',
        `Too many license validations ${what}; retry in ${result.ttlInSeconds} seconds.`,
        { retryAfterSeconds: result.ttlInSeconds },
      );
    };
  return { byIp: enforce(perIp, 'from this address'), byKey: enforce(perKey, 'for this key') };
}
