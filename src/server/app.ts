import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { enforceDeclaredAccess, type RouteEntry, registerAccessControl } from './auth/access.ts';
import { registerAccountRoutes } from './auth/accounts.routes.ts';
import { registerApiKeyRoutes } from './auth/api-keys.routes.ts';
import { registerAuthRoutes } from './auth/auth.routes.ts';
import { registerOneTimeRoutes } from './auth/one-time.routes.ts';
import type { ScryptCost } from './auth/secrets.ts';
import { registerSignInThrottle, type SignInLimits } from './auth/sign-in-throttle.ts';
import { registerBillingRoutes } from './billing/billing.routes.ts';
import { registerCatalogRoutes } from './catalog/catalog.routes.ts';
import type { Config } from './config.ts';
import { registerContractRoutes } from './contracts/contracts.routes.ts';
import { registerCustomerRoutes } from './customers/customers.routes.ts';
import type { Database } from './db/database-types.ts';
import { registerErrorHandling, sendFrameworkError } from './http/error-handler.ts';
import { registerIdempotency } from './http/idempotency.ts';
import { createLogger } from './http/logger.ts';
import { registerMetrics } from './http/metrics.ts';
import { DOCS_PREFIX, registerOpenApi } from './http/openapi.ts';
import { registerPlanRoutes } from './http/plans.routes.ts';
import { generateRequestId, REQUEST_ID_HEADER } from './http/request-id.ts';
import { registerSystemRoutes } from './http/system.routes.ts';
import { registerWebAppRoutes } from './http/web-app.routes.ts';
import { issueKeysOnReleasePublished } from './licenses/license-release-hook.ts';
import { registerLicenseRoutes } from './licenses/licenses.routes.ts';
import { registerInboundMailRoutes } from './mail/inbound/inbound-mail.routes.ts';
import { registerMailRoutes } from './mail/mail.routes.ts';
import { notifyReleasePublished } from './mail/release-notices.ts';
import { registerReportRoutes } from './reports/reports.routes.ts';
import { loadSealingKey, type SealingKey } from './secrets/sealing.ts';
import { registerSystemsRoutes } from './systems/systems.routes.ts';
import { closeKnownIssuesOnRelease } from './tickets/known-issues.service.ts';
import { registerTicketConductRoutes } from './tickets/ticket-conduct.routes.ts';
import { registerTicketWorkRoutes } from './tickets/ticket-work.routes.ts';
import { registerTicketRoutes } from './tickets/tickets.routes.ts';
import { registerWebhookRoutes } from './webhooks/webhooks.routes.ts';

export type AppOptions = {
  config: Config;
  db: Kysely<Database>;
  logger?: FastifyBaseLogger;
  /** The source of "now" for sessions, tokens and keys; tests pass a fixed or moving clock. */
  clock?: () => Date;
  /** Sign-in throttle limits (default SIGN_IN_LIMITS). */
  signInLimits?: SignInLimits;
  /** scrypt cost of new password hashes (default SCRYPT_COST); tests lower it. */
  passwordCost?: ScryptCost;
  /** Seals secrets at rest (license keys in notices); default: loaded from the config once, at build. */
  sealingKey?: SealingKey;
  /** The built web app to serve (default web/dist); tests point it elsewhere. */
  webDistDir?: string;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route with its declared access, for the permission tests and audits. */
    routeTable: readonly RouteEntry[];
  }
}

const API_VERSION = '0.1.0';
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the HTTP app over an open database. The caller owns the database and closes it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, db } = options;
  const clock = options.clock ?? (() => new Date());
  const sealingKey = options.sealingKey ?? (await loadSealingKey(config));
  const app = Fastify({
    loggerInstance: options.logger ?? createLogger(config.logLevel),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: generateRequestId,
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: sendFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('routeTable', enforceDeclaredAccess(app, [DOCS_PREFIX]));
  // Callback style, not async: every request runs it, and an async hook costs a promise and a tick.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  registerErrorHandling(app);
  const metrics = registerMetrics(app);
  await app.register(fastifyCookie);
  registerAccessControl(app, db, clock);
  registerIdempotency(app, { db, clock });
  await registerOpenApi(app, API_VERSION);

  registerWebAppRoutes(app, { distDir: options.webDistDir });
  registerSystemRoutes(app, { db, metrics });
  const throttle = await registerSignInThrottle(app, options.signInLimits);
  registerAuthRoutes(app, { db, config, clock, throttle, passwordCost: options.passwordCost });
  await registerOneTimeRoutes(app, { db, config, clock, throttle });
  registerAccountRoutes(app, { db, config, clock });
  registerApiKeyRoutes(app, { db, clock });
  registerPlanRoutes(app, { db, clock });
  await registerLicenseRoutes(app, { db, config, clock });
  registerCustomerRoutes(app, { db, config, clock, throttle });
  registerBillingRoutes(app, { db, clock, sealingKey });
  registerContractRoutes(app, { db, config, clock, sealingKey });
  const releaseHooks = [
    issueKeysOnReleasePublished(sealingKey),
    closeKnownIssuesOnRelease,
    notifyReleasePublished,
  ];
  await registerCatalogRoutes(app, { db, config, clock, releaseHooks });
  registerSystemsRoutes(app, { db, config, clock });
  const desk = { db, config, clock };
  registerTicketRoutes(app, desk);
  registerTicketWorkRoutes(app, desk);
  registerTicketConductRoutes(app, desk);
  registerMailRoutes(app, { db, clock, sealingKey });
  registerInboundMailRoutes(app, { db });
  registerWebhookRoutes(app, { db, config, clock, sealingKey });
  registerReportRoutes(app, { db, clock });
  await app.ready();
  return app;
}
