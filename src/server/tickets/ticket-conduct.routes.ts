import type { FastifyInstance } from 'fastify';
import type { TicketRouteDeps } from './tickets.routes.ts';

/** Conduct and flooding flags (R1.3–R1.5), intake refusals, attachments (R2.2), system events (R4.6). */
export function registerTicketConductRoutes(_app: FastifyInstance, _deps: TicketRouteDeps): void {}
