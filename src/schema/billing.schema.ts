import { z } from 'zod';
import { isCivilDate } from '../core/contract/civil-date.ts';
import { PageQuerySchema, pageOf } from './pagination.schema.ts';

// Wire schemas of invoices, payments, credit notes and refund decisions (R0.6, R0.7, R5.1).
// Shared by the server, the CLI and the web app: no server imports here. Money is integer minor units.

const IdSchema = z.string().min(1).max(64);
const MinorSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 currency code such as "EUR"' })
  .describe('ISO 4217 currency code, e.g. "EUR".');
const CivilDate = z
  .string()
  .refine(isCivilDate, { message: 'expected a calendar date YYYY-MM-DD' })
  .describe('A civil date YYYY-MM-DD.');
const Instant = z.string().describe('An instant, ISO 8601 in UTC.');

/**
 * The Idempotency-Key request header of writes that move money (docs/billing.md#idempotency). Other
 * headers pass through untouched (authorization, cookies).
 */
export const IdempotencyHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7e]{1,255}$/, { message: 'expected 1–255 printable ASCII characters' })
    .describe(
      'A fresh key per intended write (e.g. a UUID). The same request with the same key returns the first answer; the same key with another request is 422 IDEMPOTENCY_KEY_REUSED. Kept 24 h per caller.',
    ),
});

export const InvoiceIdParamsSchema = z.object({ id: IdSchema.describe('The invoice id (inv_…).') });
export const ContractIdParamsSchema = z.object({ id: IdSchema.describe('The contract id (ctr_…).') });

export const InvoiceStatusSchema = z
  .enum(['open', 'partially-paid', 'paid', 'credited'])
  .describe(
    'Derived, never stored: credited = credit notes cover the total; paid = payments and credits cover it; partially-paid = some payment; open = none.',
  );
export type InvoiceStatus = z.infer<typeof InvoiceStatusSchema>;

export const InvoiceListQuerySchema = PageQuerySchema.extend({
  organisationId: IdSchema.optional().describe('Staff: only this organisation (customers see their own).'),
  contractId: IdSchema.optional().describe('Only invoices of this contract’s orders.'),
});

export const InvoiceSummarySchema = z
  .object({
    id: z.string(),
    number: z.string().describe('Gapless per series: INV-000001, INV-000002, …'),
    organisationId: z.string(),
    orderId: z.string().nullable(),
    contractId: z.string().nullable(),
    currency: CurrencySchema,
    taxMode: z.enum(['exclusive', 'inclusive']),
    subtotalMinor: MinorSchema.describe('Sum of the lines’ net amounts.'),
    taxMinor: MinorSchema.describe('Sum of the lines’ tax, each rounded once half-up.'),
    totalMinor: MinorSchema,
    issuedOn: CivilDate,
    dueOn: CivilDate,
    issuedAt: Instant,
    amountPaidMinor: MinorSchema,
    amountCreditedMinor: MinorSchema,
    amountDueMinor: MinorSchema.describe('total − paid − credited, never below 0.'),
    status: InvoiceStatusSchema,
  })
  .meta({ id: 'InvoiceSummary' });
export type InvoiceSummary = z.infer<typeof InvoiceSummarySchema>;

export const InvoiceLineSchema = z
  .object({
    seq: z.number().int(),
    description: z.string(),
    quantity: z
      .object({ num: z.number().int(), den: z.number().int() })
      .describe('A rational quantity: num / den (den = 1 for whole units, e.g. 306/365 for a proration).'),
    unitAmountMinor: MinorSchema,
    amountMinor: MinorSchema.describe('quantity × unit, rounded once half-up.'),
    taxRatePercent: z.string().describe('The rate snapshotted when the invoice was issued, e.g. "19".'),
    taxMinor: MinorSchema,
    totalMinor: MinorSchema,
    periodStart: CivilDate.nullable(),
    periodEnd: CivilDate.nullable(),
  })
  .meta({ id: 'InvoiceLine' });

export const InstalmentSchema = z
  .object({ seq: z.number().int(), dueOn: CivilDate, amountMinor: MinorSchema })
  .meta({ id: 'Instalment' });

export const PaymentSchema = z
  .object({
    id: z.string(),
    invoiceId: z.string(),
    amountMinor: MinorSchema,
    currency: CurrencySchema,
    receivedAt: Instant,
    method: z.string(),
    providerRef: z.string().nullable(),
  })
  .meta({ id: 'Payment' });
export type Payment = z.infer<typeof PaymentSchema>;

export const RefundReasonSchema = z
  .enum([
    'S4_NEVER',
    'REVOKED',
    'NOT_PAID',
    'FIRST_TICKET_RESOLVED',
    'NO_TICKET_RESOLVED_YET',
    'DEFECT_UNCORRECTED_30_WORKING_DAYS',
    'NO_UNCORRECTED_DEFECT',
    'VENDOR_TERMS',
    'FULLY_CREDITED',
  ])
  .describe('Why the purchase is or is not refundable (R5.1); see docs/billing.md#refunds.');

export const RefundDecisionSchema = z
  .object({
    eligible: z.boolean().describe('True when the plan’s rule makes the purchase refundable now.'),
    reason: RefundReasonSchema,
    amountMinor: MinorSchema.optional(),
    currency: CurrencySchema.optional(),
    decidedByHand: z
      .literal(true)
      .optional()
      .describe('VENDOR_TERMS: the plan sets no rule; staff may credit with a written reason.'),
  })
  .meta({ id: 'RefundDecision' });
export type RefundDecision = z.infer<typeof RefundDecisionSchema>;

export const CreditNoteSchema = z
  .object({
    id: z.string(),
    number: z.string().describe('Gapless per series: CN-000001, …'),
    invoiceId: z.string(),
    amountMinor: MinorSchema,
    taxMinor: MinorSchema.describe('The tax part of amountMinor, in the invoice’s proportion.'),
    currency: CurrencySchema,
    reason: z.string(),
    eligibility: RefundDecisionSchema.describe('The refund decision as it was when the note was issued.'),
    issuedOn: CivilDate,
    issuedAt: Instant,
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'CreditNote' });

export const InvoiceDetailSchema = InvoiceSummarySchema.extend({
  lines: z.array(InvoiceLineSchema),
  instalments: z.array(InstalmentSchema),
  payments: z.array(PaymentSchema),
  creditNotes: z.array(CreditNoteSchema),
}).meta({ id: 'InvoiceDetail' });
export type InvoiceDetail = z.infer<typeof InvoiceDetailSchema>;

export const InvoicePageSchema = pageOf(InvoiceSummarySchema, 'InvoicePage');

export const PaymentRequestSchema = z
  .strictObject({
    amountMinor: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .describe('The amount received in minor units; at most the invoice’s open amount.'),
    currency: CurrencySchema.describe('Must be the invoice’s currency.'),
    receivedAt: z.iso
      .datetime({ offset: true })
      .describe('When the money was received (ISO 8601 with offset or Z).'),
    method: z.string().min(1).max(40).optional().describe('e.g. "card", "bank-transfer"; default "manual".'),
    providerRef: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe(
        'The payment provider’s event or charge id; a second payment with the same id returns the first.',
      ),
  })
  .meta({ id: 'PaymentRequest' });
export type PaymentRequest = z.infer<typeof PaymentRequestSchema>;

export const PaymentResultSchema = z
  .object({
    payment: PaymentSchema,
    duplicate: z.boolean().describe('True when providerRef matched an earlier payment, which is returned.'),
    invoice: InvoiceSummarySchema,
  })
  .meta({ id: 'PaymentResult' });

export const CreditNoteRequestSchema = z
  .strictObject({
    amountMinor: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Default: everything not yet credited (total − earlier credit notes).'),
    reason: z.string().trim().min(1).max(1000).describe('Why the refund is given; kept on the credit note.'),
  })
  .meta({ id: 'CreditNoteRequest' });
export type CreditNoteRequest = z.infer<typeof CreditNoteRequestSchema>;

export const CreditNoteResultSchema = z
  .object({ creditNote: CreditNoteSchema, invoice: InvoiceSummarySchema })
  .meta({ id: 'CreditNoteResult' });

export const RefundEligibilityQuerySchema = z.object({
  invoiceId: IdSchema.optional().describe(
    'The purchase to ask about; default the contract’s latest invoice.',
  ),
});

export const RefundEligibilityResultSchema = RefundDecisionSchema.extend({
  contractId: z.string(),
  invoiceId: z.string().nullable().describe('The invoice (purchase) decided on; null when none was issued.'),
}).meta({ id: 'RefundEligibilityResult' });
