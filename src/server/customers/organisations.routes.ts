import {
  OrganisationCreateRequestSchema,
  OrganisationIdParamsSchema,
  OrganisationListQuerySchema,
  OrganisationPageSchema,
  OrganisationSchema,
  OrganisationUpdateRequestSchema,
} from '../../schema/customers.schema.ts';
import { organisationIdFilter, viewerOf } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import { organisationNotFound } from './customer-access.ts';
import type { CustomerRouteDeps } from './customers.routes.ts';
import {
  createOrganisation,
  findOrganisation,
  listOrganisations,
  type OrganisationUpdateOutcome,
  updateOrganisation,
} from './organisations.repository.ts';

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const TAGS = ['customers'];

export function registerOrganisationRoutes(r: ZodApp, deps: CustomerRouteDeps): void {
  r.post('/v1/organisations', {
    config: { access: { scope: 'customers:write' } },
    schema: {
      tags: TAGS,
      summary: 'Create a customer organisation.',
      body: OrganisationCreateRequestSchema,
      response: {
        201: OrganisationSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'ALREADY_EXISTS'),
      },
    },
    handler: async (request, reply) => {
      const created = await createOrganisation(deps.db, request.body, deps.clock());
      if (!created.ok) throw refTaken(created.existingId);
      return reply.code(201).send(created.organisation);
    },
  });

  r.get('/v1/organisations', {
    config: { access: { scope: 'customers:read' } },
    schema: {
      tags: TAGS,
      summary:
        'List organisations in creation order, a page at a time (`limit`, then `cursor` = `nextCursor`).',
      querystring: OrganisationListQuerySchema,
      response: { 200: OrganisationPageSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED) },
    },
    handler: async (request) => listOrganisations(deps.db, request.query),
  });

  r.get('/v1/organisations/:id', {
    config: { access: { scope: 'customers:read', customer: true } },
    schema: {
      tags: TAGS,
      summary: 'One organisation. A customer sees only its own (another answers 404).',
      params: OrganisationIdParamsSchema,
      response: { 200: OrganisationSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const { id } = request.params;
      const found = await findOrganisation(deps.db, id, organisationIdFilter(viewerOf(request)));
      if (!found) throw organisationNotFound(id);
      return found;
    },
  });

  r.patch('/v1/organisations/:id', {
    config: { access: { scope: 'customers:write' } },
    schema: {
      tags: TAGS,
      summary: 'Rename an organisation or set/remove its external reference (null removes it).',
      params: OrganisationIdParamsSchema,
      body: OrganisationUpdateRequestSchema,
      response: {
        200: OrganisationSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND', 'ALREADY_EXISTS'),
      },
    },
    handler: async (request) => {
      const outcome: OrganisationUpdateOutcome = await updateOrganisation(
        deps.db,
        request.params.id,
        request.body,
      );
      if (outcome.ok) return outcome.organisation;
      if (outcome.code === 'NOT_FOUND') throw organisationNotFound(request.params.id);
      throw refTaken(outcome.existingId);
    },
  });
}

function refTaken(existingId: string): AppError {
  return new AppError(
    'ALREADY_EXISTS',
    'body.externalRef: another organisation has this external reference.',
    {
      id: existingId,
    },
  );
}
