import {
  CustomerUserCreatedSchema,
  CustomerUserCreateRequestSchema,
  CustomerUserPageSchema,
  CustomerUserParamsSchema,
  CustomerUserSchema,
  CustomerUserUpdateRequestSchema,
  InvitationSchema,
  OrganisationIdParamsSchema,
} from '../../schema/customers.schema.ts';
import { PageQuerySchema } from '../../schema/pagination.schema.ts';
import { viewerOf } from '../auth/access.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses, type ZodApp } from '../http/responses.ts';
import {
  baseUrlOf,
  organisationNotFound,
  requireOrganisationAdmin,
  requireOwnOrganisation,
} from './customer-access.ts';
import {
  findCustomerUser,
  inviteCustomerUser,
  listCustomerUsers,
  reinviteCustomerUser,
  updateCustomerUser,
} from './customer-users.service.ts';
import type { CustomerRouteDeps } from './customers.routes.ts';
import { findOrganisation } from './organisations.repository.ts';

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const TAGS = ['customers'];
const READ = { access: { scope: 'customers:read', customer: true } } as const;
const WRITE = { access: { scope: 'customers:write', customer: true } } as const;

export function registerCustomerUserRoutes(r: ZodApp, deps: CustomerRouteDeps): void {
  registerReinvite(r, deps);
  r.post('/v1/organisations/:id/users', {
    config: WRITE,
    schema: {
      tags: TAGS,
      summary:
        'Invite a user to an organisation: creates the account (no password) and emails a one-time link valid 7 days (outbox topic customer.invited).',
      description:
        "Staff with customers:write, or a customer-admin of this organisation. Accepting the link registers the user on the desk (R1.1). The link is never returned: it goes to the user's email only.",
      params: OrganisationIdParamsSchema,
      body: CustomerUserCreateRequestSchema,
      response: {
        201: CustomerUserCreatedSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND', 'EMAIL_TAKEN'),
      },
    },
    handler: async (request, reply) => {
      const viewer = viewerOf(request);
      const organisationId = request.params.id;
      requireOrganisationAdmin(viewer, organisationId);
      const outcome = await inviteCustomerUser(
        deps.db,
        { organisationId, ...request.body, baseUrl: baseUrlOf(request, deps.config), viewer },
        deps.clock(),
      );
      if (!outcome.ok && outcome.code === 'NOT_FOUND') throw organisationNotFound(organisationId);
      if (!outcome.ok)
        throw new AppError('EMAIL_TAKEN', 'body.email: an account with this email exists already.');
      request.log.info({ accountId: outcome.user.id, organisationId }, 'customer user invited');
      return reply.code(201).send({ user: outcome.user, invitation: outcome.invitation });
    },
  });

  r.get('/v1/organisations/:id/users', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: "An organisation's users, a page at a time. A customer sees only its own organisation's.",
      params: OrganisationIdParamsSchema,
      querystring: PageQuerySchema,
      response: {
        200: CustomerUserPageSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const organisationId = request.params.id;
      requireOwnOrganisation(viewerOf(request), organisationId);
      if (!(await findOrganisation(deps.db, organisationId, null)))
        throw organisationNotFound(organisationId);
      return listCustomerUsers(deps.db, organisationId, request.query);
    },
  });

  r.get('/v1/organisations/:id/users/:userId', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'One user of an organisation, with registration and mailing-list state (R1.1).',
      params: CustomerUserParamsSchema,
      response: { 200: CustomerUserSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const { id, userId } = request.params;
      requireOwnOrganisation(viewerOf(request), id);
      const user = await findCustomerUser(deps.db, id, userId);
      if (!user) throw userNotFound(id, userId);
      return user;
    },
  });

  r.patch('/v1/organisations/:id/users/:userId', {
    config: WRITE,
    schema: {
      tags: TAGS,
      summary:
        "Rename a user, switch between customer-admin and customer-user, or disable/enable (disabling ends the user's sessions).",
      description: 'Staff with customers:write, or a customer-admin of this organisation.',
      params: CustomerUserParamsSchema,
      body: CustomerUserUpdateRequestSchema,
      response: {
        200: CustomerUserSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND', 'LAST_ADMIN'),
      },
    },
    handler: async (request) => {
      const { id, userId } = request.params;
      const viewer = viewerOf(request);
      requireOrganisationAdmin(viewer, id);
      const outcome = await updateCustomerUser(deps.db, id, userId, request.body, viewer, deps.clock());
      if (!outcome.ok && outcome.code === 'NOT_FOUND') throw userNotFound(id, userId);
      if (!outcome.ok) {
        throw new AppError(
          'LAST_ADMIN',
          "This is the organisation's last active customer-admin: make another user a customer-admin first.",
        );
      }
      request.log.info({ accountId: userId, change: request.body }, 'customer user changed');
      return outcome.user;
    },
  });
}

function registerReinvite(r: ZodApp, deps: CustomerRouteDeps): void {
  r.post('/v1/organisations/:id/users/:userId/invitation', {
    config: WRITE,
    schema: {
      tags: TAGS,
      summary:
        'Email a user a fresh invitation (a one-time link valid 7 days), e.g. when the first was lost or expired.',
      description:
        'Staff with customers:write, or a customer-admin of this organisation. Earlier links stay valid until used or expired.',
      params: CustomerUserParamsSchema,
      response: {
        201: InvitationSchema,
        ...errorResponses(...DENIED, 'CSRF_FAILED', 'NOT_FOUND', 'ACCOUNT_DISABLED'),
      },
    },
    handler: async (request, reply) => {
      const { id, userId } = request.params;
      const viewer = viewerOf(request);
      requireOrganisationAdmin(viewer, id);
      const outcome = await reinviteCustomerUser(
        deps.db,
        { organisationId: id, userId, baseUrl: baseUrlOf(request, deps.config), viewer },
        deps.clock(),
      );
      if (outcome.ok) return reply.code(201).send(outcome.invitation);
      if (outcome.code === 'NOT_FOUND') throw userNotFound(id, userId);
      throw new AppError(
        'ACCOUNT_DISABLED',
        'This user is disabled: enable it first (PATCH disabled: false).',
      );
    },
  });
}

function userNotFound(organisationId: string, userId: string): AppError {
  return new AppError('NOT_FOUND', `No user ${userId} in organisation ${organisationId}.`);
}
