import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../http/errors.ts';
import { hashLicenseKey } from './license-key-format.ts';

export type ValidationLimits = { perKeyPerMinute: number; perIpPerMinute: number };

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

const WINDOW_MS = 60_000;
/** Most distinct keys (key hashes, client addresses) counted per window; see FixedWindowLimiter. */
const MAX_TRACKED = 100_000;

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
 * Counts hits per key in fixed windows shared by all keys (all counters reset when the window
 * ends; a client can therefore make up to 2 × max calls across a boundary). Memory is bounded:
 * when `maxTracked` distinct keys are counted in one window, the counters are dropped (fail open;
 * the other limiter still holds). Synchronous and allocation-light: it runs on every validation.
 */
export class FixedWindowLimiter {
  private readonly counts = new Map<string, number>();
  private windowEndsAt: number;

  constructor(
    private readonly max: number,
    private readonly windowMs: number = WINDOW_MS,
    private readonly maxTracked: number = MAX_TRACKED,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowEndsAt = now() + windowMs;
  }

  /** Counts one call; 0 when it is allowed, else the whole seconds until the window ends (≥ 1). */
  hit(key: string): number {
    const t = this.now();
    if (t >= this.windowEndsAt) {
      this.counts.clear();
      this.windowEndsAt = t + this.windowMs;
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    if (count === 1 && this.counts.size >= this.maxTracked) this.counts.clear();
    this.counts.set(key, count);
    return count > this.max ? Math.max(1, Math.ceil((this.windowEndsAt - t) / 1000)) : 0;
  }
}

/**
 * The client address as counted: IPv4 as is (an IPv4-mapped IPv6 address as its IPv4), IPv6 by its
 * /64 prefix — one host usually owns a whole /64, so rotating addresses inside it does not dodge
 * the limit (as @fastify/rate-limit does by default).
 */
export function clientAddressKey(ip: string): string {
  const address = ip.split('%')[0] ?? ip;
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail] = address.split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? front
      : [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  const prefix = groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}

/**
 * Rate limits of license validation, per client address (onRequest, before the body is read) and
 * per key hash (preHandler): over either → 429 RATE_LIMITED with Retry-After. Counters live in this
 * process: with several servers, each enforces its own share. In-house rather than
 * @fastify/rate-limit: measured on this route, the plugin's two limiters cost about 15 µs of CPU
 * per request (a third of the route's cost); these cost well under 1 µs (bench/RESULTS.md).
 */
export function validationThrottle(limits: ValidationLimits): { byIp: Hook; byKey: Hook } {
  const perIp = new FixedWindowLimiter(limits.perIpPerMinute);
  const perKey = new FixedWindowLimiter(limits.perKeyPerMinute);
  const refuse = (reply: FastifyReply, seconds: number, what: string) => {
    reply.header('retry-after', String(seconds));
    return new AppError(
      'RATE_LIMITED',
      `Too many license validations ${what}; retry in ${seconds} seconds.`,
      {
        retryAfterSeconds: seconds,
      },
    );
  };
  return {
    byIp: (request, reply, done) => {
      const wait = perIp.hit(clientAddressKey(request.ip));
      done(wait === 0 ? undefined : refuse(reply, wait, 'from this address'));
    },
    byKey: (request, reply, done) => {
      const wait = perKey.hit(keyHashOf(request));
      done(wait === 0 ? undefined : refuse(reply, wait, 'for this key'));
    },
  };
}
