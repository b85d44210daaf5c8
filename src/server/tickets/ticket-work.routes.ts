import type { FastifyInstance } from 'fastify';
import type { TicketRouteDeps } from './tickets.routes.ts';

/** Time entries, estimates and budgets (R2.10), completed modifications (R2.11), known issues (R2.12). */
export function registerTicketWorkRoutes(_app: FastifyInstance, _deps: TicketRouteDeps): void {}
