import { z } from 'zod';
import { VersionSchema } from './catalog.schema.ts';
import { WireCivilDateSchema } from './common.schema.ts';
import { PageQuerySchema } from './pagination.schema.ts';
import { BudgetSchema } from './tickets.schema.ts';

/**
 * Wire schemas of the work done on tickets: time entries, estimates and budgets (R2.10), completed
 * modifications kept with a contract (R2.11), known issues (R2.12).
 */

const id = (what: string) => z.string().min(1).max(64).describe(what);
const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime();

/** A day's work at most: a longer entry is a typing mistake, not a day. */
export const MINUTES_PER_ENTRY_MAX = 1440;

export const TimeEntryCreateSchema = z.object({
  minutes: z.number().int().min(1).max(MINUTES_PER_ENTRY_MAX).describe('Minutes worked, 1–1440.'),
  categoryId: text(64)
    .optional()
    .describe("The category the work counts against (R2.10); default the ticket's category."),
  workDate: WireCivilDateSchema.optional().describe(
    "The day the work was done; default today in the plan's time zone. Budgets count by this day.",
  ),
  note: z.string().trim().max(2000).optional().describe('What was done; the customer sees it.'),
});
export type TimeEntryCreate = z.infer<typeof TimeEntryCreateSchema>;

export const TimeEntrySchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    contractId: z.string().nullable(),
    accountId: z.string().nullable().describe('The agent who logged it; null for an API key.'),
    categoryId: z.string(),
    minutes: z.number().int(),
    workDate: WireCivilDateSchema,
    note: z.string(),
    createdAt: instant,
  })
  .meta({ id: 'TimeEntry' });
export type TimeEntry = z.infer<typeof TimeEntrySchema>;

export const EstimateCreateSchema = z.object({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe("The work's total minutes on this ticket; entries beyond them are refused (R2.10)."),
  note: text(2000).describe('What the estimate covers, for the customer to agree to.'),
});

export const EstimateSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    minutes: z.number().int(),
    note: z.string(),
    proposedBy: z.string().nullable(),
    proposedAt: instant,
    agreedBy: z.string().nullable().describe('The customer account that agreed; null until then.'),
    agreedAt: instant.nullable(),
    state: z.enum(['proposed', 'agreed']),
  })
  .meta({ id: 'TicketEstimate' });
export type Estimate = z.infer<typeof EstimateSchema>;

export const EstimateAgreeSchema = z
  .object({
    estimateId: id(
      'The estimate the customer read: when an agent replaced it meanwhile, 409 instead of agreeing to another.',
    ).optional(),
  })
  // A bodyless POST (Fastify passes null) agrees to whatever estimate is current.
  .nullish();

export const TicketTimeSchema = z
  .object({
    ticketId: z.string(),
    contractId: z.string().nullable(),
    entries: z.array(TimeEntrySchema).describe('Oldest first.'),
    totalMinutes: z.number().int(),
    estimate: EstimateSchema.nullable().describe('The current estimate (a new proposal replaces the old).'),
    budgets: z.array(BudgetSchema).describe("The contract's budgets this period (R2.10)."),
  })
  .meta({ id: 'TicketTime' });

export const TimeLoggedSchema = TicketTimeSchema.extend({ entry: TimeEntrySchema }).meta({
  id: 'TimeLogged',
});

export const ContractBudgetsSchema = z
  .object({
    contractId: z.string(),
    budgets: z.array(BudgetSchema),
  })
  .meta({ id: 'ContractBudgets' });

export const ModificationCreateSchema = z.object({
  ticketId: id('The ticket the modification was made for; it must be a ticket of this contract.').optional(),
  title: text(200),
  description: text(20_000).describe('What was changed, and how to find it again (S3 2.2).'),
});

export const ModificationSchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    ticketId: z.string().nullable(),
    title: z.string(),
    description: z.string(),
    createdBy: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'ContractModification' });
export type Modification = z.infer<typeof ModificationSchema>;

export const KnownIssueIdParamsSchema = z.object({ id: id('The known issue id (kis_…).') });

export const KnownIssueCreateSchema = z.object({
  productId: id('The product the issue is in.'),
  title: text(200),
  description: text(20_000),
  fixedInVersion: VersionSchema.optional().describe(
    'The release that fixes it; publishing it (or any later version) closes the linked tickets (R2.12).',
  ),
});

export const KnownIssueUpdateSchema = z
  .object({
    title: text(200).optional(),
    description: text(20_000).optional(),
    fixedInVersion: VersionSchema.nullable()
      .optional()
      .describe('Set when the fix is planned; a version already released closes the linked tickets at once.'),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'change at least one field' });

export const KnownIssueSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    title: z.string(),
    description: z.string(),
    fixedInVersion: z.string().nullable(),
    status: z.enum(['open', 'fixed']),
    fixedReleaseId: z.string().nullable().describe('The release whose publication fixed it.'),
    fixedAt: instant.nullable(),
    createdAt: instant,
    openTicketCount: z.number().int().describe('Linked tickets still waiting for the fix.'),
  })
  .meta({ id: 'KnownIssue' });
export type KnownIssue = z.infer<typeof KnownIssueSchema>;

export const KnownIssueListQuerySchema = PageQuerySchema.extend({
  productId: z.string().max(64).optional(),
  status: z.enum(['open', 'fixed']).optional(),
});

export const KnownIssueLinkSchema = z.object({
  knownIssueId: id('A known issue of the ticket’s product (R2.12).'),
});
