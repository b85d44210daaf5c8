import { z } from 'zod';
import { PageQuerySchema } from './pagination.schema.ts';

/** Signed webhooks (issue 5 §5, docs/webhooks.md): subscriptions, their delivery log, test-sends. */

/**
 * Every event a subscription may ask for: the outbox notice topics except the private ones that
 * carry sign-in links (auth.magic-link, customer.invited), plus release.published and webhook.test.
 */
export const WEBHOOK_EVENT_TYPES = [
  'backup.deletion-warning',
  'conduct.flagged',
  'contract.expiry-reminder',
  'contract.lapsed',
  'contract.modification-stored',
  'contract.purchased',
  'contract.renewed',
  'contract.users-added',
  'customer.restriction-lifted',
  'customer.restriction-recorded',
  'invoice.credited',
  'invoice.payment-received',
  'known-issue.fixed',
  'license.key-issued',
  'mail.portal-pointer',
  'release.published',
  'sla.breached',
  'sla.warning',
  'system.event',
  'ticket.auto-close-warning',
  'ticket.closed',
  'ticket.created',
  'ticket.estimate-agreed',
  'ticket.estimate-proposed',
  'ticket.refused',
  'ticket.replied',
  'ticket.resolved',
  'webhook.test',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** The topic of a test-send (POST /v1/webhooks/:id/test). */
export const WEBHOOK_TEST_EVENT = 'webhook.test' satisfies WebhookEventType;

export const WebhookEventTypeSchema = z
  .enum([...WEBHOOK_EVENT_TYPES, '*'])
  .describe('An event topic (see docs/webhooks.md), or `*` for every event.');

const id = (what: string) => z.string().min(1).max(64).describe(what);
const instant = z.iso.datetime();

/** Why a URL cannot be a webhook target by its form alone (the address check comes after). */
export function webhookUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an absolute URL, e.g. https://hooks.example.com/upkeep';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'expected an http or https URL';
  if (url.username !== '' || url.password !== '') return 'a user name or password in the URL is not allowed';
  if (url.hostname === '') return 'expected a host name';
  return null;
}

const WebhookUrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .superRefine((text, ctx) => {
    const problem = webhookUrlProblem(text);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(
    'Where deliveries are POSTed: http or https, no user info. Refused when the host is or resolves to a loopback, private or link-local address.',
  );

const EventTypesSchema = z
  .array(WebhookEventTypeSchema)
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length + 1)
  .transform((types) => [...new Set(types)])
  .describe('The events this endpoint receives; `["*"]` for all. Duplicates are dropped.');

const DescriptionSchema = z.string().trim().max(500).describe('A note for the admins, e.g. "CRM sync".');

export const WebhookIdParamsSchema = z.object({ id: id('The webhook subscription id (whk_…).') });
export const WebhookDeliveryIdParamsSchema = z.object({ id: id('The delivery id (whd_…).') });

export const WebhookCreateRequestSchema = z
  .object({
    url: WebhookUrlSchema,
    description: DescriptionSchema.optional(),
    eventTypes: EventTypesSchema,
  })
  .meta({ id: 'WebhookCreateRequest' });

export const WebhookUpdateRequestSchema = z
  .object({
    url: WebhookUrlSchema.optional(),
    description: DescriptionSchema.optional(),
    eventTypes: EventTypesSchema.optional(),
    disabled: z.boolean().optional().describe('true stops deliveries; false resumes them.'),
  })
  .meta({ id: 'WebhookUpdateRequest' });

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    createdAt: instant,
    createdBy: z.string().nullable().describe('The admin account that created it.'),
    disabledAt: instant.nullable().describe('When deliveries stopped; null while active.'),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z
    .string()
    .describe(
      'The signing secret (`whsec_…`). Shown only in this response: store it now, it cannot be read back.',
    ),
}).meta({ id: 'WebhookWithSecret' });

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const WebhookDeliverySchema = z
  .object({
    id: z.string().describe('Also the `webhook-id` header of every attempt.'),
    webhookId: z.string(),
    outboxId: z.string().nullable().describe('The notice it delivers; null for a test-send.'),
    eventType: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: instant.nullable().describe('When it is tried next; null unless pending.'),
    responseStatus: z.number().int().nullable().describe("The endpoint's last HTTP status."),
    lastError: z
      .string()
      .nullable()
      .describe('Why the last attempt failed (with the start of the response).'),
    deliveredAt: instant.nullable(),
    createdAt: instant,
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryListQuerySchema = PageQuerySchema.extend({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional().describe('Only deliveries in this state.'),
});
