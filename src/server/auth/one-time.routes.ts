import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { OneTimeTokenParamsSchema } from '../../schema/auth.schema.ts';
import { ErrorBodySchema } from '../../schema/error.schema.ts';
import type { Config } from '../config.ts';
import { markRegisteredOnDesk } from '../customers/desk-facts.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import { confirmPage, invalidLinkPage, sendPage } from './one-time-page.ts';
import { setSessionCookie } from './session-cookie.ts';
import { consumeOneTimeToken, createSession, peekOneTimeToken } from './sessions.service.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

const HtmlPage = z.string().describe('An HTML page.');

export type OneTimeRouteDeps = {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  throttle: SignInThrottle;
};

/**
 * One-time links in two steps, so that nothing but a person's click uses one: the GET (what mail
 * scanners and link previews fetch) only shows a page naming the account, its button POSTs.
 */
export async function registerOneTimeRoutes(app: FastifyInstance, deps: OneTimeRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    // The page's form posts application/x-www-form-urlencoded with an empty body: accepted here only.
    scope.addContentTypeParser('application/x-www-form-urlencoded', (_request, _payload, done) =>
      done(null, undefined),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.get('/v1/auth/one-time/:token', {
      config: { access: 'public' },
      exposeHeadRoute: false,
      schema: {
        tags: ['auth'],
        summary:
          'The page of a one-time link: names the account and has a button that signs in. Does not use the link up.',
        description:
          'Answers an HTML page with a strict CSP. An unknown, expired or used link → 401: a page for browsers (Accept: text/html), else the error body TOKEN_INVALID.',
        params: OneTimeTokenParamsSchema,
        response: {
          200: { description: 'The confirmation page.', content: { 'text/html': { schema: HtmlPage } } },
          401: {
            description:
              'TOKEN_INVALID: the link cannot be used. Browsers (Accept: text/html) get a page saying so.',
            content: { 'application/json': { schema: ErrorBodySchema }, 'text/html': { schema: HtmlPage } },
          },
          ...errorResponses('VALIDATION_FAILED'),
        },
      },
      handler: async (request, reply) => {
        const account = await peekOneTimeToken(deps.db, request.params.token, deps.clock());
        if (!account) {
          if (request.headers.accept?.includes('text/html')) return sendPage(reply, 401, invalidLinkPage());
          throw new AppError('TOKEN_INVALID', 'This login link is unknown, expired or already used.');
        }
        return sendPage(reply, 200, confirmPage(account, request.params.token));
      },
    });
    r.post('/v1/auth/one-time/:token', {
      config: { access: 'public' },
      onRequest: deps.throttle.byIp,
      schema: {
        tags: ['auth'],
        summary: 'Use a one-time link: signs in, sets the session cookie and redirects (303) to /.',
        params: OneTimeTokenParamsSchema,
        response: {
          303: z.undefined(),
          ...errorResponses('VALIDATION_FAILED', 'TOKEN_INVALID', 'FORBIDDEN', 'RATE_LIMITED'),
        },
      },
      handler: async (request, reply) => {
        refuseCrossSite(request, deps.config);
        const now = deps.clock();
        // One transaction: a token is never used up without its session being created.
        const signedIn = await deps.db.transaction().execute(async (trx) => {
          const accountId = await consumeOneTimeToken(trx, request.params.token, now);
          // R1.1 (S1): a customer who uses an invitation (or any one-time link) is registered on the desk.
          if (accountId) await markRegisteredOnDesk(trx, accountId, now);
          return (
            accountId && {
              accountId,
              session: await createSession(trx, accountId, now, { viaOneTimeLink: true }),
            }
          );
        });
        if (!signedIn)
          throw new AppError('TOKEN_INVALID', 'This login link is unknown, expired or already used.');
        setSessionCookie(reply, signedIn.session, deps.config);
        request.log.info({ accountId: signedIn.accountId }, 'signed in with a one-time link');
        return reply.redirect('/', 303);
      },
    });
  });
}

/**
 * Login CSRF: another site must not make a visitor's browser post an attacker's link and so sign
 * the visitor into the attacker's account. Browsers send Origin (and Sec-Fetch-Site) on a form
 * POST; when they do, it must be this server. Clients that send neither (curl) are not browsers.
 */
function refuseCrossSite(request: FastifyRequest, config: Config): void {
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  const sameOrigin =
    origin === undefined ||
    (config.publicUrl
      ? origin === new URL(config.publicUrl).origin
      : hostOf(origin) === hostOf(`${request.protocol}://${request.host}`));
  const sameSite = fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none';
  if (!sameOrigin || !sameSite) {
    throw new AppError('FORBIDDEN', 'A one-time link can only be used from its own sign-in page.');
  }
}

/** The host of a URL with the scheme's default port left out, as browsers write Origin. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
