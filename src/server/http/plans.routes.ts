import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { explainPlan, formatExplanation } from '../../core/plan/plan.explain.ts';
import { parsePlanDocument, validatePlan } from '../../core/plan/plan.parse.ts';
import { planContentHash } from '../../core/plan/plan.version.ts';
import {
  PlanKeyParamsSchema,
  PlanValidResultSchema,
  PlanVersionDetailSchema,
  PlanVersionSummarySchema,
} from '../../schema/plan-api.schema.ts';
import type { Database } from '../db/database-types.ts';
import { getPlanVersion, listPlans, type PlanVersion } from '../db/plan-versions.repository.ts';
import { AppError } from './errors.ts';
import { errorResponses } from './responses.ts';

export type PlanRouteDeps = { db: Kysely<Database> };

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
      const result =
        typeof request.body === 'string' ? parsePlanDocument(request.body) : validatePlan(request.body);
      if (!result.ok) {
        const count = result.errors.length;
        throw new AppError('PLAN_INVALID', `The plan has ${count} error${count === 1 ? '' : 's'}.`, {
          errors: result.errors,
        });
      }
      const { plan } = result;
      return { valid: true as const, key: plan.key, name: plan.name, contentHash: planContentHash(plan) };
    },
  });
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
