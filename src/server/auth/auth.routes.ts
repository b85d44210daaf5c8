import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { PasswordChangeRequestSchema } from '../../schema/accounts.schema.ts';
import { AccountSchema, LoginRequestSchema, SessionResponseSchema } from '../../schema/auth.schema.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import { requireSession, SESSION_COOKIE } from './access.ts';
import { checkCredentials } from './accounts.service.ts';
import { changePassword } from './password.service.ts';
import type { ScryptCost } from './secrets.ts';
import { sessionBody, setSessionCookie } from './session-cookie.ts';
import { createSession, deleteSession } from './sessions.service.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

export type AuthRouteDeps = {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  throttle: SignInThrottle;
  /** scrypt cost for new password hashes; tests lower it (verification reads the cost from the hash). */
  passwordCost?: ScryptCost | undefined;
};

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const route of [login, logout, me, setPassword]) route(r, deps);
}

function login(r: ZodApp, deps: AuthRouteDeps): void {
  r.post('/v1/auth/login', {
    config: { access: 'public' },
    onRequest: deps.throttle.byIp,
    preHandler: deps.throttle.byAccount,
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token.',
      body: LoginRequestSchema,
      response: {
        200: SessionResponseSchema,
        ...errorResponses('VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'RATE_LIMITED'),
      },
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

function setPassword(r: ZodApp, deps: AuthRouteDeps): void {
  r.post('/v1/auth/password', {
    config: { access: 'signed-in' },
    preHandler: deps.throttle.byAccount,
    schema: {
      tags: ['auth'],
      summary:
        "Set or change one's own password (the current one is required once one is set). Ends the account's other sessions.",
      body: PasswordChangeRequestSchema,
      response: {
        204: z.undefined(),
        ...errorResponses(
          'VALIDATION_FAILED',
          'UNAUTHENTICATED',
          'FORBIDDEN',
          'CSRF_FAILED',
          'CURRENT_PASSWORD_WRONG',
          'PASSWORD_TOO_WEAK',
          'RATE_LIMITED',
        ),
      },
    },
    handler: async (request, reply) => {
      const { account, sessionId } = requireSession(request);
      const outcome = await changePassword(
        deps.db,
        {
          accountId: account.id,
          sessionId,
          currentPassword: request.body.currentPassword,
          newPassword: request.body.newPassword,
          cost: deps.passwordCost,
        },
        deps.clock(),
      );
      if (!outcome.ok) throw passwordError(outcome);
      request.log.info({ accountId: account.id }, 'password set; other sessions ended');
      return reply.code(204).send();
    },
  });
}

const WEAKNESS = {
  COMMON: 'it is one of the most common passwords (or one padded with digits or symbols)',
  PREDICTABLE: 'it is a run of repeated, consecutive or neighbouring keys',
  PERSONAL: "it contains the account's email name or name",
} as const;

function passwordError(outcome: Exclude<Awaited<ReturnType<typeof changePassword>>, { ok: true }>): AppError {
  if (outcome.code === 'CURRENT_PASSWORD_WRONG') {
    return new AppError(
      'CURRENT_PASSWORD_WRONG',
      'body.currentPassword: missing or wrong; it is required to change an existing password.',
    );
  }
  return new AppError('PASSWORD_TOO_WEAK', `body.newPassword: refused because ${WEAKNESS[outcome.reason]}.`, {
    path: 'body.newPassword',
    rule: outcome.reason,
  });
}
