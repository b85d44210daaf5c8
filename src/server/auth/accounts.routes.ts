import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import {
  AccountCreatedSchema,
  AccountCreateRequestSchema,
  AccountDetailsSchema,
  AccountIdParamsSchema,
  AccountListQuerySchema,
  AccountPageSchema,
  AccountUpdateRequestSchema,
  LoginLinkSchema,
  StaffMemberSchema,
} from '../../schema/accounts.schema.ts';
import { PageQuerySchema, pageOf, toPage } from '../../schema/pagination.schema.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import { requireSession } from './access.ts';
import {
  createAccountWithLink,
  findAccountDetails,
  issueLoginLink,
  listAccounts,
  updateAccount,
} from './account-admin.service.ts';

export type AccountRouteDeps = { db: Kysely<Database>; config: Config; clock: () => Date };

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const ADMIN = { access: { role: 'admin' } } as const;

/** Where links point: UPKEEP_PUBLIC_URL when set (behind a proxy it should be), else the address this request came to. */
function baseUrl(request: FastifyRequest, config: Config): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}

export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/v1/accounts', {
    config: ADMIN,
    schema: {
      tags: ['accounts'],
      summary:
        'Create an agent or admin account (no password) and return a one-time sign-in link to hand to its owner.',
      body: AccountCreateRequestSchema,
      response: {
        201: AccountCreatedSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'EMAIL_TAKEN'),
      },
    },
    handler: async (request, reply) => {
      const { account: admin } = requireSession(request);
      const now = deps.clock();
      const created = await createAccountWithLink(deps.db, request.body, baseUrl(request, deps.config), now);
      if (!created.ok)
        throw new AppError('EMAIL_TAKEN', `body.email: an account with this email exists already.`);
      const { loginLink } = created;
      request.log.info(
        { by: admin.id, accountId: created.account.id, role: created.account.role },
        'account created',
      );
      return reply.code(201).send({ account: created.account, loginLink });
    },
  });

  r.get('/v1/accounts', {
    config: ADMIN,
    schema: {
      tags: ['accounts'],
      summary: 'List accounts in creation order, a page at a time (`limit`, then `after` = `nextCursor`).',
      querystring: AccountListQuerySchema,
      response: { 200: AccountPageSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED) },
    },
    handler: async (request) => listAccounts(deps.db, request.query),
  });

  r.get('/v1/staff', {
    config: { access: { role: 'agent' } },
    schema: {
      tags: ['accounts'],
      summary: 'Active agents and admins (id, name, email, role), by name: who a ticket can be given to.',
      querystring: PageQuerySchema,
      response: {
        200: pageOf(StaffMemberSchema, 'StaffPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => {
      const { limit, cursor } = request.query;
      let query = deps.db
        .selectFrom('accounts')
        .select(['id', 'name', 'email', 'role'])
        .where('role', 'in', ['agent', 'admin'])
        .where('disabled_at', 'is', null)
        .orderBy('id')
        .limit(limit + 1);
      if (cursor) query = query.where('id', '>', cursor);
      return toPage(
        await query.execute(),
        limit,
        (a) => a.id,
        (a) => ({
          id: a.id,
          name: a.name,
          email: a.email,
          role: a.role as 'admin' | 'agent',
        }),
      );
    },
  });

  r.patch('/v1/accounts/:id', {
    config: ADMIN,
    schema: {
      tags: ['accounts'],
      summary:
        "Change an account's name or role, or disable/enable it. Disabling ends its sessions and stops the API keys it created.",
      params: AccountIdParamsSchema,
      body: AccountUpdateRequestSchema,
      response: {
        200: AccountDetailsSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND', 'LAST_ADMIN'),
      },
    },
    handler: async (request) => {
      const { account: admin } = requireSession(request);
      const outcome = await updateAccount(deps.db, request.params.id, request.body, deps.clock());
      if (!outcome.ok && outcome.code === 'NOT_FOUND')
        throw new AppError('NOT_FOUND', `No account ${request.params.id}.`);
      if (!outcome.ok && outcome.code === 'CUSTOMER_ROLE') {
        throw new AppError(
          'VALIDATION_FAILED',
          'body.role: this is a customer account; change its role with PATCH /v1/organisations/:id/users/:userId (customer-admin or customer-user).',
          [
            {
              path: 'body.role',
              rule: 'customer_account',
              message: 'a customer account cannot get a staff role',
            },
          ],
        );
      }
      if (!outcome.ok) {
        throw new AppError(
          'LAST_ADMIN',
          'This is the last active admin: make another account an admin before disabling or demoting this one.',
        );
      }
      request.log.info(
        { by: admin.id, accountId: request.params.id, change: request.body },
        'account changed',
      );
      return outcome.account;
    },
  });

  r.post('/v1/accounts/:id/login-link', {
    config: ADMIN,
    schema: {
      tags: ['accounts'],
      summary: 'Issue a fresh one-time sign-in link for an account (single use, valid 24 hours).',
      params: AccountIdParamsSchema,
      response: {
        201: LoginLinkSchema,
        ...errorResponses(...DENIED, 'CSRF_FAILED', 'NOT_FOUND', 'ACCOUNT_DISABLED'),
      },
    },
    handler: async (request, reply) => {
      const { account: admin } = requireSession(request);
      const target = await findAccountDetails(deps.db, { id: request.params.id });
      if (!target) throw new AppError('NOT_FOUND', `No account ${request.params.id}.`);
      if (target.disabled) {
        throw new AppError(
          'ACCOUNT_DISABLED',
          'This account is disabled: enable it first (PATCH disabled: false).',
        );
      }
      const link = await issueLoginLink(deps.db, target.id, baseUrl(request, deps.config), deps.clock());
      request.log.info({ by: admin.id, accountId: target.id }, 'login link issued');
      return reply.code(201).send(link);
    },
  });
}
