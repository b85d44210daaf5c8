import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import {
  type Account,
  type AccountRole,
  CUSTOMER_ROLES,
  type CustomerRole,
  type Scope,
} from '../../schema/auth.schema.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { authenticateApiKey } from './api-keys.service.ts';
import { safeEqual } from './secrets.ts';
import { findSession } from './sessions.service.ts';

/**
 * Who may call a route. Every route must declare one (see enforceDeclaredAccess):
 * - 'public': anyone;
 * - 'signed-in': any account with a session cookie, staff or customer;
 * - { role }: a session account with that role (admin includes agent; customer-admin includes
 *   customer-user; staff and customer roles never include each other);
 * - { scope }: an API key holding that scope, or a signed-in staff account;
 * - { scope, customer: true }: as { scope }, and also a signed-in customer account — the route
 *   then shows only the customer's own organisation (see viewerOf) and answers 404 for others.
 */
export type RouteAccess = 'public' | 'signed-in' | { role: AccountRole } | { scope: Scope; customer?: true };

export type Principal =
  | { kind: 'session'; account: Account; sessionId: string; csrfToken: string }
  | { kind: 'api-key'; apiKeyId: string; scopes: readonly Scope[]; systemId: string | null };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'upkeep_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type RouteEntry = { method: string; url: string; access: RouteAccess };

/**
 * Refuses to register a route that does not declare its access, so an undeclared route stops the
 * server at startup instead of shipping open. Routes under `publicPrefixes` (the docs UI, whose
 * routes a plugin registers) are public by design. Returns the route table it fills.
 */
export function enforceDeclaredAccess(app: FastifyInstance, publicPrefixes: readonly string[]): RouteEntry[] {
  const table: RouteEntry[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    route.config ??= {};
    const config = route.config as { access?: RouteAccess };
    if (
      config.access === undefined &&
      publicPrefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`))
    ) {
      config.access = 'public';
    }
    if (config.access === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access: config.access });
  });
  return table;
}

/** Authenticates every request (API key or session cookie) and enforces the route's declared access. */
export function registerAccessControl(app: FastifyInstance, db: Kysely<Database>, clock: () => Date): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // A matched route always has access (enforceDeclaredAccess); only the 404 handler has none.
    if (access === undefined || access === 'public') return;
    request.principal = await authenticate(request, db, clock());
    authorize(request.principal, access);
    checkCsrf(request);
  });
}

async function authenticate(
  request: FastifyRequest,
  db: Kysely<Database>,
  now: Date,
): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const key = match?.[1] && (await authenticateApiKey(db, match[1], now));
    // A presented but bad key is refused outright rather than falling back to the cookie.
    if (!key) throw new AppError('UNAUTHENTICATED', 'The API key is malformed, unknown or revoked.');
    return { kind: 'api-key', ...key };
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return null;
  const session = await findSession(db, token, now);
  return session ? { kind: 'session', ...session } : null;
}

function authorize(principal: Principal | null, access: Exclude<RouteAccess, 'public'>): void {
  if (principal === null)
    throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key to use this route.');
  if (principal.kind === 'api-key') {
    if (typeof access === 'object' && 'scope' in access && principal.scopes.includes(access.scope)) return;
    const needed =
      typeof access === 'object' && 'scope' in access ? `the ${access.scope} scope` : 'a signed-in account';
    throw new AppError('FORBIDDEN', `This API key may not use this route: it needs ${needed}.`);
  }
  if (typeof access !== 'object') return;
  const role = principal.account.role;
  if ('role' in access && !hasRole(role, access.role)) {
    throw new AppError('FORBIDDEN', `This route needs the ${access.role} role.`);
  }
  if ('scope' in access && isCustomerRole(role) && access.customer !== true) {
    throw new AppError('FORBIDDEN', "This route is for the vendor's staff.");
  }
}

export function isCustomerRole(role: AccountRole): role is CustomerRole {
  return (CUSTOMER_ROLES as readonly string[]).includes(role);
}

function hasRole(actual: AccountRole, required: AccountRole): boolean {
  if (actual === required) return true;
  return (
    (actual === 'admin' && required === 'agent') ||
    (actual === 'customer-admin' && required === 'customer-user')
  );
}

/** Cookie-authenticated writes must echo the session's CSRF token; API-key requests carry no ambient credential. */
function checkCsrf(request: FastifyRequest): void {
  const principal = request.principal;
  if (principal?.kind !== 'session' || SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !safeEqual(sent, principal.csrfToken)) {
    throw new AppError(
      'CSRF_FAILED',
      `Missing or wrong ${CSRF_HEADER} header; use the csrfToken from login or /v1/auth/me.`,
    );
  }
}

/** The signed-in account of a session request; routes with 'signed-in' or role access can rely on it. */
export function requireSession(request: FastifyRequest): Extract<Principal, { kind: 'session' }> {
  if (request.principal?.kind !== 'session')
    throw new AppError('UNAUTHENTICATED', 'Sign in to use this route.');
  return request.principal;
}

/** Who is asking, as the data layer needs it: the vendor's staff see everything, a customer only its organisation. */
export type Viewer =
  | { kind: 'staff'; accountId: string | null; apiKeyId: string | null }
  | { kind: 'customer'; accountId: string; organisationId: string; role: CustomerRole };

/**
 * The viewer of an authenticated request. Routes that customers may call filter every query by
 * `organisationIdFilter(viewer)` and answer 404 — never 403 — for another organisation's object.
 */
export function viewerOf(request: FastifyRequest): Viewer {
  const principal = request.principal;
  if (principal === null)
    throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key to use this route.');
  if (principal.kind === 'api-key') return { kind: 'staff', accountId: null, apiKeyId: principal.apiKeyId };
  const { account } = principal;
  if (isCustomerRole(account.role)) {
    if (account.organisationId === null)
      throw new Error(`customer account ${account.id} has no organisation`);
    return {
      kind: 'customer',
      accountId: account.id,
      organisationId: account.organisationId,
      role: account.role,
    };
  }
  return { kind: 'staff', accountId: account.id, apiKeyId: null };
}

/** The organisation a viewer is limited to, or null for staff (no limit). */
export function organisationIdFilter(viewer: Viewer): string | null {
  return viewer.kind === 'customer' ? viewer.organisationId : null;
}
