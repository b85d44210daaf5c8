import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { eraseNoticeSecrets, openNoticeSecrets } from '../secrets/notice-secrets.ts';
import { type SealingKey, sealSecret } from '../secrets/sealing.ts';
import { enqueueWebhookDeliveries } from '../webhooks/webhook-fanout.ts';
import { headerSafe, mailLocaleOf, renderMail } from './mail-render.ts';
import { type NoticeFacts, signatureOf, writeNotice } from './mail-templates.ts';
import {
  type MailTokenKeys,
  mailTokenKeys,
  replyAddress,
  replyToken,
  splitAddress,
  unsubscribeToken,
} from './mail-tokens.ts';
import {
  type NoticeTicket,
  planAndProductOf,
  type Recipient,
  recipientsOf,
  ticketOf,
} from './notice-audience.ts';

export type MailDeps = {
  db: Kysely<Database>;
  config: Pick<Config, 'mail' | 'publicUrl' | 'host' | 'port'>;
  sealingKey: SealingKey;
  log: Pick<FastifyBaseLogger, 'error' | 'warn' | 'info'>;
};

/** Notices on the product-update list (R1.1): they carry List-Unsubscribe and the page that ends it. */
export const LIST_TOPICS: ReadonlySet<string> = new Set(['release.published']);
/** The pointer answers a customer's mail: an auto-reply (RFC 3834), never answered in turn. */
const AUTO_REPLIED_TOPICS: ReadonlySet<string> = new Set(['mail.portal-pointer']);
const RETRY_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];

export function baseUrlOf(config: MailDeps['config']): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/$/, '');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

/**
 * Fans out due outbox notices, one per transaction: each becomes one queued mail per recipient
 * (rendered now, so every retry sends the same bytes) and one pending delivery per webhook
 * subscription; then the notice is marked fanned out and its sealed secrets are erased from it.
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of workers share the outbox and each
 * notice is fanned out exactly once. Returns how many notices it handled.
 */
export async function dispatchOutbox(deps: MailDeps, now: Date, limit = 100): Promise<number> {
  const keys = mailTokenKeys(deps.sealingKey);
  let handled = 0;
  while (handled < limit) {
    const done = await deps.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('outbox')
        .selectAll()
        .where('delivered_at', 'is', null)
        .where('available_at', '<=', now)
        .orderBy('available_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return false;
      const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
        string,
        unknown
      >;
      let mails: QueuedMail[];
      try {
        mails = await composeMails(trx, deps, keys, { ...row, payload }, now);
      } catch (error) {
        // A notice that cannot be written (a sealed key that no longer opens, a template bug) waits and
        // is retried with backoff; it is never dropped. The error is on the row and in the log.
        const attempts = row.attempts + 1;
        const wait = RETRY_MS[Math.min(attempts - 1, RETRY_MS.length - 1)] ?? 60_000;
        deps.log.error({ err: error, outboxId: row.id, topic: row.topic }, 'cannot write notice; will retry');
        await trx
          .updateTable('outbox')
          .set({
            attempts,
            last_error: String((error as Error).message),
            available_at: new Date(now.getTime() + wait),
          })
          .where('id', '=', row.id)
          .execute();
        return true;
      }
      if (mails.length > 0) {
        await trx
          .insertInto('mail_messages')
          .values(mails)
          .onConflict((oc) => oc.columns(['outbox_id', 'to_address']).doNothing())
          .execute();
      }
      await enqueueWebhookDeliveries(
        trx,
        {
          outboxId: row.id,
          topic: row.topic,
          organisationId: row.organisation_id,
          payload,
          createdAt: row.created_at,
        },
        now,
      );
      await trx
        .updateTable('outbox')
        .set({ delivered_at: now, payload: JSON.stringify(eraseNoticeSecrets(payload)), last_error: null })
        .where('id', '=', row.id)
        .execute();
      return true;
    });
    if (!done) break;
    handled++;
  }
  return handled;
}

type QueuedMail = {
  id: string;
  outbox_id: string;
  topic: string;
  organisation_id: string | null;
  account_id: string | null;
  to_address: string;
  from_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  sealed_bodies: string | null;
  headers: string;
  message_id: string;
  status: 'queued' | 'suppressed';
  next_attempt_at: Date;
  created_at: Date;
  last_error: string | null;
};

type OutboxRow = {
  id: string;
  topic: string;
  organisation_id: string | null;
  recipient: string | null;
  payload: Record<string, unknown>;
};

async function composeMails(
  trx: Kysely<Database>,
  deps: MailDeps,
  keys: MailTokenKeys,
  row: OutboxRow,
  now: Date,
): Promise<QueuedMail[]> {
  const ticket = await ticketOf(trx, row.payload);
  const recipients = await recipientsOf(trx, row, ticket);
  if (recipients.length === 0) return [];
  const { plan, productName } = await planAndProductOf(trx, row.payload, ticket);
  const organisation = row.organisation_id
    ? await trx
        .selectFrom('organisations')
        .select('name')
        .where('id', '=', row.organisation_id)
        .executeTakeFirst()
    : undefined;
  const suppressed = new Set(
    (
      await trx
        .selectFrom('mail_suppressions')
        .select('address')
        .where(
          'address',
          'in',
          recipients.map((r) => r.address.toLowerCase()),
        )
        .execute()
    ).map((s) => s.address),
  );
  const licenseKeys = openNoticeSecrets(row.payload, deps.sealingKey);
  const baseUrl = baseUrlOf(deps.config);
  const [, domain] = splitAddress(deps.config.mail.supportAddress);
  return recipients.map((recipient) => {
    const id = newId('mml', now.getTime());
    const facts: NoticeFacts = {
      topic: row.topic,
      payload: row.payload,
      locale: mailLocaleOf(recipient.locale),
      // Names and subjects are the customers' words: one line each wherever they are written.
      recipientName: recipient.name === null ? null : headerSafe(recipient.name, 100),
      organisationName: organisation ? headerSafe(organisation.name, 200) : null,
      baseUrl,
      plan,
      ticket: ticket && { ...ticket, subject: headerSafe(ticket.subject) },
      productName,
      licenseKeys: [],
      forStaff: recipient.staff,
      replyByEmail: ticket !== null && !recipient.staff && plan?.channels.email === 'tickets',
      unsubscribeUrl:
        LIST_TOPICS.has(row.topic) && recipient.accountId
          ? `${baseUrl}/unsubscribe/${unsubscribeToken(keys, recipient.accountId, 'product-updates')}`
          : null,
    };
    const signature = signatureOf(facts.locale);
    // The log shows the mail as written without secrets; the mail sent carries them, sealed until sent.
    const shown = renderMail(writeNotice(facts), signature);
    const full =
      licenseKeys.length > 0 ? renderMail(writeNotice({ ...facts, licenseKeys }), signature) : null;
    const headers = headersFor(row.topic, recipient, facts, ticket, keys, deps.config.mail.supportAddress);
    const isSuppressed = suppressed.has(recipient.address.toLowerCase());
    return {
      id,
      outbox_id: row.id,
      topic: row.topic,
      organisation_id: row.organisation_id,
      account_id: recipient.accountId,
      to_address: recipient.address,
      from_address: deps.config.mail.from,
      subject: shown.subject,
      text_body: shown.text,
      html_body: shown.html,
      sealed_bodies: full
        ? sealSecret(deps.sealingKey, JSON.stringify({ text: full.text, html: full.html }))
        : null,
      headers: JSON.stringify(headers),
      message_id: messageIdFor(id, ticket, keys, domain),
      status: isSuppressed ? 'suppressed' : 'queued',
      next_attempt_at: now,
      created_at: now,
      last_error: isSuppressed ? 'address suppressed after a permanent failure' : null,
    };
  });
}

/** `<tkt_….<token>.mml_…@domain>` on ticket mail, so a reply's In-Reply-To names the ticket, signed. */
function messageIdFor(
  mailId: string,
  ticket: NoticeTicket | null,
  keys: MailTokenKeys,
  domain: string,
): string {
  const local = ticket ? `${replyToken(keys, ticket.id)}.${mailId.toLowerCase()}` : mailId.toLowerCase();
  return `<${local}@${domain}>`;
}

function headersFor(
  topic: string,
  recipient: Recipient,
  facts: NoticeFacts,
  ticket: NoticeTicket | null,
  keys: MailTokenKeys,
  supportAddress: string,
): Record<string, string> {
  const [, domain] = splitAddress(supportAddress);
  const headers: Record<string, string> = {
    // RFC 3834: machines must not answer machine mail; the receiver honours the same header (no loops).
    'Auto-Submitted': AUTO_REPLIED_TOPICS.has(topic) ? 'auto-replied' : 'auto-generated',
    'X-Upkeep-Topic': topic,
  };
  if (ticket) {
    // One thread per ticket in the reader's mail client; the root id carries the signed token too.
    headers.References = `<${replyToken(keys, ticket.id)}@${domain}>`;
    if (facts.replyByEmail) headers['Reply-To'] = replyAddress(keys, supportAddress, ticket.id);
  }
  if (facts.unsubscribeUrl && recipient.accountId) {
    // RFC 8058 one-click: a POST of "List-Unsubscribe=One-Click" to this URL unsubscribes.
    headers['List-Unsubscribe'] = `<${facts.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    headers['List-Id'] = `Product updates <product-updates.${domain}>`;
  }
  if (typeof facts.payload.inReplyTo === 'string' && /^<[^<>\s]+>$/.test(facts.payload.inReplyTo)) {
    headers['In-Reply-To'] = facts.payload.inReplyTo;
  }
  return headers;
}
