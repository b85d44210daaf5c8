import { z } from 'zod';
import { WireCivilDateSchema } from './common.schema.ts';
import { PageQuerySchema } from './pagination.schema.ts';

/** Help-desk wire schemas (R1.x, R2.x): tickets, messages, clocks, time, known issues. */

const id = (what: string) => z.string().min(1).max(64).describe(what);
const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime();

export const TICKET_STATUSES = [
  'new',
  'open',
  'waiting-on-customer',
  'resolved',
  'closed',
  'merged',
] as const;
export const TicketStatusSchema = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;
export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'open', 'waiting-on-customer'];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const PrioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof PrioritySchema>;

export const ChannelSchema = z.enum(['portal', 'email', 'chat', 'phone', 'api']);
export const ImpactSchema = z.enum([
  'complete-inoperability',
  'module-inoperability',
  'incorrect-operation',
  'minor',
]);

export const CLOSE_REASONS = [
  'resolved',
  'inactivity',
  'duplicate',
  'out-of-scope',
  'known-issue-fixed',
  'by-agent',
] as const;
export const CloseReasonSchema = z.enum(CLOSE_REASONS);

export const TicketIdParamsSchema = z.object({ id: id('The ticket id (tkt_…).') });

const EnvironmentSchema = z
  .record(z.string().trim().min(1).max(60), z.string().max(500))
  .refine((env) => Object.keys(env).length <= 30, { message: 'at most 30 environment fields' })
  .describe('The customer environment (R2.2): server, OS, PHP or database version, … as name → value.');

const PlatformSchema = z
  .object({ platform: text(100), version: text(50) })
  .describe(
    'The platform and its version the product runs on (R1.2, S2: checked against the purchase-time declaration).',
  );

export const TicketCreateRequestSchema = z.object({
  productId: id('The product the ticket is about (R2.2).'),
  categoryId: text(64).describe("A category id of the contract's plan (R2.3), e.g. 3.1."),
  subject: text(200),
  description: text(20_000).describe('The problem, in the customer’s words (R2.2).'),
  priority: PrioritySchema.optional().describe(
    'Default normal; a top-priority category or impact makes it urgent (R2.6).',
  ),
  impact: ImpactSchema.optional().describe('How badly the customer is affected (S3 3.4, S4 total outage).'),
  channel: ChannelSchema.optional().describe(
    'Default portal (session) or api (API key). Agents log phone and chat incidents with channel phone or chat (R2.1).',
  ),
  environment: EnvironmentSchema.optional(),
  platform: PlatformSchema.optional(),
  organisationId: id('Staff only: the customer organisation.').optional(),
  requesterAccountId: id('Staff only: the customer person the ticket is for.').optional(),
});
export type TicketCreateRequest = z.infer<typeof TicketCreateRequestSchema>;

export const SlaClockSchema = z
  .object({
    metric: z.enum(['assignment', 'firstResponse', 'nextResponse', 'resolution']),
    cycle: z.number().int(),
    clock: z.enum(['working', 'calendar']),
    binding: z.string().describe('target (best effort, S1) or guarantee'),
    within: z.string().describe('The target as the plan states it, e.g. 1wd or 24h.'),
    targetSeconds: z.number(),
    consumedSeconds: z
      .number()
      .describe('Time used so far, in the clock’s own time (working or calendar seconds).'),
    state: z.enum(['running', 'paused', 'met', 'missed']),
    dueAt: instant.nullable().describe('While running: the latest instant the target is met.'),
    breachedAfter: instant.nullable(),
    warnedAt: instant.nullable(),
    breachedAt: instant.nullable(),
    stoppedAt: instant.nullable(),
  })
  .meta({ id: 'SlaClock' });
export type SlaClockView = z.infer<typeof SlaClockSchema>;

export const MaintenanceNoticeSchema = z
  .object({ start: instant, end: instant, reason: z.string().nullable(), active: z.boolean() })
  .describe('An announced maintenance window: no support, clocks paused (R2.5).')
  .meta({ id: 'MaintenanceNotice' });

export const TicketSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    organisationId: z.string(),
    productId: z.string(),
    contractId: z.string().nullable(),
    planVersionId: z.string(),
    calendarHash: z.string().describe('The calendar version the clocks were pinned to.'),
    categoryId: z.string(),
    impact: ImpactSchema.nullable(),
    priority: PrioritySchema,
    topPriority: z.boolean(),
    channel: ChannelSchema,
    status: TicketStatusSchema,
    billable: z.boolean().describe('Accepted without an active contract, billed hourly (R1.7).'),
    hourlyRate: z.object({ amountMinor: z.number().int(), currency: z.string() }).nullable(),
    requesterAccountId: z.string().nullable(),
    subject: z.string(),
    environment: z.record(z.string(), z.string()),
    platform: PlatformSchema.nullable(),
    assigneeAccountId: z.string().nullable(),
    assignedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
    lastPublicMessageAt: instant,
    resolvedAt: instant.nullable(),
    closedAt: instant.nullable(),
    closeReason: z.string().nullable(),
    closeNote: z.string().nullable(),
    outOfScopeKey: z.string().nullable(),
    mergedIntoId: z.string().nullable().describe('The ticket a duplicate was closed into (R2.8).'),
    followUpOfId: z.string().nullable().describe('The closed ticket this one follows up (R2.9).'),
    knownIssueId: z.string().nullable(),
    nextDueAt: instant.nullable().describe('The next SLA instant; the queue is ordered by it (R2.6).'),
    slaState: z.enum(['ok', 'warning', 'breached']),
  })
  .meta({ id: 'Ticket' });
export type Ticket = z.infer<typeof TicketSchema>;

export const TicketLinkSchema = z
  .object({
    ticketId: z.string(),
    kind: z
      .string()
      .describe('duplicate-of, follow-up-of or related; `direction` says which side this ticket is.'),
    direction: z.enum(['outgoing', 'incoming']),
    createdAt: instant,
  })
  .meta({ id: 'TicketLink' });

export const TicketDetailSchema = TicketSchema.extend({
  sla: z.array(SlaClockSchema),
  links: z.array(TicketLinkSchema),
  maintenance: MaintenanceNoticeSchema.nullable(),
  budgets: z.array(z.lazy(() => BudgetSchema)),
}).meta({ id: 'TicketDetail' });

export const TicketMessageSchema = z
  .object({
    id: z.string(),
    ticketId: z
      .string()
      .describe('The ticket it was posted on (a duplicate’s messages show on the survivor).'),
    authorAccountId: z.string().nullable(),
    authorKind: z.enum(['customer', 'agent', 'system']),
    visibility: z.enum(['public', 'internal']),
    body: z.string(),
    createdAt: instant,
  })
  .meta({ id: 'TicketMessage' });

export const MessageCreateRequestSchema = z.object({
  body: text(20_000),
  visibility: z
    .enum(['public', 'internal'])
    .default('public')
    .describe('internal = a note customers never see.'),
});

export const MessagePostedSchema = z
  .object({
    message: TicketMessageSchema,
    ticket: TicketSchema.describe(
      'The ticket the message landed on: the survivor of a merge, or a new follow-up (R2.8, R2.9).',
    ),
    routed: z.enum(['posted', 'to-survivor', 'new-follow-up', 'reopened']),
  })
  .meta({ id: 'MessagePosted' });

export const TicketUpdateRequestSchema = z.object({
  priority: PrioritySchema.optional(),
  categoryId: text(64).optional(),
  impact: ImpactSchema.nullable().optional(),
});

export const StatusChangeRequestSchema = z.object({
  status: z.enum(['open', 'waiting-on-customer', 'resolved']),
});

export const CloseRequestSchema = z.object({
  reason: z.enum(['out-of-scope', 'by-agent']),
  outOfScopeKey: text(64)
    .optional()
    .describe("Required for out-of-scope: one of the plan's outOfScope keys (R1.6)."),
  note: z.string().trim().max(2000).optional(),
});

export const AssignRequestSchema = z.object({
  assigneeAccountId: id('A staff account (agent or admin).').nullable().optional(),
});

export const MergeRequestSchema = z.object({
  intoTicketId: id('The ticket that survives (R2.8: the newer one, by default).'),
});

export const LinkRequestSchema = z.object({
  ticketId: id('The other ticket, of the same organisation.'),
});

export const TicketListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(200).optional().describe('Full-text search over subjects and messages.'),
  status: TicketStatusSchema.optional(),
  productId: z.string().max(64).optional(),
  organisationId: z.string().max(64).optional().describe('Staff only; a customer sees its own organisation.'),
  sla: z.enum(['ok', 'warning', 'breached']).optional(),
  assigneeAccountId: z.string().max(64).optional(),
});

export const QueueQuerySchema = z.object({
  limit: PageQuerySchema.shape.limit,
  cursor: z.string().min(1).max(200).optional().describe('The nextCursor of the previous page.'),
  productId: z.string().max(64).optional(),
  assigneeAccountId: z.string().max(64).optional(),
});

export const IntakeRefusalSchema = z
  .object({
    id: z.string(),
    organisationId: z.string(),
    productId: z.string().nullable(),
    contractId: z.string().nullable(),
    requesterAccountId: z.string().nullable(),
    channel: z.string(),
    reason: z.string(),
    message: z.string(),
    subject: z.string(),
    createdAt: instant,
  })
  .meta({ id: 'IntakeRefusal' });

export const BudgetSchema = z
  .object({
    category: z.string(),
    period: z.enum(['month', 'contract-year']),
    periodStartsOn: WireCivilDateSchema,
    periodEndsOn: WireCivilDateSchema,
    capMinutes: z.number().int(),
    usedMinutes: z.number().int(),
    remainingMinutes: z.number().int(),
    requiresPriorEstimateAgreement: z.boolean(),
  })
  .meta({ id: 'Budget' });
export type Budget = z.infer<typeof BudgetSchema>;
