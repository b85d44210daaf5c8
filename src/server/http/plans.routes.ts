import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { resolveHolidays } from '../../core/calendar/calendar.holidays.ts';
import { type CalendarSpec, WEEK_DAYS } from '../../core/calendar/calendar.schema.ts';
import { explainPlan, formatExplanation } from '../../core/plan/plan.explain.ts';
import { parsePlanDocument, validatePlan } from '../../core/plan/plan.parse.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';
import { planContentHash } from '../../core/plan/plan.version.ts';
import { workingDayLengthOfSpec } from '../../core/plan/plan-explain.calendar.ts';
import {
  PLAN_CALENDAR_MAX_DAYS,
  PlanCalendarQuerySchema,
  PlanCalendarSchema,
  PlanKeyParamsSchema,
  PlanStoredSchema,
  PlanValidResultSchema,
  PlanVersionDetailSchema,
  PlanVersionSummarySchema,
} from '../../schema/plan-api.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { viewerOf } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import {
  getPlanVersion,
  listPlans,
  type PlanVersion,
  savePlanVersion,
} from '../db/plan-versions.repository.ts';
import { AppError } from './errors.ts';
import { errorResponses } from './responses.ts';

export type PlanRouteDeps = { db: Kysely<Database>; clock: () => Date };

const READ = { scope: 'plans:read' } as const;
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

export function registerPlanRoutes(app: FastifyInstance, deps: PlanRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Plans are written in YAML: accept it as text and let the plan parser report positions.
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  r.get('/v1/plans', {
    config: { access: READ },
    schema: {
      tags: ['plans'],
      summary: 'The latest version of each stored plan.',
      response: {
        200: z.object({ items: z.array(PlanVersionSummarySchema) }),
        ...errorResponses('UNAUTHENTICATED', 'FORBIDDEN'),
      },
    },
    handler: async () => ({ items: (await listPlans(deps.db)).map((p) => toSummary(p.name, p.latest)) }),
  });

  r.get('/v1/plans/:key', {
    config: { access: READ },
    schema: {
      tags: ['plans'],
      summary: 'The latest version of one plan, with its document and plain-language explanation.',
      params: PlanKeyParamsSchema,
      response: {
        200: PlanVersionDetailSchema,
        ...errorResponses('UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const version = await getPlanVersion(deps.db, request.params.key);
      if (!version) throw new AppError('NOT_FOUND', `No plan with key ${request.params.key}.`);
      const document = version.document as Record<string, unknown>;
      return { ...toSummary(String(document.name), version), document, explain: explainDocument(document) };
    },
  });

  r.post('/v1/plans/validate', {
    config: { access: READ },
    schema: {
      tags: ['plans'],
      summary: 'Validate a plan document (JSON body, or YAML with Content-Type application/yaml).',
      description:
        'Answers 422 PLAN_INVALID with every error and the path of its field in `error.details.errors`.',
      body: z.unknown(),
      response: {
        200: PlanValidResultSchema,
        ...errorResponses('MALFORMED_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_FAILED', 'PLAN_INVALID'),
      },
    },
    handler: async (request) => {
      const plan = checkedPlan(request.body);
      return { valid: true as const, key: plan.key, name: plan.name, contentHash: planContentHash(plan) };
    },
  });

  r.post('/v1/plans', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['plans'],
      summary:
        'Store a plan document as the next version of its plan (JSON body, or YAML with Content-Type application/yaml).',
      description:
        'Validated as by `POST /v1/plans/validate` (422 PLAN_INVALID with every error). A new plan key creates the plan. ' +
        'A document equal to the latest version stores nothing and answers that version (200, `created: false`); ' +
        'one equal to an older version answers 409 ALREADY_EXISTS (versions are unique by content). Audited.',
      body: z.unknown(),
      response: {
        200: PlanStoredSchema,
        201: PlanStoredSchema,
        ...errorResponses(
          'MALFORMED_REQUEST',
          'UNAUTHENTICATED',
          'FORBIDDEN',
          'CSRF_FAILED',
          'PLAN_INVALID',
          'ALREADY_EXISTS',
        ),
      },
    },
    handler: async (request, reply) => {
      const plan = checkedPlan(request.body);
      const contentHash = planContentHash(plan);
      const latest = await getPlanVersion(deps.db, plan.key);
      if (latest?.contentHash === contentHash) return reply.code(200).send(detailOf(latest, false));
      // The version and its audit row commit together.
      const saved = await savePlanVersion(
        deps.db,
        { key: plan.key, name: plan.name, document: plan, contentHash },
        (trx, stored) =>
          recordAudit(
            trx,
            {
              action: 'plan.version-stored',
              viewer: viewerOf(request),
              subjectType: 'plan',
              subjectId: plan.key,
              details: { version: stored.version, contentHash, previousVersion: latest?.version ?? null },
            },
            deps.clock(),
          ),
      );
      if (!saved.created) {
        throw new AppError(
          'ALREADY_EXISTS',
          `This document is version ${saved.version} of plan ${plan.key}; the latest is version ${latest?.version}. ` +
            'Versions are unique by content: change the document to store it again as the latest.',
          { id: saved.id, version: saved.version },
        );
      }
      request.log.info({ plan: plan.key, version: saved.version }, 'plan version stored');
      return reply.code(201).send(detailOf(saved, true));
    },
  });

  r.get('/v1/plans/:key/calendar', {
    config: { access: { role: 'agent' } },
    schema: {
      tags: ['plans'],
      summary:
        "The latest version's business calendar in a date range: weekly hours and breaks, public holidays, exceptions, maintenance windows.",
      description: `Default range: today (in the plan's time zone) and the 12 months after. At most ${PLAN_CALENDAR_MAX_DAYS} days.`,
      params: PlanKeyParamsSchema,
      querystring: PlanCalendarQuerySchema,
      response: {
        200: PlanCalendarSchema,
        ...errorResponses('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const version = await getPlanVersion(deps.db, request.params.key);
      if (!version) throw new AppError('NOT_FOUND', `No plan with key ${request.params.key}.`);
      const result = validatePlan(version.document);
      if (!result.ok)
        throw new AppError('NOT_FOUND', `Plan ${version.planKey} no longer matches the plan schema.`);
      const spec = result.plan.calendar;
      const zone = spec?.timeZone ?? 'UTC';
      const from = Temporal.PlainDate.from(
        request.query.from ??
          Temporal.Instant.fromEpochMilliseconds(deps.clock().getTime())
            .toZonedDateTimeISO(zone)
            .toPlainDate(),
      );
      const to = Temporal.PlainDate.from(request.query.to ?? from.add({ months: 12 }).subtract({ days: 1 }));
      const days = from.until(to, { largestUnit: 'days' }).days;
      if (days < 0 || days >= PLAN_CALENDAR_MAX_DAYS) {
        const message =
          days < 0 ? 'must not be before from' : `the range may cover at most ${PLAN_CALENDAR_MAX_DAYS} days`;
        throw new AppError('VALIDATION_FAILED', `querystring.to: ${message}.`, [
          { path: 'querystring.to', rule: days < 0 ? 'after_from' : 'max_range', message },
        ]);
      }
      return {
        key: version.planKey,
        version: version.version,
        from: from.toString(),
        to: to.toString(),
        calendar: spec ? calendarView(result.plan, spec, from, to) : null,
      };
    },
  });
}

/** The plan in a request body (a YAML string or a JSON value), or 422 PLAN_INVALID with every error. */
function checkedPlan(body: unknown): Plan {
  const result = typeof body === 'string' ? parsePlanDocument(body) : validatePlan(body);
  if (!result.ok) {
    const count = result.errors.length;
    throw new AppError('PLAN_INVALID', `The plan has ${count} error${count === 1 ? '' : 's'}.`, {
      errors: result.errors,
    });
  }
  return result.plan;
}

function detailOf(version: PlanVersion, created: boolean) {
  const document = version.document as Record<string, unknown>;
  return {
    ...toSummary(String(document.name), version),
    document,
    explain: explainDocument(document),
    created,
  };
}

function calendarView(plan: Plan, spec: CalendarSpec, from: Temporal.PlainDate, to: Temporal.PlainDate) {
  const first = from.toString();
  const last = to.toString();
  const inRange = (date: string) => date >= first && date <= last;
  const startMs = from.toZonedDateTime(spec.timeZone).epochMilliseconds;
  const endMs = to.add({ days: 1 }).toZonedDateTime(spec.timeZone).epochMilliseconds;
  const source = spec.holidays;
  return {
    timeZone: spec.timeZone,
    workingDayLength: workingDayLengthOfSpec(spec),
    week: WEEK_DAYS.map((day) => ({ day, hours: [...(spec.week[day] ?? [])] })),
    holidaySource: source
      ? {
          country: source.country,
          region: source.region ?? null,
          subregion: source.subregion ?? null,
          types: [...(source.types ?? ['public'])],
        }
      : null,
    holidays: source
      ? resolveHolidays(source, from.year, to.year, spec.week).filter((h) => inRange(h.date))
      : [],
    exceptions: (spec.exceptions ?? [])
      .filter((e) => inRange(e.date))
      .sort((a, b) => (a.date < b.date ? -1 : 1))
      .map((e) => ({ date: e.date, name: e.name ?? null, hours: [...(e.hours ?? [])] })),
    maintenanceWindows: (spec.closures ?? [])
      .filter((c) => Date.parse(c.end) > startMs && Date.parse(c.start) < endMs)
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      .map((c) => ({ start: c.start, end: c.end, reason: c.reason ?? null })),
    maintenancePausesClocks: plan.pauses.maintenanceWindows,
  };
}

function toSummary(name: string, version: PlanVersion) {
  return {
    key: version.planKey,
    name,
    version: version.version,
    contentHash: version.contentHash,
    createdAt: version.createdAt.toISOString(),
  };
}

/** The stored document was validated when saved; validating again keeps the types honest. */
function explainDocument(document: Record<string, unknown>): string {
  const result = validatePlan(document);
  if (!result.ok) return 'This stored version no longer matches the plan schema; it cannot be explained.';
  return formatExplanation(explainPlan(result.plan));
}
