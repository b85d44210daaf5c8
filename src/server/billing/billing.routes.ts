import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import {
  ContractIdParamsSchema,
  CreditNoteRequestSchema,
  CreditNoteResultSchema,
  IdempotencyHeadersSchema,
  InvoiceDetailSchema,
  InvoiceIdParamsSchema,
  InvoiceListQuerySchema,
  InvoicePageSchema,
  PaymentRequestSchema,
  PaymentResultSchema,
  RefundEligibilityQuerySchema,
  RefundEligibilityResultSchema,
} from '../../schema/billing.schema.ts';
import { organisationIdFilter, viewerOf } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { issueCreditNote } from './credit-note.service.ts';
import { findInvoiceDetail, listInvoices } from './invoice.repository.ts';
import { recordPayment } from './payment.service.ts';
import {
  decideInvoiceRefund,
  HELP_DESK_REFUND_FACTS,
  type HelpDeskRefundFacts,
  purchaseInvoiceOf,
} from './refund.service.ts';

export type BillingRouteDeps = {
  db: Kysely<Database>;
  clock: () => Date;
  helpDesk?: HelpDeskRefundFacts;
  /** Seals license keys in the notice of a renewal that a payment completes (R0.4, docs/licensing.md). */
  sealingKey?: SealingKey;
};

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const READ = { access: { scope: 'billing:read', customer: true } } as const;
const WRITE_ONCE = { access: { scope: 'billing:write' }, idempotency: 'required' } as const;

export function registerBillingRoutes(app: FastifyInstance, deps: BillingRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const helpDesk = deps.helpDesk ?? HELP_DESK_REFUND_FACTS;

  r.get('/v1/invoices', {
    config: READ,
    schema: {
      tags: ['billing'],
      summary: 'List invoices in issue order, a page at a time; customers see their own organisation’s.',
      querystring: InvoiceListQuerySchema,
      response: { 200: InvoicePageSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED) },
    },
    handler: async (request) => listInvoices(deps.db, request.query, organisationIdFilter(viewerOf(request))),
  });

  r.get('/v1/invoices/:id', {
    config: READ,
    schema: {
      tags: ['billing'],
      summary: 'One invoice with lines, instalments, payments, credit notes, amount due and derived status.',
      params: InvoiceIdParamsSchema,
      response: { 200: InvoiceDetailSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const detail = await findInvoiceDetail(
        deps.db,
        request.params.id,
        organisationIdFilter(viewerOf(request)),
      );
      if (!detail) throw notFound(request.params.id);
      return detail;
    },
  });

  r.post('/v1/invoices/:id/payments', {
    config: WRITE_ONCE,
    schema: {
      tags: ['billing'],
      summary:
        'Record a payment received (a payment provider’s webhook may call it). Needs an Idempotency-Key; a repeated providerRef returns the first payment.',
      params: InvoiceIdParamsSchema,
      headers: IdempotencyHeadersSchema,
      body: PaymentRequestSchema,
      response: {
        200: PaymentResultSchema.describe('providerRef seen before: the first payment, unchanged.'),
        201: PaymentResultSchema,
        ...errorResponses(
          'VALIDATION_FAILED',
          ...DENIED,
          'CSRF_FAILED',
          'NOT_FOUND',
          'PAYMENT_REFUSED',
          'IDEMPOTENCY_KEY_REUSED',
          'IDEMPOTENCY_IN_PROGRESS',
        ),
      },
    },
    handler: async (request, reply) => {
      const outcome = await recordPayment(deps.db, request.params.id, request.body, {
        viewer: viewerOf(request),
        now: deps.clock(),
        clientIp: request.ip,
        sealingKey: deps.sealingKey,
      });
      return reply.code(outcome.duplicate ? 200 : 201).send(outcome);
    },
  });

  r.post('/v1/invoices/:id/credit-notes', {
    config: WRITE_ONCE,
    schema: {
      tags: ['billing'],
      summary:
        'Refund by credit note (R5.1): allowed by the plan’s refund rule; the invoice itself never changes. Needs an Idempotency-Key.',
      params: InvoiceIdParamsSchema,
      headers: IdempotencyHeadersSchema,
      body: CreditNoteRequestSchema,
      response: {
        201: CreditNoteResultSchema,
        ...errorResponses(
          'VALIDATION_FAILED',
          ...DENIED,
          'CSRF_FAILED',
          'NOT_FOUND',
          'REFUND_NOT_ALLOWED',
          'IDEMPOTENCY_KEY_REUSED',
          'IDEMPOTENCY_IN_PROGRESS',
        ),
      },
    },
    handler: async (request, reply) => {
      const result = await issueCreditNote(deps.db, request.params.id, request.body, {
        viewer: viewerOf(request),
        now: deps.clock(),
        clientIp: request.ip,
        helpDesk,
      });
      return reply.code(201).send(result);
    },
  });

  r.get('/v1/contracts/:id/refund-eligibility', {
    config: READ,
    schema: {
      tags: ['billing'],
      summary:
        'Whether the contract’s purchase (its latest invoice, or `invoiceId`) may be refunded now (R5.1).',
      params: ContractIdParamsSchema,
      querystring: RefundEligibilityQuerySchema,
      response: {
        200: RefundEligibilityResultSchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request) => {
      const orgFilter = organisationIdFilter(viewerOf(request));
      const contractId = request.params.id;
      let contract = deps.db.selectFrom('contracts').select('id').where('id', '=', contractId);
      if (orgFilter !== null) contract = contract.where('organisation_id', '=', orgFilter);
      if (!(await contract.executeTakeFirst())) throw new AppError('NOT_FOUND', `No contract ${contractId}.`);
      const invoiceId = await purchaseInvoiceOf(deps.db, contractId, request.query.invoiceId);
      if (invoiceId === null) {
        if (request.query.invoiceId !== undefined) throw notFound(request.query.invoiceId);
        return { contractId, invoiceId: null, eligible: false, reason: 'NOT_PAID' as const };
      }
      const decided = await decideInvoiceRefund(deps.db, invoiceId, orgFilter, helpDesk);
      if (!decided) throw notFound(invoiceId);
      return { contractId, invoiceId, ...decided.decision };
    },
  });
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No invoice ${id}.`);
}
