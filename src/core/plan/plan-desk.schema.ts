import { z } from 'zod';
import { keyedItemSchema, positiveInt } from './plan-common.schema.ts';
import { parseSlaWithin, SLA_WITHIN_MESSAGE, SLA_WITHIN_PATTERN } from './sla-within.ts';

/** How long a target allows: a duration (8h, 30m, PT8H) or N working days (2wd, R2.4). */
export const slaWithinSchema = z
  .string({ message: SLA_WITHIN_MESSAGE })
  .regex(new RegExp(SLA_WITHIN_PATTERN), { message: SLA_WITHIN_MESSAGE })
  .superRefine((text, ctx) => {
    // The pattern already reported malformed text; this adds what a pattern cannot say (zero).
    if (!new RegExp(SLA_WITHIN_PATTERN).test(text)) return;
    const parsed = parseSlaWithin(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  })
  .describe('A duration (8h, 90m, 1h30m, PT8H) or N working days (2wd = 2 × the working-day length, R2.4).');

export const impactSchema = z
  .enum(['complete-inoperability', 'module-inoperability', 'incorrect-operation', 'minor'])
  .describe('How badly the customer is affected; a target may apply only at some impacts (S3 3.4).');
export type Impact = z.infer<typeof impactSchema>;

export const slaTargetSchema = z
  .strictObject({
    within: slaWithinSchema,
    clock: z.enum(['working', 'calendar']).describe('working = on the plan calendar; calendar = 24/7'),
    binding: z
      .enum(['target', 'guarantee'])
      .describe('target = best effort (S1); guarantee = a contractual commitment'),
    appliesWhen: z
      .strictObject({ impact: z.array(impactSchema).min(1, { message: 'expected at least one impact' }) })
      .optional()
      .describe('Only tickets with one of these impacts get this target (S3 3.4: complete inoperability).'),
  })
  .describe('One SLA target, counted from registration (R2.4).');
export type SlaTarget = z.infer<typeof slaTargetSchema>;

export const targetKinds = ['assignment', 'firstResponse', 'nextResponse', 'resolution'] as const;
export type TargetKind = (typeof targetKinds)[number];

/** A category's targets; a kind left out is inherited from the parent category, then from defaultTargets. */
export const slaTargetsSchema = z.strictObject({
  assignment: slaTargetSchema.optional().describe('An engineer is made responsible (S3 4.1).'),
  firstResponse: slaTargetSchema.optional().describe('The first public answer (S0: 24 h).'),
  nextResponse: slaTargetSchema.optional().describe('Each later answer after a customer message.'),
  resolution: slaTargetSchema.optional().describe('The ticket is resolved (S3 4.2).'),
});
export type SlaTargets = z.infer<typeof slaTargetsSchema>;

const categoryIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'expected an id like 3.1 or consultation' });

export interface Category {
  id: string;
  name: string;
  description?: string | undefined;
  targets?: SlaTargets | undefined;
  topPriority?: boolean | undefined;
  children?: Category[] | undefined;
}

export const categorySchema: z.ZodType<Category> = z
  .strictObject({
    id: categoryIdSchema,
    name: z.string().min(1, { message: 'expected a non-empty name' }),
    description: z.string().optional(),
    targets: slaTargetsSchema.optional(),
    topPriority: z
      .boolean()
      .optional()
      .describe('Tickets in this category jump the queue (R2.6, S4 total system outage).'),
    get children() {
      return z.array(categorySchema).optional();
    },
  })
  .describe('A ticket category (R2.3) with its SLA targets; children inherit targets they do not set.');

export const channelsSchema = z
  .strictObject({
    portal: z.boolean().describe('Customers open tickets on the portal.'),
    email: z
      .enum(['tickets', 'pointer-to-portal', 'off'])
      .describe(
        'tickets = mail opens tickets; pointer-to-portal = auto-answer pointing to the portal, no ticket (S1)',
      ),
    chat: z.boolean(),
    phone: z.strictObject({
      enabled: z.boolean(),
      incidentsPerContractYear: positiveInt('incidents')
        .optional()
        .describe('Phone incidents allowed per contract year (S4: 5); absent = unlimited.'),
    }),
    remoteAssistance: z.boolean().describe('Screen sharing / remote login by a technician (S0, S4).'),
  })
  .describe('How customers reach support (R2.1).');

export const pausesSchema = z
  .strictObject({
    waitingOnCustomer: z.boolean().describe('Clocks stop while the ticket waits on the customer (R2.5).'),
    maintenanceWindows: z
      .boolean()
      .describe('Clocks stop during announced maintenance windows (the calendar closures, R2.5, S1).'),
  })
  .describe('When SLA clocks pause (R2.5).');

export const automationsSchema = z
  .strictObject({
    inactivityClose: z
      .strictObject({
        afterDays: positiveInt('days'),
        measuredFrom: z.literal('last-public-message'),
        warnDaysBefore: positiveInt('days')
          .optional()
          .describe(
            'The requester is warned by mail this many days before the close (default 1; none when ≥ afterDays).',
          ),
      })
      .optional()
      .describe('Close a ticket after N calendar days without a public message (R2.7, S1: 8).'),
    duplicateClose: z
      .strictObject({
        close: z.enum(['older', 'newer']).describe('S1 closes the older ticket and links it to the newer.'),
        similarityThreshold: z
          .number()
          .gt(0, { message: 'expected a similarity above 0' })
          .max(1, { message: 'expected a similarity of at most 1' }),
      })
      .optional()
      .describe('Same customer, product and similar text = same issue (R2.8).'),
    oneQuestionPerTicket: z
      .strictObject({
        closeOnResolve: z.boolean(),
        replyToClosed: z.enum(['new-linked-ticket', 'reopen']),
      })
      .optional()
      .describe('A resolved ticket closes; a reply to it opens a follow-up (R2.9).'),
    flooding: z
      .strictObject({ maxPosts: positiveInt('posts'), withinMinutes: positiveInt('minutes') })
      .optional()
      .describe('More posts than this in the window are rate-limited and flagged (R1.5).'),
  })
  .describe('Ticket automations (R2.7–R2.9, R1.5).');

export const queueSchema = z
  .strictObject({
    order: z.enum(['deadline', 'fifo']).describe('S1: one by one in deadline order (R2.6).'),
    topPriorityImpacts: z
      .array(impactSchema)
      .describe('Tickets with these impacts go ahead of the queue (R2.6, S4).'),
  })
  .describe('How the queue is worked (R2.6).');

export const budgetSchema = z
  .strictObject({
    category: z.string().describe('The category id the budget caps (S3: 2.4).'),
    hours: positiveInt('hours'),
    period: z.enum(['month', 'contract-year']),
    per: z.literal('contract'),
    requiresPriorEstimateAgreement: z.boolean(),
    visibleToCustomer: z.boolean().describe('The customer sees what remains (R2.10).'),
  })
  .describe('A cap on agent time logged in a category (R2.10).');

export const outOfScopeSchema = z
  .array(keyedItemSchema)
  .describe('Reasons a ticket can be closed as out of scope (R1.6).');
