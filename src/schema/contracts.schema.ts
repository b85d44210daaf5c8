import { z } from 'zod';
import { WireCivilDateSchema } from './common.schema.ts';
import { PageQuerySchema, pageOf } from './pagination.schema.ts';

// Wire schemas of contracts, quotes, purchases, renewals and added users (R0.1–R0.7, R4.2, R4.4).
// Shared by the server, the CLI and the web app: no server imports here.

/** A civil date 'YYYY-MM-DD' that exists on the calendar. */
export const CivilDateSchema = WireCivilDateSchema.describe(
  'A civil date YYYY-MM-DD, years 1900–2199 (in the plan’s time zone).',
);

const IdSchema = z.string().min(1).max(64);
export const BillingSchema = z
  .enum(['annual', 'monthly'])
  .describe('R4.2 per-user plans: annual with the plan’s discount, or 12 monthly instalments.');
const SeatsSchema = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .describe('Counted users (R4.1). Per-user plans only; defaults to the organisation’s counted systems.');

export const PurchaseRequestSchema = z
  .strictObject({
    organisationId: IdSchema.describe('The customer organisation buying.'),
    productId: IdSchema.describe('The product bought; its plan’s latest version is pinned (R0.2).'),
    purchasedOn: CivilDateSchema.optional().describe(
      'The purchase date (back-office entry); default today in the plan’s time zone.',
    ),
    seats: SeatsSchema.optional(),
    billing: BillingSchema.optional(),
    discountMinor: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe(
        'A seller discount on the list price, in minor units; the undiscounted list price is recorded.',
      ),
  })
  .meta({ id: 'PurchaseRequest' });
export type PurchaseRequest = z.infer<typeof PurchaseRequestSchema>;

export const RenewalRequestSchema = z
  .strictObject({
    terms: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('How many renewal terms to buy at once (default 1; the plan sets the maximum).'),
    renewOn: CivilDateSchema.optional().describe(
      'The order date; default today in the plan’s time zone. Staff only (back-office entry).',
    ),
    paidOn: CivilDateSchema.optional().describe(
      'Staff only: the payment date when it differs from the order date (R0.4 service start).',
    ),
    seats: SeatsSchema.optional(),
    billing: BillingSchema.optional(),
  })
  .meta({ id: 'RenewalRequest' });
export type RenewalRequest = z.infer<typeof RenewalRequestSchema>;

export const AddSeatsRequestSchema = z
  .strictObject({
    seats: z.number().int().min(1).max(1_000_000).describe('Users added (R4.2: prorated to the term end).'),
    addedOn: CivilDateSchema.optional().describe(
      'The day the users were added; default today. Staff only for another date.',
    ),
  })
  .meta({ id: 'AddSeatsRequest' });
export type AddSeatsRequest = z.infer<typeof AddSeatsRequestSchema>;

export const TermSchema = z
  .object({
    kind: z.enum(['initial', 'renewal', 'backdated-gap', 'reinstatement']),
    startsOn: z.string().describe('First covered day.'),
    endsOn: z.string().describe('Half-open end: the expiry date, the first day no longer covered.'),
    givesService: z
      .boolean()
      .describe('False for a backdated gap: paid for, licensed, but no service (R0.4).'),
  })
  .meta({ id: 'CoverageTerm' });

const QuantitySchema = z.object({ num: z.number().int(), den: z.number().int() });

export const QuoteLineSchema = z.object({
  description: z.string(),
  quantity: QuantitySchema.describe('A rational quantity: num / den (prorations).'),
  unitAmountMinor: z.number().int(),
  amountMinor: z.number().int().describe('quantity × unit, rounded once half-up.'),
  taxRatePercent: z.string(),
  taxMinor: z.number().int(),
  totalMinor: z.number().int(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
});

export const QuoteSchema = z
  .object({
    kind: z.enum(['purchase', 'renewal', 'reinstatement', 'added-users']),
    currency: z.string(),
    taxMode: z.enum(['exclusive', 'inclusive']),
    lines: z.array(QuoteLineSchema),
    totals: z.object({
      subtotalMinor: z.number().int(),
      taxMinor: z.number().int(),
      totalMinor: z.number().int(),
    }),
    instalments: z
      .array(z.object({ number: z.number().int(), dueOn: z.string(), amountMinor: z.number().int() }))
      .describe('When the invoice is due: one payment, or 12 monthly instalments (R4.2).'),
    newTerms: z.array(TermSchema).describe('The coverage terms the order appends (none for added users).'),
    serviceFrom: z.string().nullable(),
    expiresOn: z.string().nullable(),
    orderedOn: z.string(),
    seats: z.number().int().nullable(),
    explanation: z.string().describe('The price and the dates in plain words.'),
    pendingPayment: z
      .boolean()
      .describe(
        'R0.4 (S0, serviceResumesFrom payment-date): true when the terms are appended only once the invoice is paid, with service from the payment date; newTerms then show the terms as if paid on the order date.',
      ),
  })
  .meta({ id: 'Quote' });
export type Quote = z.infer<typeof QuoteSchema>;

const IssuedKeyFields = { id: z.string(), major: z.number().int(), prefix: z.string() };

export const IssuedKeySchema = z.object({
  ...IssuedKeyFields,
  key: z.string().describe('The full license key: shown once, stored only hashed.'),
});

/** A key in an Idempotency-Key replay of an order: never the key again (docs/billing.md#idempotency). */
const ReplayedKeySchema = z.object({
  ...IssuedKeyFields,
  key: z.null().describe('null: the key was shown in the first answer only; rotate it for a new one.'),
  keyShownOnce: z.literal(true),
});

export const OrderResultSchema = z
  .object({
    contractId: z.string(),
    orderId: z.string(),
    invoice: z
      .object({ id: z.string(), number: z.string(), totalMinor: z.number().int() })
      .describe('The invoice the order produced (R0.7).'),
    quote: QuoteSchema,
    licenseKeys: z
      .array(z.union([IssuedKeySchema, ReplayedKeySchema]))
      .describe(
        'Keys issued by this order (R0.3), in full, once: an Idempotency-Key replay answers key null, keyShownOnce true.',
      ),
    pendingPayment: z
      .boolean()
      .describe(
        'True when the order waits for its payment: no terms and no keys yet; they follow when the invoice is fully paid (R0.4 payment-date).',
      ),
  })
  .meta({ id: 'OrderResult' });
/** What the services build: always the full keys (only a stored replay is redacted). */
export type OrderResult = z.infer<typeof OrderResultSchema> & {
  licenseKeys: z.infer<typeof IssuedKeySchema>[];
};

export const ContractSummarySchema = z
  .object({
    id: z.string(),
    organisationId: z.string(),
    productId: z.string(),
    productName: z.string(),
    plan: z.object({ key: z.string(), version: z.number().int(), versionId: z.string() }),
    purchasedOn: z.string(),
    currency: z.string(),
    state: z.enum(['active', 'lapsed', 'not-started']).describe('Coverage state today (plan’s time zone).'),
    expiresOn: z.string().nullable(),
    lastCoveredDay: z.string().nullable(),
  })
  .meta({ id: 'ContractSummary' });
export type ContractSummary = z.infer<typeof ContractSummarySchema>;

const DecisionSchema = z.object({ allowed: z.boolean(), reason: z.string() });

export const ContractDetailSchema = ContractSummarySchema.extend({
  listPriceMinor: z.number().int().describe('Undiscounted list price recorded at purchase (S2 base).'),
  purchaseDiscountMinor: z.number().int(),
  purchasedMajor: z.number().int(),
  compatibilitySnapshot: z.unknown().describe('R1.2: the compatibility declaration in force at purchase.'),
  seats: z.number().int().nullable().describe('Counted users on the latest order (per-user plans).'),
  today: z.string(),
  serviceToday: z.boolean().describe('Today lies in a term that gives service (not a backdated gap).'),
  terms: z.object({ stored: z.array(TermSchema), effective: z.array(TermSchema) }),
  entitlements: z.object({
    support: DecisionSchema,
    updates: DecisionSchema,
    downloads: DecisionSchema.nullable().describe('Downloading the latest release; null without releases.'),
    features: z.record(z.string(), DecisionSchema),
  }),
  categories: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        parentId: z.string().nullable().describe('The enclosing category; null at the top level.'),
      }),
    )
    .describe(
      "The plan's ticket categories (R2.3), depth first, children flattened after their parent with their own ids: any id opens a ticket.",
    ),
  productUpdateListRequired: z
    .boolean()
    .describe(
      'R1.1 (S1): the plan requires the product-update mailing list; a customer who leaves it loses support.',
    ),
  orders: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['purchase', 'renewal', 'reinstatement', 'added-users']),
      orderedOn: z.string(),
      invoiceNumber: z.string().nullable(),
      totalMinor: z.number().int().nullable(),
      createdAt: z.iso.datetime(),
    }),
  ),
}).meta({ id: 'ContractDetail' });
export type ContractDetail = z.infer<typeof ContractDetailSchema>;

export const ContractListQuerySchema = PageQuerySchema.extend({
  organisationId: IdSchema.optional().describe('Staff: only this organisation (customers see their own).'),
  productId: IdSchema.optional(),
});
export type ContractListQuery = z.infer<typeof ContractListQuerySchema>;

export const ContractPageSchema = pageOf(ContractSummarySchema, 'ContractPage');

export const ContractIdParamsSchema = z.object({ id: IdSchema });

export const EntitlementQuerySchema = z
  .object({
    gate: z.enum(['support', 'updates', 'download', 'feature']),
    releaseId: IdSchema.optional().describe('gate=download (required) or updates (optional).'),
    feature: z.string().min(1).max(64).optional().describe('gate=feature: the plan’s feature key.'),
    on: CivilDateSchema.optional().describe('The day asked about; default today in the plan’s time zone.'),
  })
  .refine((q) => q.gate !== 'download' || q.releaseId !== undefined, {
    message: 'gate=download needs releaseId',
    path: ['releaseId'],
  })
  .refine((q) => q.gate !== 'feature' || q.feature !== undefined, {
    message: 'gate=feature needs feature',
    path: ['feature'],
  });

export const EntitlementDecisionSchema = z
  .object({
    contractId: z.string(),
    gate: z.string(),
    on: z.string(),
    allowed: z.boolean(),
    reason: z.string().describe('COVERED, FALLBACK_LICENSE, LAPSED, IN_BACKDATED_GAP, REVOKED, …'),
    facts: z.object({
      expiresOn: z.string().nullable(),
      lastCoveredDay: z.string().nullable(),
      serviceOn: z.boolean(),
      termUsed: TermSchema.nullable(),
      releaseEffectiveOn: z.string().nullable(),
      revokedBecause: z.string().nullable(),
    }),
  })
  .meta({ id: 'EntitlementDecision' });
