import { z } from 'zod';
import { PageQuerySchema } from './pagination.schema.ts';

/** Wire schemas of the inbound mail log (issue 5 §4, docs/email-in.md): what became of each mail received. */

const instant = z.iso.datetime();

export const INBOUND_MAIL_STATUSES = [
  'ticket-opened',
  'reply-added',
  'quarantined',
  'portal-pointer-sent',
  'auto-reply-ignored',
  'refused',
] as const;
export const InboundMailStatusSchema = z
  .enum(INBOUND_MAIL_STATUSES)
  .describe(
    'ticket-opened: a new ticket (or a follow-up of a closed one); reply-added: threaded by its signed token; ' +
      'quarantined: unknown sender, another organisation’s ticket, or a failure — never reached a ticket; ' +
      'portal-pointer-sent: portal-only plan (R2.1), answered once a day with the portal address; ' +
      'auto-reply-ignored: an automatic mail, never answered; refused: the intake gate or flooding refused it.',
  );

export const InboundMailIdParamsSchema = z.object({
  id: z.string().min(1).max(64).describe('The inbound mail id (inm_…).'),
});

export const InboundMailListQuerySchema = PageQuerySchema.extend({
  status: InboundMailStatusSchema.optional().describe('Only mails with this outcome, e.g. quarantined.'),
  organisationId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('Only mails from this organisation’s people.'),
});

export const InboundMailSchema = z
  .object({
    id: z.string(),
    receivedAt: instant,
    envelopeFrom: z.string().nullable().describe('MAIL FROM; null for the empty sender `<>` (a bounce).'),
    envelopeTo: z.array(z.string()).describe('The accepted RCPT TO addresses.'),
    fromAddress: z.string().nullable().describe('The From header’s address: who the sender says they are.'),
    subject: z.string().nullable(),
    messageId: z.string().nullable(),
    status: InboundMailStatusSchema,
    reason: z
      .string()
      .nullable()
      .describe('Why: the quarantine or refusal reason, dropped attachments, notes.'),
    ticketId: z.string().nullable(),
    organisationId: z.string().nullable().describe('The sender’s organisation, when the sender is known.'),
    accountId: z.string().nullable().describe('The sender’s account, when the sender is known.'),
    sizeBytes: z.number().int(),
    sourceKept: z
      .enum(['full', 'headers'])
      .describe(
        'full: the whole message is kept (quarantined, refused, or something was dropped) and an admin can download it; headers: only its header section.',
      ),
  })
  .meta({ id: 'InboundMail' });
export type InboundMail = z.infer<typeof InboundMailSchema>;

export const InboundMailDetailSchema = InboundMailSchema.extend({
  headers: z
    .array(z.object({ name: z.string(), value: z.string() }))
    .describe('The header fields as received (unfolded, encoded words as sent), in order.'),
}).meta({ id: 'InboundMailDetail' });
export type InboundMailDetail = z.infer<typeof InboundMailDetailSchema>;
