import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import {
  AddSeatsRequestSchema,
  ContractDetailSchema,
  ContractIdParamsSchema,
  ContractListQuerySchema,
  ContractPageSchema,
  EntitlementDecisionSchema,
  EntitlementQuerySchema,
  OrderResultSchema,
  PurchaseRequestSchema,
  QuoteSchema,
  RenewalRequestSchema,
} from '../../schema/contracts.schema.ts';
import { organisationIdFilter, viewerOf } from '../auth/access.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import { redactIssuedKeys } from '../licenses/license-keys.service.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { type OrderContext, preparePurchase, purchaseContract } from './contract.service.ts';
import { contractEntitlement } from './contract-entitlement.service.ts';
import { getContractDetail, listContracts } from './contract-read.service.ts';
import {
  addSeats,
  quoteContractRenewal,
  quoteContractSeats,
  renewContract,
} from './contract-renewal.service.ts';

export type ContractRouteDeps = {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  /** Seals the license keys in order notices (docs/licensing.md). */
  sealingKey: SealingKey;
};

const READ = { access: { scope: 'contracts:read', customer: true } } as const;
// Writes accept an Idempotency-Key: a retried purchase or renewal replays the first answer, with each
// license key redacted (key null, keyShownOnce true): no full key rests in idempotency_keys (docs/billing.md).
const REPLAY = { idempotency: true, idempotencyRedact: redactIssuedKeys } as const;
const WRITE_STAFF = { access: { scope: 'contracts:write' }, ...REPLAY } as const;
const WRITE = { access: { scope: 'contracts:write', customer: true }, ...REPLAY } as const;
const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const ORDER_ERRORS = ['VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'] as const;
const REPLAY_ERRORS = ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'] as const;
const TAGS = ['contracts'];

export function registerContractRoutes(app: FastifyInstance, deps: ContractRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const context = (request: FastifyRequest): OrderContext => ({
    viewer: viewerOf(request),
    clientIp: request.ip,
    tax: deps.config.tax,
    now: deps.clock(),
    sealingKey: deps.sealingKey,
  });

  r.post('/v1/contracts/quote', {
    config: READ,
    schema: {
      tags: TAGS,
      summary:
        'Quote a purchase: the price, the first term and the explanation, without buying (R0.1, R0.5).',
      body: PurchaseRequestSchema,
      response: {
        200: QuoteSchema,
        ...errorResponses(...ORDER_ERRORS, 'CONTRACT_EXISTS', 'PRICE_UNAVAILABLE'),
      },
    },
    handler: async (request) => {
      const ctx = context(request);
      const own = organisationIdFilter(ctx.viewer);
      if (own !== null && own !== request.body.organisationId) {
        throw new AppError(
          'NOT_FOUND',
          `body.organisationId: no organisation ${request.body.organisationId}.`,
        );
      }
      return (await preparePurchase(deps.db, request.body, ctx)).quoted.quote;
    },
  });

  r.post('/v1/contracts', {
    config: WRITE_STAFF,
    schema: {
      tags: TAGS,
      summary:
        'Sell a product to an organisation: contract, first term, order, invoice, license key and notice in one transaction (R0.1, R0.2, R0.7).',
      description:
        'The response carries the full license key(s) once; they are stored only hashed. A second contract for the same organisation and product answers 409 CONTRACT_EXISTS with details.contractId (R0.2).',
      body: PurchaseRequestSchema,
      response: {
        201: OrderResultSchema,
        ...errorResponses(...ORDER_ERRORS, ...REPLAY_ERRORS, 'CONTRACT_EXISTS', 'PRICE_UNAVAILABLE'),
      },
    },
    handler: async (request, reply) => {
      const result = await purchaseContract(deps.db, request.body, context(request));
      return reply.code(201).send(result);
    },
  });

  r.get('/v1/contracts', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'List contracts in id order (staff: all, filtered; a customer: its own), with state today.',
      querystring: ContractListQuerySchema,
      response: { 200: ContractPageSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED) },
    },
    handler: async (request) =>
      listContracts(deps.db, request.query, organisationIdFilter(viewerOf(request)), deps.clock()),
  });

  r.get('/v1/contracts/:id', {
    config: READ,
    schema: {
      tags: TAGS,
      summary:
        'One contract: pinned plan version, stored and effective terms, state and coverage today, entitlements, orders.',
      params: ContractIdParamsSchema,
      response: { 200: ContractDetailSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const filter = organisationIdFilter(viewerOf(request));
      const detail = await getContractDetail(deps.db, request.params.id, filter, deps.clock());
      if (!detail) throw new AppError('NOT_FOUND', `No contract ${request.params.id}.`);
      return detail;
    },
  });

  r.get('/v1/contracts/:id/entitlements', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'The entitlement decision for one gate (support, updates, download, feature) on one day.',
      params: ContractIdParamsSchema,
      querystring: EntitlementQuerySchema,
      response: {
        200: EntitlementDecisionSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const filter = organisationIdFilter(viewerOf(request));
      const decision = await contractEntitlement(
        deps.db,
        request.params.id,
        request.query,
        filter,
        deps.clock(),
      );
      if (!decision) throw new AppError('NOT_FOUND', `No contract ${request.params.id}.`);
      return decision;
    },
  });

  r.post('/v1/contracts/:id/renewals/quote', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'Quote a renewal: the new terms, price and explanation, without renewing (R0.4, R0.5, R4.4).',
      params: ContractIdParamsSchema,
      body: RenewalRequestSchema,
      response: {
        200: QuoteSchema,
        ...errorResponses(...ORDER_ERRORS, 'RENEWAL_REFUSED', 'PRICE_UNAVAILABLE'),
      },
    },
    handler: async (request) =>
      quoteContractRenewal(deps.db, request.params.id, request.body, context(request)),
  });

  r.post('/v1/contracts/:id/renewals', {
    config: WRITE,
    schema: {
      tags: TAGS,
      summary:
        'Renew a contract by its plan’s timing rule (backdate, extend, from-now): terms, order, invoice, keys, notice (R0.4, R0.7, R4.4).',
      description:
        'A customer renews its own contracts (another organisation’s answers 404) and may not set renewOn or paidOn. Refusals answer 422 RENEWAL_REFUSED with details.reason; a price that cannot be made answers 422 PRICE_UNAVAILABLE.',
      params: ContractIdParamsSchema,
      body: RenewalRequestSchema,
      response: {
        201: OrderResultSchema,
        ...errorResponses(...ORDER_ERRORS, ...REPLAY_ERRORS, 'RENEWAL_REFUSED', 'PRICE_UNAVAILABLE'),
      },
    },
    handler: async (request, reply) => {
      const result = await renewContract(deps.db, request.params.id, request.body, context(request));
      return reply.code(201).send(result);
    },
  });

  r.post('/v1/contracts/:id/seats/quote', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'Quote users added mid-term, prorated by days to the end of the term (R4.2).',
      params: ContractIdParamsSchema,
      body: AddSeatsRequestSchema,
      response: { 200: QuoteSchema, ...errorResponses(...ORDER_ERRORS, 'PRICE_UNAVAILABLE') },
    },
    handler: async (request) =>
      quoteContractSeats(deps.db, request.params.id, request.body, context(request)),
  });

  r.post('/v1/contracts/:id/seats', {
    config: WRITE,
    schema: {
      tags: TAGS,
      summary: "Add users to a per-user subscription: an 'added-users' order and invoice, prorated (R4.2).",
      params: ContractIdParamsSchema,
      body: AddSeatsRequestSchema,
      response: {
        201: OrderResultSchema,
        ...errorResponses(...ORDER_ERRORS, ...REPLAY_ERRORS, 'PRICE_UNAVAILABLE'),
      },
    },
    handler: async (request, reply) => {
      const result = await addSeats(deps.db, request.params.id, request.body, context(request));
      return reply.code(201).send(result);
    },
  });
}
