import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  type Account,
  AccountSchema,
  LoginRequestSchema,
  OneTimeTokenParamsSchema,
  SessionResponseSchema,
} from '../../schema/auth.schema.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import { requireSession, SESSION_COOKIE } from './access.ts';
import { checkCredentials } from './accounts.service.ts';
import { consumeOneTimeToken, createSession, deleteSession, type IssuedSession } from './sessions.service.ts';

export type AuthRouteDeps = { db: Kysely<Database>; config: Config; clock: () => Date };

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const route of [login, logout, me, oneTimeLogin]) route(r, deps);
}

function setSessionCookie(reply: FastifyReply, session: IssuedSession, config: Config): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl?.startsWith('https:') ?? false,
    path: '/',
    expires: session.expiresAt,
  });
}

function sessionBody(account: Account, session: IssuedSession) {
  return { account, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
}

function login(r: ZodApp, deps: AuthRouteDeps): void {
  r.post('/v1/auth/login', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token.',
      body: LoginRequestSchema,
      response: { 200: SessionResponseSchema, ...errorResponses('VALIDATION_FAILED', 'INVALID_CREDENTIALS') },
    },
    handler: async (request, reply) => {
      const check = await checkCredentials(deps.db, request.body.email, request.body.password);
      if (!check.ok) throw new AppError(check.code, 'Wrong email or password.');
      const session = await createSession(deps.db, check.account.id, deps.clock());
      setSessionCookie(reply, session, deps.config);
      return sessionBody(check.account, session);
    },
  });
}

function logout(r: ZodApp, deps: AuthRouteDeps): void {
  r.post('/v1/auth/logout', {
    config: { access: 'signed-in' },
    schema: {
      tags: ['auth'],
      summary: 'End the session: deletes it on the server and clears the cookie.',
      response: { 204: z.undefined(), ...errorResponses('UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_FAILED') },
    },
    handler: async (request, reply) => {
      await deleteSession(deps.db, requireSession(request).sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  });
}

function me(r: ZodApp, _deps: AuthRouteDeps): void {
  r.get('/v1/auth/me', {
    config: { access: 'signed-in' },
    schema: {
      tags: ['auth'],
      summary: 'The signed-in account and the CSRF token of its session.',
      response: {
        200: z.object({ account: AccountSchema, csrfToken: z.string() }),
        ...errorResponses('UNAUTHENTICATED', 'FORBIDDEN'),
      },
    },
    handler: async (request) => {
      const { account, csrfToken } = requireSession(request);
      return { account, csrfToken };
    },
  });
}

function oneTimeLogin(r: ZodApp, deps: AuthRouteDeps): void {
  r.get('/v1/auth/one-time/:token', {
    config: { access: 'public' },
    // A HEAD (link previews, prefetchers) must not burn the token.
    exposeHeadRoute: false,
    schema: {
      tags: ['auth'],
      summary: 'Consume a one-time login link: signs in, sets the session cookie and redirects to /.',
      params: OneTimeTokenParamsSchema,
      response: { 302: z.undefined(), ...errorResponses('VALIDATION_FAILED', 'TOKEN_INVALID') },
    },
    handler: async (request, reply) => {
      const now = deps.clock();
      // One transaction: a token is never used up without its session being created.
      const signedIn = await deps.db.transaction().execute(async (trx) => {
        const accountId = await consumeOneTimeToken(trx, request.params.token, now);
        return accountId && { accountId, session: await createSession(trx, accountId, now) };
      });
      if (!signedIn)
        throw new AppError('TOKEN_INVALID', 'This login link is unknown, expired or already used.');
      setSessionCookie(reply, signedIn.session, deps.config);
      request.log.info({ accountId: signedIn.accountId }, 'signed in with a one-time link');
      return reply.redirect('/', 302);
    },
  });
}
