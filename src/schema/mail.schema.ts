import { z } from 'zod';
import { PageQuerySchema } from './pagination.schema.ts';

export const MAIL_STATUSES = ['queued', 'sent', 'failed', 'suppressed'] as const;

export const MailMessageSummarySchema = z
  .object({
    id: z.string(),
    topic: z.string().describe('The notice it was written for, e.g. ticket.created.'),
    organisationId: z.string().nullable(),
    accountId: z.string().nullable(),
    to: z.string(),
    subject: z.string(),
    status: z.enum(MAIL_STATUSES),
    transport: z
      .enum(['smtp', 'mailbox'])
      .nullable()
      .describe('How it left: smtp, or the local mailbox when no SMTP server is configured.'),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.iso.datetime().nullable().describe('When a queued mail is tried next.'),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'MailMessageSummary' });

export const MailMessageSchema = MailMessageSummarySchema.extend({
  from: z.string(),
  messageId: z.string(),
  headers: z.record(z.string(), z.string()),
  textBody: z.string().describe('As written, with license keys shown by their prefix only.'),
  htmlBody: z.string(),
  smtpResponse: z.string().nullable(),
}).meta({ id: 'MailMessage' });

export const MailListQuerySchema = PageQuerySchema.extend({
  status: z.enum(MAIL_STATUSES).optional(),
  to: z.string().max(320).optional().describe('Only mail to this address (case-insensitive).'),
  topic: z.string().max(100).optional(),
});

export const MailIdParamsSchema = z.object({
  id: z.string().regex(/^mml_[0-9A-Z]{26}$/, 'expected a mail id (mml_…)'),
});

export const MailSuppressionSchema = z
  .object({
    address: z.string(),
    reason: z.string().describe('The SMTP answer that suppressed it.'),
    mailId: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'MailSuppression' });

export const SuppressionParamsSchema = z.object({ address: z.string().min(3).max(320) });

export const OutboxNoticeSchema = z
  .object({
    id: z.string(),
    topic: z.string(),
    organisationId: z.string().nullable(),
    createdAt: z.iso.datetime(),
    availableAt: z.iso.datetime(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    fannedOutAt: z.iso.datetime().nullable().describe('When it became mails and webhook deliveries.'),
  })
  .meta({ id: 'OutboxNotice' });

export const OutboxQuerySchema = PageQuerySchema.extend({
  pending: z.enum(['true', 'false']).optional().describe('true: only notices not fanned out yet.'),
});
