import type { ColumnType } from 'kysely';

/** Row types of the mail and webhook tables (migration 0011). */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
type NullableText = ColumnType<string | null, string | null | undefined, string | null>;
type NullableInt = ColumnType<number | null, number | null | undefined, number | null>;
type Json = ColumnType<unknown, string, string>;
type Count = ColumnType<number, number | undefined, number>;

export interface MailMessagesTable {
  id: string;
  outbox_id: NullableText;
  topic: string;
  organisation_id: NullableText;
  account_id: NullableText;
  to_address: string;
  from_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  sealed_bodies: NullableText;
  headers: Json;
  message_id: string;
  status: 'queued' | 'sent' | 'failed' | 'suppressed';
  transport: ColumnType<
    'smtp' | 'mailbox' | null,
    'smtp' | 'mailbox' | null | undefined,
    'smtp' | 'mailbox' | null
  >;
  attempts: Count;
  next_attempt_at: Timestamp;
  locked_until: NullableTimestamp;
  last_error: NullableText;
  smtp_response: NullableText;
  sent_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface MailSuppressionsTable {
  address: string;
  reason: string;
  mail_id: NullableText;
  created_at: Timestamp;
}

export interface InboundMailTable {
  id: string;
  received_at: Timestamp;
  envelope_from: NullableText;
  envelope_to: Json;
  from_address: NullableText;
  subject: NullableText;
  message_id: NullableText;
  status:
    | 'ticket-opened'
    | 'reply-added'
    | 'quarantined'
    | 'portal-pointer-sent'
    | 'auto-reply-ignored'
    | 'refused';
  reason: NullableText;
  ticket_id: NullableText;
  organisation_id: NullableText;
  account_id: NullableText;
  size_bytes: number;
  source: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
}

export interface WebhookSubscriptionsTable {
  id: string;
  url: string;
  description: ColumnType<string, string | undefined, string>;
  event_types: Json;
  sealed_secret: string;
  created_at: Timestamp;
  created_by: NullableText;
  disabled_at: NullableTimestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  subscription_id: string;
  outbox_id: NullableText;
  event_type: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Count;
  next_attempt_at: Timestamp;
  locked_until: NullableTimestamp;
  response_status: NullableInt;
  last_error: NullableText;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface MailTables {
  mail_messages: MailMessagesTable;
  mail_suppressions: MailSuppressionsTable;
  inbound_mail: InboundMailTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
