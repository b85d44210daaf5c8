import { z } from 'zod';
import { keyedItemSchema, moneySchema, positiveInt, slugSchema, termSchema } from './plan-common.schema.ts';

export const coverageSchema = z
  .strictObject({
    includedWithLicense: z.boolean().describe('A license purchase includes the first term (R0.1).'),
    term: termSchema.describe('The first term (R0.1: S0 1 year, S1 6 months, S2 3 months).'),
    startsAt: z
      .enum(['purchase-date', 'earlier-of-invoice-or-payment'])
      .describe(
        'R0.1: the purchase date; R4.2 (S4): the invoice date or the payment date, whichever is earlier.',
      ),
    scope: z.literal('per-customer-per-product').describe('One contract per customer per product (R0.2).'),
  })
  .describe('The first coverage term (R0.1, R0.2).');

export const renewalSchema = z
  .strictObject({
    timing: z
      .enum(['backdate', 'extend', 'from-now'])
      .describe('R0.4: backdate (S0, S4), extend (S2), from-now (S1).'),
    serviceResumesFrom: z
      .enum(['payment-date', 'earlier-of-invoice-or-payment', 'term-start'])
      .describe(
        'R0.4 decision: a backdated term still gives service only from the payment date; S4 (R4.2): from the invoice date or the payment date, whichever is earlier.',
      ),
    term: termSchema.describe('Length of each renewal term.'),
    maxTermsPerRenewal: positiveInt('terms').describe(
      'S0: 1 year or more per renewal; 1 = one term at a time.',
    ),
    deadline: z.literal('none').describe('Renewal is possible at any time (R0.4, S0, S2).'),
  })
  .describe('How renewals are dated (R0.4).');

const categoryPriceSchema = z.strictObject({
  productCategory: slugSchema,
  pricePerTerm: moneySchema,
});

const perUserSchema = z.strictObject({
  rule: z.literal('per-user'),
  pricePerUserPerMonth: moneySchema,
  counting: z
    .strictObject({
      counted: z.array(slugSchema).min(1, { message: 'expected at least one counted item type' }),
      notCounted: z.array(slugSchema),
      onePersonCountsOnce: z.boolean(),
      unassignedItemsCountEach: z.boolean(),
    })
    .describe('Who counts as a user (R4.1).'),
  commitment: z.strictObject({ term: termSchema }).describe('Minimum commitment (R4.2: annual).'),
  billing: z
    .strictObject({
      monthlyInstalments: z.boolean(),
      annualPrepaidDiscountPercent: z.number().min(0).max(100),
    })
    .describe('Monthly instalments, or annual with a discount (R4.2).'),
  addedUsers: z.literal('prorated-to-term-end').describe('R4.2'),
});

export const priceSchema = z
  .discriminatedUnion(
    'rule',
    [
      z.strictObject({
        rule: z.literal('category-table'),
        categories: z
          .array(categoryPriceSchema)
          .min(1, { message: 'expected at least one product category' }),
      }),
      z.strictObject({
        rule: z.literal('percent-of-list'),
        percent: z.number().gt(0).max(100),
        base: z.literal('undiscounted-list-price-at-purchase'),
        rounding: z.literal('half-up'),
      }),
      perUserSchema,
    ],
    { error: 'expected rule to be one of category-table, percent-of-list, per-user' },
  )
  .describe('Renewal price rule (R0.5).');

export const paymentSchema = z
  .strictObject({
    prepaid: z.boolean(),
    reinstatementFee: moneySchema.optional().describe('Charged on top of the renewal after a lapse (R4.4).'),
  })
  .describe('Payment terms (R4.2, R4.4).');

export const entitlementsSchema = z
  .strictObject({
    support: z.boolean(),
    updates: z
      .enum(['minor-and-major', 'minor-only', 'none'])
      .describe('Which updates a covered customer gets.'),
    downloads: z
      .enum(['covered-releases', 'all-releases', 'none'])
      .describe(
        'covered-releases: only releases inside coverage (R0.8: S0, S2, S4); all-releases: every release, support term or not (S1 ties only support to its 6 months).',
      ),
    perpetualFallback: z
      .boolean()
      .describe('The license stays valid for life for releases published while covered (R0.3).'),
    newMajorKeys: z
      .enum(['automatic', 'manual', 'none'])
      .describe('New major version, new key, emailed (R0.3).'),
    releaseNotifications: z.boolean().describe('Licensed users are emailed when a version ships (R0.8).'),
    configBackups: z.boolean().describe('Configuration backups over the API (R4.5).'),
    proactiveNotifications: z.boolean().describe('System events emailed to the customer admins (R4.6).'),
  })
  .describe('What a covered customer gets (R0.3, R0.8, R4.5, R4.6).');

export const eligibilitySchema = z
  .strictObject({
    activeContract: z.literal(true).describe('Support needs an active contract for the product (R1.1).'),
    registeredOnDesk: z.boolean().describe('S1: registered with the support desk (R1.1).'),
    productUpdateMailSubscription: z.boolean().describe('S1: unsubscribing loses support (R1.1).'),
    platformCompatibility: z
      .enum(['declared-at-purchase', 'not-checked'])
      .describe('S2: the platform version must be among those declared at purchase (R1.2).'),
    notSuspended: z.literal(true).describe('No open refusal reason or revocation (R1.3, R1.4).'),
  })
  .describe('Who may get support (R1.1–R1.4).');

export const conductSchema = z
  .strictObject({
    abuseDetection: z.enum(['flag-for-agent', 'off']).describe('R1.3 decision: flag, an agent confirms.'),
    abuseRevokes: z.array(z.enum(['support', 'updates', 'refund'])),
    refusalReasons: z.array(keyedItemSchema).describe('Reasons an agent can record (R1.4).'),
  })
  .describe('Conduct rules (R1.3, R1.4).');

export const lapseSchema = z
  .strictObject({
    stops: z
      .array(z.enum(['support', 'updates', 'downloads', 'new-major-keys', 'features', 'backup-downloads']))
      .describe('What stops at expiry (R4.3).'),
    licenseValidationReportsFeaturesOff: z.boolean(),
    backupRetentionDays: positiveInt('days')
      .optional()
      .describe('Backups may be deleted this long after lapse.'),
    reminderDaysBeforeExpiry: z.array(positiveInt('days')),
  })
  .describe('What happens at expiry (R4.3).');

export const refundsSchema = z
  .discriminatedUnion(
    'policy',
    [
      z.strictObject({ policy: z.literal('never') }).describe('S4: prepaid, non-refundable (R5.1).'),
      z
        .strictObject({ policy: z.literal('until-first-ticket-resolved') })
        .describe('S1: no refund once the first ticket of the purchase is resolved (R5.1).'),
      z
        .strictObject({
          policy: z.literal('uncorrected-defect'),
          category: z.string().describe('The defect category whose resolution target decides (S2).'),
          refund: z.literal('product-price'),
        })
        .describe('S2: a defect not corrected in time makes the price refundable (R2.4, R5.1).'),
      z
        .strictObject({ policy: z.literal('vendor-terms') })
        .describe('The seed sets no refund rule; refunds are decided by hand under the general terms.'),
    ],
    {
      error:
        'expected policy to be one of never, until-first-ticket-resolved, uncorrected-defect, vendor-terms',
    },
  )
  .describe('Refund rule (R5.1); refunds are credit notes, never invoice edits.');

export const withoutContractSchema = z
  .discriminatedUnion(
    'mode',
    [
      z.strictObject({ mode: z.literal('refuse') }),
      z.strictObject({ mode: z.literal('hourly'), ratePerHour: moneySchema }),
    ],
    { error: 'expected mode to be refuse or hourly' },
  )
  .describe('Support requests without an active contract (R1.7).');
