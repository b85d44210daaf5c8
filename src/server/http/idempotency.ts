import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database-types.ts';
import { AppError } from './errors.ts';

/**
 * Idempotency-Key on POST routes (docs/billing.md#idempotency). A route opts in with
 * `config: { access, idempotency: true }` (the header is optional) or `idempotency: 'required'`
 * (a POST without it is 400). The first request with a key claims it (its own short statement,
 * committed before the handler runs) and its response is stored when it is sent; a replay with the
 * same request gets the stored status and body back with `Idempotent-Replayed: true`; the same key
 * with another request is 422 IDEMPOTENCY_KEY_REUSED. A 5xx frees the key so a retry runs again;
 * a claim still in progress after 60 s (a crashed process) is taken over by the same request.
 * `config.idempotencyRedact` removes secrets (license keys) from the stored answer: a replay gets
 * the redacted body.
 */
export type IdempotencyOption = boolean | 'required';

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotency?: IdempotencyOption;
    /** Removes secrets from a JSON answer before it is stored for replays (a replay sends the result). */
    idempotencyRedact?: (body: unknown) => unknown;
  }
  interface FastifyRequest {
    idempotencyClaim: IdempotencyClaim | null;
  }
}

type IdempotencyClaim = { principal: string; key: string };

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** Keys are remembered for 24 h; an older row with the same key is overwritten by a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-progress claim older than this is taken over: its handler crashed without freeing the key. */
export const STALE_CLAIM_MS = 60_000;
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

export type IdempotencyDeps = {
  db: Kysely<Database>;
  clock: () => Date;
  /** How long a concurrent request with the same key waits for the first to finish, then 409 (default 10 s). */
  waitMs?: number;
  pollMs?: number;
};

/**
 * Installs the hooks on the routes that opt in only (an onRoute hook, so register this before the
 * routes): a global preHandler and onSend would cost every other request two promises for nothing.
 * Its preHandler runs before the route's own preHandlers, as a global one would.
 */
export function registerIdempotency(app: FastifyInstance, deps: IdempotencyDeps): void {
  app.decorateRequest('idempotencyClaim', null);
  const { preHandler, onSend } = idempotencyHooks(deps);
  app.addHook('onRoute', (route: RouteOptions) => {
    const option = (route.config as { idempotency?: IdempotencyOption } | undefined)?.idempotency;
    if (!option || ![route.method].flat().includes('POST')) return;
    route.preHandler = [preHandler, ...hookList(route.preHandler)];
    route.onSend = [...hookList(route.onSend), onSend];
  });
}

function hookList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

function idempotencyHooks(deps: IdempotencyDeps) {
  const waitMs = deps.waitMs ?? 10_000;
  const pollMs = deps.pollMs ?? 20;
  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const option = request.routeOptions.config.idempotency;
    if (!option || request.method !== 'POST') return;
    const key = readKey(request, option === 'required');
    const principal = principalOf(request);
    if (key === null || principal === null) return;
    const hash = fingerprint(request);
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await claim(deps.db, principal, key, hash, deps.clock())) {
        request.idempotencyClaim = { principal, key };
        return;
      }
      const row = await deps.db
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status_code', 'response'])
        .where('principal', '=', principal)
        .where('key', '=', key)
        .executeTakeFirst();
      if (row === undefined) continue; // the first attempt failed with a 5xx and freed the key
      if (row.request_hash !== hash) throw reused(key);
      if (row.status_code !== null) return replay(reply, row.status_code, row.response);
      if (Date.now() >= deadline) throw inProgress(key);
      await sleep(pollMs);
    }
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const held = request.idempotencyClaim;
    if (held === null) return payload;
    request.idempotencyClaim = null;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : null;
    try {
      if (reply.statusCode >= 500 || body === null) await release(deps.db, held);
      else {
        const redact = request.routeOptions.config.idempotencyRedact;
        const stored = redact ? JSON.stringify(redact(JSON.parse(body))) : body;
        await complete(deps.db, held, reply.statusCode, stored, deps.clock());
      }
    } catch (error) {
      request.log.error({ err: error, key: held.key }, 'idempotency key not stored');
      await release(deps.db, held).catch(() => undefined);
    }
    return payload;
  };
  return { preHandler, onSend };
}

/**
 * Deletes keys older than 24 h (they no longer protect anything); returns how many. For a scheduled
 * job: expired rows are otherwise only overwritten when their key is used again.
 */
export async function deleteExpiredIdempotencyKeys(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function readKey(request: FastifyRequest, required: boolean): string | null {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (value === undefined) {
    if (!required) return null;
    throw invalidHeader(
      'required',
      'this route needs an Idempotency-Key header (1–255 printable characters)',
    );
  }
  if (typeof value !== 'string' || !KEY_PATTERN.test(value))
    throw invalidHeader('format', 'expected 1–255 printable ASCII characters');
  return value;
}

/** Keys are per caller: the signed-in account or the API key. */
function principalOf(request: FastifyRequest): string | null {
  const p = request.principal;
  if (p === null) return null;
  return p.kind === 'session' ? `account:${p.account.id}` : `api-key:${p.apiKeyId}`;
}

/** sha256 over the method, the path with its ids and query, and the body as canonical JSON (sorted keys). */
export function fingerprint(request: Pick<FastifyRequest, 'method' | 'url' | 'body'>): string {
  return createHash('sha256')
    .update(`${request.method}\n${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

/** JSON with object keys sorted at every level, so {a,b} and {b,a} fingerprint alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Inserts the in-progress row, or takes over an expired one or an in-progress one older than
 * STALE_CLAIM_MS (a crashed handler); true when this request owns the key.
 */
async function claim(db: Kysely<Database>, principal: string, key: string, hash: string, now: Date) {
  const expired = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  const stale = new Date(now.getTime() - STALE_CLAIM_MS);
  const row = await db
    .insertInto('idempotency_keys')
    .values({
      principal,
      key,
      request_hash: hash,
      status_code: null,
      response: null,
      created_at: now,
      completed_at: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['principal', 'key'])
        .doUpdateSet({
          request_hash: hash,
          status_code: null,
          response: null,
          created_at: now,
          completed_at: null,
        })
        .where((eb) =>
          eb.or([
            eb('idempotency_keys.created_at', '<', expired),
            eb.and([
              eb('idempotency_keys.status_code', 'is', null),
              eb('idempotency_keys.request_hash', '=', hash),
              eb('idempotency_keys.created_at', '<', stale),
            ]),
          ]),
        ),
    )
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

async function complete(
  db: Kysely<Database>,
  held: IdempotencyClaim,
  status: number,
  body: string,
  now: Date,
) {
  await db
    .updateTable('idempotency_keys')
    // The body is kept as the exact text sent (a JSON string), so a replay is byte-identical.
    .set({ status_code: status, response: JSON.stringify(body), completed_at: now })
    .where('principal', '=', held.principal)
    .where('key', '=', held.key)
    .execute();
}

async function release(db: Kysely<Database>, held: IdempotencyClaim) {
  await db
    .deleteFrom('idempotency_keys')
    .where('principal', '=', held.principal)
    .where('key', '=', held.key)
    .where('status_code', 'is', null)
    .execute();
}

function replay(reply: FastifyReply, status: number, stored: unknown): FastifyReply {
  const body = typeof stored === 'string' ? stored : JSON.stringify(stored);
  return reply
    .code(status)
    .header(REPLAYED_HEADER, 'true')
    .type('application/json; charset=utf-8')
    .send(body);
}

function invalidHeader(rule: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `Invalid request: headers.idempotency-key: ${message}`, [
    { path: 'headers.idempotency-key', rule, message },
  ]);
}

function reused(key: string): AppError {
  return new AppError(
    'IDEMPOTENCY_KEY_REUSED',
    `Idempotency-Key "${key}" was used for a different request in the last 24 hours; use a new key.`,
  );
}

function inProgress(key: string): AppError {
  return new AppError(
    'IDEMPOTENCY_IN_PROGRESS',
    `A request with Idempotency-Key "${key}" is still running; retry shortly to get its response.`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
