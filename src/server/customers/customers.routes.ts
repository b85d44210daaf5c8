import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { SignInThrottle } from '../auth/sign-in-throttle.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { registerCustomerAuthRoutes } from './customer-auth.routes.ts';
import { registerCustomerUserRoutes } from './customer-users.routes.ts';
import { registerOrganisationRoutes } from './organisations.routes.ts';
import { registerRestrictionRoutes } from './restrictions.routes.ts';

export type CustomerRouteDeps = {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  /** The sign-in throttle: the magic-link route is limited like password sign-in. */
  throttle: SignInThrottle;
};

/** Customers (issue 3 §2): organisations, their users and invitations, magic links, mailing list, restrictions. */
export function registerCustomerRoutes(app: FastifyInstance, deps: CustomerRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerOrganisationRoutes(r, deps);
  registerCustomerUserRoutes(r, deps);
  registerRestrictionRoutes(r, deps);
  registerCustomerAuthRoutes(r, deps);
}
