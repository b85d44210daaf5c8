import { z } from 'zod';
import { PageQuerySchema } from './pagination.schema.ts';

/** Wire schemas of conduct flags (R1.3–R1.5), intake refusals, attachments (R2.2) and system events (R4.6). */

const id = (what: string) => z.string().min(1).max(64).describe(what);
const instant = z.iso.datetime();

// ── Flags (R1.3, R1.5) ─────────────────────────────────────────────────────────────────────────

export const FLAG_KINDS = ['abuse', 'flooding'] as const;
export const FLAG_STATUSES = ['open', 'confirmed', 'dismissed'] as const;

export const TicketFlagSchema = z
  .object({
    id: z.string(),
    kind: z
      .enum(FLAG_KINDS)
      .describe('abuse: likely insults or threats (R1.3); flooding: too many posts (R1.5).'),
    status: z.enum(FLAG_STATUSES),
    organisationId: z.string(),
    ticketId: z.string().nullable().describe('null for a flood of new tickets (no ticket was created).'),
    messageId: z.string().nullable().describe('The flagged message; null when the ticket text itself was.'),
    detail: z
      .record(z.string(), z.unknown())
      .describe('What the detector saw: the matched terms (abuse), the posts in the window (flooding).'),
    createdAt: instant,
    decidedAt: instant.nullable(),
    decidedBy: z.string().nullable().describe('The agent who confirmed or dismissed it.'),
    decisionNote: z.string().nullable(),
    restrictionId: z
      .string()
      .nullable()
      .describe(
        'The revocation (abuse) or suspension (flooding) a confirmation recorded, visible to the customer.',
      ),
  })
  .meta({ id: 'TicketFlag' });
export type TicketFlag = z.infer<typeof TicketFlagSchema>;

export const FlagListQuerySchema = PageQuerySchema.extend({
  status: z.enum(FLAG_STATUSES).optional().describe('Absent: every status.'),
  kind: z.enum(FLAG_KINDS).optional(),
  organisationId: id('Only this customer organisation’s flags.').optional(),
});

export const FlagIdParamsSchema = z.object({ id: id('The flag id (flg_…).') });

export const FlagDecisionRequestSchema = z.object({
  note: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe(
      'Why: kept with the flag, and on a confirmation as the note of the restriction the customer sees.',
    ),
});

// ── Intake refusals ────────────────────────────────────────────────────────────────────────────

export const RefusalListQuerySchema = PageQuerySchema.extend({
  organisationId: id('Staff only; a customer sees its own organisation.').optional(),
});

// ── Attachments (R2.2) ─────────────────────────────────────────────────────────────────────────

export const AttachmentUploadQuerySchema = z.object({
  name: z
    .string()
    .min(1)
    .max(1000)
    .default('attachment')
    .describe(
      'The file name as the customer has it; kept for display only, never as a storage path. Default "attachment".',
    ),
});

export const AttachmentParamsSchema = z.object({
  id: id('The ticket id (tkt_…).'),
  attachmentId: id('The attachment id (att_…).'),
});

export const TicketAttachmentSchema = z
  .object({
    id: z.string(),
    ticketId: z
      .string()
      .describe('The ticket it was uploaded to (a merged duplicate’s show on the survivor).'),
    name: z.string().describe('The uploaded name, cleaned of paths, control characters and quotes.'),
    downloadName: z
      .string()
      .describe('The name a download is saved under: its extension always agrees with contentType.'),
    contentType: z.string().describe('Detected from the bytes, never taken from the name or the client.'),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    uploadedByAccountId: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'TicketAttachment' });
export type TicketAttachment = z.infer<typeof TicketAttachmentSchema>;

// ── System events (R4.6) ───────────────────────────────────────────────────────────────────────

export const SEVERITIES = ['info', 'warning', 'critical'] as const;

export const SystemEventCreateRequestSchema = z.object({
  kind: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a lowercase slug, e.g. trunk.down or disk.almost-full')
    .describe('What happened, as a slug the system chooses, e.g. trunk.down.'),
  severity: z.enum(SEVERITIES),
  message: z.string().trim().min(1).max(2000),
  occurredAt: instant.describe('When it happened on the system; at most 5 minutes ahead of the server.'),
});
export type SystemEventCreate = z.infer<typeof SystemEventCreateRequestSchema>;

export const SystemEventSchema = z
  .object({
    id: z.string(),
    systemId: z.string(),
    organisationId: z.string(),
    kind: z.string(),
    severity: z.enum(SEVERITIES),
    message: z.string(),
    occurredAt: instant,
    receivedAt: instant,
    reportedByApiKeyId: z.string().nullable(),
  })
  .meta({ id: 'SystemEvent' });
export type SystemEvent = z.infer<typeof SystemEventSchema>;

export const NOTIFICATION_OUTCOMES = [
  'NOTIFIED',
  'NO_CONTRACT',
  'NOT_ENTITLED_BY_PLAN',
  'SUBSCRIPTION_INACTIVE',
  'NO_ADMINS',
] as const;

export const SystemEventRecordedSchema = z
  .object({
    event: SystemEventSchema,
    notification: z
      .object({
        outcome: z
          .enum(NOTIFICATION_OUTCOMES)
          .describe(
            'NOTIFIED: one email per customer-admin is queued; otherwise why not (no contract, the plan has no ' +
              'proactive notifications, the subscription gives no service today, no active admin).',
          ),
        recipients: z.number().int(),
      })
      .describe('R4.6: whether the organisation’s admins are emailed.'),
  })
  .meta({ id: 'SystemEventRecorded' });

export const SystemEventListQuerySchema = PageQuerySchema.extend({
  severity: z.enum(SEVERITIES).optional(),
});
