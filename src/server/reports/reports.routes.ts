import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import {
  BacklogReportSchema,
  LapsedQuerySchema,
  LapsedReportSchema,
  RenewalsDueQuerySchema,
  RenewalsDueReportSchema,
  RevenueQuerySchema,
  RevenueReportSchema,
  SlaComplianceQuerySchema,
  SlaComplianceReportSchema,
} from '../../schema/reports.schema.ts';
import type { Database } from '../db/database-types.ts';
import { errorResponses } from '../http/responses.ts';
import { lapsedReport, renewalsDueReport } from './contract-reports.ts';
import { backlogReport, revenueReport, slaComplianceReport } from './reports.service.ts';

export type ReportRouteDeps = { db: Kysely<Database>; clock: () => Date };

/** Staff only: agents and admins (a customer session answers 403). */
const STAFF = { role: 'agent' } as const;
const TAGS = ['reports'];
const ERRORS = errorResponses('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN');

/** The reports behind the console's dashboards (docs/reports.md). */
export function registerReportRoutes(app: FastifyInstance, deps: ReportRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.get('/v1/reports/sla-compliance', {
    config: { access: STAFF },
    schema: {
      tags: TAGS,
      summary: 'SLA clocks that stopped, met vs breached, per month, ticket category and metric.',
      querystring: SlaComplianceQuerySchema,
      response: { 200: SlaComplianceReportSchema, ...ERRORS },
    },
    handler: async (request) => slaComplianceReport(db, request.query, clock()),
  });

  r.get('/v1/reports/backlog', {
    config: { access: STAFF },
    schema: {
      tags: TAGS,
      summary: 'Open tickets by age (<1 d, 1–3 d, 3–7 d, 7–30 d, >30 d) and priority.',
      response: { 200: BacklogReportSchema, ...ERRORS },
    },
    handler: async () => backlogReport(db, clock()),
  });

  r.get('/v1/reports/renewals-due', {
    config: { access: STAFF },
    schema: {
      tags: TAGS,
      summary: 'Contracts covered today whose coverage expires within `days`, grouped by week.',
      querystring: RenewalsDueQuerySchema,
      response: { 200: RenewalsDueReportSchema, ...ERRORS },
    },
    handler: async (request) => renewalsDueReport(db, request.query, clock()),
  });

  r.get('/v1/reports/revenue', {
    config: { access: STAFF },
    schema: {
      tags: TAGS,
      summary: 'Invoiced, credited and paid amounts per month, one series per currency (minor units).',
      querystring: RevenueQuerySchema,
      response: { 200: RevenueReportSchema, ...ERRORS },
    },
    handler: async (request) => revenueReport(db, request.query, clock()),
  });

  r.get('/v1/reports/lapsed', {
    config: { access: STAFF },
    schema: {
      tags: TAGS,
      summary: 'Contracts whose coverage expired in the last `days` and that are not renewed, per month.',
      querystring: LapsedQuerySchema,
      response: { 200: LapsedReportSchema, ...ERRORS },
    },
    handler: async (request) => lapsedReport(db, request.query, clock()),
  });
}
