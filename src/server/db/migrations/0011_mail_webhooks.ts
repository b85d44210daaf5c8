import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.
// Email out and in, and webhooks (docs/notifications.md). An outbox notice is fanned out once, in
// one transaction, into one mail per recipient and one delivery per webhook subscription; each of
// those is then sent on its own with retries, so a down SMTP server or endpoint loses nothing.

export async function up(db: Kysely<unknown>): Promise<void> {
  // The language notices are written in for this account (translatable templates).
  await sql`ALTER TABLE accounts ADD COLUMN locale text NOT NULL DEFAULT 'en'`.execute(db);
  // `delivered_at` of a notice now means "fanned out to its mails and webhook deliveries".
  await createMail(db);
  await createInbound(db);
  await createWebhooks(db);
}

async function createMail(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mail_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('outbox_id', 'text', (c) => c.references('outbox.id'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    // What is shown in the mail log: secrets (license keys) replaced by their visible prefix.
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    // The full text and HTML, sealed, when they carry a secret; erased once sent by SMTP.
    .addColumn('sealed_bodies', 'text')
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    // queued → sent (smtp or the local mailbox) | failed (given up or 5xx) | suppressed (address suppressed)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('transport', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('smtp_response', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('mail_messages_outbox_to_key', ['outbox_id', 'to_address'])
    .execute();
  await sql`CREATE INDEX mail_messages_due_idx ON mail_messages (next_attempt_at) WHERE status = 'queued'`.execute(
    db,
  );
  await sql`CREATE INDEX mail_messages_created_idx ON mail_messages (created_at DESC, id DESC)`.execute(db);

  // An address that answered 5xx: no more mail goes to it until an admin lifts the suppression.
  await db.schema
    .createTable('mail_suppressions')
    .addColumn('address', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('mail_id', 'text', (c) => c.references('mail_messages.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

async function createInbound(db: Kysely<unknown>): Promise<void> {
  // Every mail the SMTP receiver accepted, with what became of it; quarantined ones keep their source.
  await db.schema
    .createTable('inbound_mail')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('envelope_from', 'text')
    .addColumn('envelope_to', 'jsonb', (c) => c.notNull())
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('message_id', 'text')
    // ticket-opened | reply-added | quarantined | portal-pointer-sent | auto-reply-ignored | refused
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('ticket_id', 'text', (c) => c.references('tickets.id'))
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('source', 'bytea')
    .execute();
  await sql`CREATE INDEX inbound_mail_received_idx ON inbound_mail (received_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX inbound_mail_message_id_idx ON inbound_mail (message_id)`.execute(db);
}

async function createWebhooks(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // Notice topics this endpoint receives (e.g. ["ticket.created"]); ["*"] for all.
    .addColumn('event_types', 'jsonb', (c) => c.notNull())
    // The Standard Webhooks signing secret (whsec_…), sealed: it must be read back to sign.
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('accounts.id'))
    .addColumn('disabled_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id'))
    // Null for a test-send.
    .addColumn('outbox_id', 'text', (c) => c.references('outbox.id'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    // The exact JSON body that is signed and sent (the same bytes on every retry).
    .addColumn('body', 'text', (c) => c.notNull())
    // pending → delivered | failed (given up, or refused by the address check)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addColumn('response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('webhook_deliveries_subscription_outbox_key', ['subscription_id', 'outbox_id'])
    .execute();
  await sql`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`.execute(
    db,
  );
  await sql`CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at DESC, id DESC)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'webhook_deliveries',
    'webhook_subscriptions',
    'inbound_mail',
    'mail_suppressions',
    'mail_messages',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`ALTER TABLE accounts DROP COLUMN locale`.execute(db);
}
