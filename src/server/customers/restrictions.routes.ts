import {
  OrganisationIdParamsSchema,
  RestrictionCreateRequestSchema,
  RestrictionLiftRequestSchema,
  RestrictionListQuerySchema,
  RestrictionListSchema,
  RestrictionParamsSchema,
  RestrictionSchema,
} from '../../schema/customers.schema.ts';
import { viewerOf } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import { organisationNotFound, requireOwnOrganisation } from './customer-access.ts';
import type { CustomerRouteDeps } from './customers.routes.ts';
import { findOrganisation } from './organisations.repository.ts';
import { liftRestriction, listRestrictions, recordRestriction } from './restrictions.service.ts';

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const TAGS = ['customers'];
const AGENT = { access: { role: 'agent' } } as const;

export function registerRestrictionRoutes(r: ZodApp, deps: CustomerRouteDeps): void {
  r.post('/v1/organisations/:id/restrictions', {
    config: AGENT,
    schema: {
      tags: TAGS,
      summary:
        'Record a suspension (a refusal reason, R1.4) or a revocation for abusive conduct (R1.3) against an organisation.',
      description:
        "An agent's confirmed decision; audited and visible to the customer. Active until lifted. When the organisation has contracts, `reason` must be 'abuse' or a refusal reason key of their plans (VALIDATION_FAILED lists them).",
      params: OrganisationIdParamsSchema,
      body: RestrictionCreateRequestSchema,
      response: {
        201: RestrictionSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request, reply) => {
      const outcome = await recordRestriction(
        deps.db,
        {
          organisationId: request.params.id,
          body: request.body,
          viewer: viewerOf(request),
          clientIp: request.ip,
        },
        deps.clock(),
      );
      if (outcome.ok) return reply.code(201).send(outcome.restriction);
      if (outcome.code === 'NOT_FOUND') throw organisationNotFound(request.params.id);
      throw new AppError('VALIDATION_FAILED', `${outcome.path}: ${outcome.message}`, [
        { path: outcome.path, rule: 'custom', message: outcome.message },
      ]);
    },
  });

  r.post('/v1/organisations/:id/restrictions/:restrictionId/lift', {
    config: AGENT,
    schema: {
      tags: TAGS,
      summary:
        'Lift a restriction (sets liftedAt, liftedBy and the note); lifting a lifted one changes nothing.',
      params: RestrictionParamsSchema,
      body: RestrictionLiftRequestSchema,
      response: {
        200: RestrictionSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const { id, restrictionId } = request.params;
      const restriction = await liftRestriction(
        deps.db,
        {
          organisationId: id,
          restrictionId,
          note: request.body.note,
          viewer: viewerOf(request),
          clientIp: request.ip,
        },
        deps.clock(),
      );
      if (!restriction)
        throw new AppError('NOT_FOUND', `No restriction ${restrictionId} of organisation ${id}.`);
      return restriction;
    },
  });

  r.get('/v1/organisations/:id/restrictions', {
    config: { access: { scope: 'customers:read', customer: true } },
    schema: {
      tags: TAGS,
      summary:
        "An organisation's suspensions and revocations with reasons and dates, newest first (R1.3: visible to the customer).",
      params: OrganisationIdParamsSchema,
      querystring: RestrictionListQuerySchema,
      response: {
        200: RestrictionListSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const { id } = request.params;
      requireOwnOrganisation(viewerOf(request), id);
      if (!(await findOrganisation(deps.db, id, null))) throw organisationNotFound(id);
      const active = request.query.active === undefined ? undefined : request.query.active === 'true';
      return { items: await listRestrictions(deps.db, id, active) };
    },
  });
}
