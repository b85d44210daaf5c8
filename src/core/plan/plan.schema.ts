import { z } from 'zod';
import { calendarSpecSchema } from '../calendar/calendar.schema.ts';
import { checkPlanConsistency } from './plan.refine.ts';
import {
  conductSchema,
  coverageSchema,
  eligibilitySchema,
  entitlementsSchema,
  lapseSchema,
  paymentSchema,
  priceSchema,
  refundsSchema,
  renewalSchema,
  withoutContractSchema,
} from './plan-commerce.schema.ts';
import { currencySchema, keyedItemSchema, slugSchema } from './plan-common.schema.ts';
import {
  automationsSchema,
  budgetSchema,
  categorySchema,
  channelsSchema,
  outOfScopeSchema,
  pausesSchema,
  queueSchema,
  slaTargetsSchema,
} from './plan-desk.schema.ts';

/** The plan document (PRODUCT.md "a plan is a document"): everything a support policy says. */
export const planObjectSchema = z.strictObject({
  schemaVersion: z.literal(1).describe('Version of this document format.'),
  key: slugSchema.describe('Stable identifier, e.g. business-sla.'),
  name: z.string().min(1, { message: 'expected a non-empty name' }),
  description: z.string().min(1, { message: 'expected a non-empty description' }),
  currency: currencySchema.describe('Currency of every amount in the plan (R0.6).'),
  coverage: coverageSchema,
  renewal: renewalSchema,
  price: priceSchema,
  payment: paymentSchema,
  entitlements: entitlementsSchema,
  features: z
    .array(keyedItemSchema)
    .describe('Subscription features gated on coverage and reported by license validation (R4.3).'),
  channels: channelsSchema,
  calendar: calendarSpecSchema
    .optional()
    .describe(
      'The service calendar working-time targets run on (R2.4); absent = calendar-time targets only.',
    ),
  defaultTargets: slaTargetsSchema
    .optional()
    .describe(
      'Targets every category inherits unless it sets its own (S3 4.1: assignment in 1 working hour).',
    ),
  categories: z.array(categorySchema).min(1, { message: 'expected at least one ticket category' }),
  queue: queueSchema,
  pauses: pausesSchema,
  automations: automationsSchema,
  eligibility: eligibilitySchema,
  conduct: conductSchema,
  budgets: z.array(budgetSchema),
  lapse: lapseSchema,
  refunds: refundsSchema,
  withoutContract: withoutContractSchema,
  outOfScope: outOfScopeSchema,
});

/** The plan schema with its cross-field rules (unknown categories, duplicate ids, targets needing a calendar). */
export const planSchema = planObjectSchema.superRefine(checkPlanConsistency);

export type Plan = z.infer<typeof planObjectSchema>;
