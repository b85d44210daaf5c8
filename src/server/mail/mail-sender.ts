import nodemailer, { type Transporter } from 'nodemailer';
import { openSealed } from '../secrets/sealing.ts';
import type { MailDeps } from './outbox-dispatcher.ts';

/** How long a claimed mail stays with its worker before another may take it (a worker that died). */
const LEASE_MS = 5 * 60_000;
/** After this long a mail that still cannot be handed over fails (SMTP down for three days). */
export const GIVE_UP_AFTER_MS = 72 * 3_600_000;
const BACKOFF_MS = [30_000, 60_000, 2 * 60_000, 5 * 60_000, 10 * 60_000, 30 * 60_000, 3_600_000];

export function backoffMs(attempts: number): number {
  return BACKOFF_MS[Math.min(Math.max(attempts - 1, 0), BACKOFF_MS.length - 1)] ?? 3_600_000;
}

export type MailTransport = Pick<Transporter, 'sendMail' | 'close'>;

/**
 * nodemailer over the configured SMTP URL; undefined when mail goes to the local mailbox. Timeouts stay
 * well inside the lease, so a hung server cannot let a second worker send the same mail; the URL's own
 * query parameters (`?socketTimeout=…`, `?pool=true`) override them.
 */
export function createMailTransport(smtpUrl: string | undefined): MailTransport | undefined {
  if (smtpUrl === undefined) return undefined;
  return nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}

type SendError = Error & { responseCode?: number; code?: string; response?: string };

/**
 * Hands due queued mail to SMTP (or, without an SMTP URL, to the local mailbox). Each mail is claimed
 * with a lease (FOR UPDATE SKIP LOCKED), sent with its stable Message-ID, then marked sent, so any
 * number of workers share the queue and each mail is sent once. A 5xx answer fails the mail and
 * suppresses the address (agents see it in the mail log); a refused connection, a timeout or a 4xx
 * waits with backoff and tries again, for up to 72 hours. Returns how many mails it handled.
 */
export async function sendDueMail(
  deps: MailDeps & { transport: MailTransport | undefined },
  now: Date,
  limit = 20,
): Promise<number> {
  const claimed = await deps.db
    .updateTable('mail_messages')
    .set({ locked_until: new Date(now.getTime() + LEASE_MS) })
    .where(
      'id',
      'in',
      deps.db
        .selectFrom('mail_messages')
        .select('id')
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  for (const mail of claimed) {
    if (deps.transport === undefined) {
      // The local mailbox: stored, readable with `upkeep mail list|show` and the admin mail log.
      await deps.db
        .updateTable('mail_messages')
        .set({
          status: 'sent',
          transport: 'mailbox',
          sent_at: now,
          attempts: mail.attempts + 1,
          locked_until: null,
        })
        .where('id', '=', mail.id)
        .execute();
      continue;
    }
    const bodies = mail.sealed_bodies
      ? (JSON.parse(openSealed(deps.sealingKey, mail.sealed_bodies)) as { text: string; html: string })
      : { text: mail.text_body, html: mail.html_body };
    const headers = (typeof mail.headers === 'string' ? JSON.parse(mail.headers) : mail.headers) as Record<
      string,
      string
    >;
    try {
      const info = await deps.transport.sendMail({
        from: mail.from_address,
        to: mail.to_address,
        subject: mail.subject,
        text: bodies.text,
        html: bodies.html,
        messageId: mail.message_id,
        headers,
        // Bounces come back to the support address, whose receiver files them without answering (no loops).
        envelope: { from: deps.config.mail.supportAddress, to: mail.to_address },
      });
      await deps.db
        .updateTable('mail_messages')
        .set({
          status: 'sent',
          transport: 'smtp',
          sent_at: now,
          attempts: mail.attempts + 1,
          locked_until: null,
          sealed_bodies: null,
          last_error: null,
          smtp_response: String(info.response ?? '').slice(0, 500),
        })
        .where('id', '=', mail.id)
        .execute();
    } catch (caught) {
      const error = caught as SendError;
      const attempts = mail.attempts + 1;
      const message = `${error.code ?? 'ERROR'} ${error.response ?? error.message}`.slice(0, 500);
      if (typeof error.responseCode === 'number' && error.responseCode >= 500) {
        await deps.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('mail_messages')
            .set({
              status: 'failed',
              attempts,
              locked_until: null,
              last_error: message,
              smtp_response: message,
            })
            .where('id', '=', mail.id)
            .execute();
          await trx
            .insertInto('mail_suppressions')
            .values({
              address: mail.to_address.toLowerCase(),
              reason: message,
              mail_id: mail.id,
              created_at: now,
            })
            .onConflict((oc) => oc.column('address').doNothing())
            .execute();
        });
        deps.log.warn(
          { mailId: mail.id, to: mail.to_address, response: message },
          'mail refused permanently; address suppressed',
        );
        continue;
      }
      const givesUp = now.getTime() - mail.created_at.getTime() >= GIVE_UP_AFTER_MS;
      await deps.db
        .updateTable('mail_messages')
        .set({
          status: givesUp ? 'failed' : 'queued',
          attempts,
          locked_until: null,
          last_error: message,
          next_attempt_at: new Date(now.getTime() + backoffMs(attempts)),
        })
        .where('id', '=', mail.id)
        .execute();
      deps.log.warn(
        { mailId: mail.id, attempts, error: message },
        givesUp ? 'mail given up' : 'mail not sent; will retry',
      );
    }
  }
  return claimed.length;
}

/** An admin's retry: a failed mail back to the queue now (its address's suppression lifted first). */
export async function retryMail(deps: Pick<MailDeps, 'db'>, id: string, now: Date): Promise<boolean> {
  const result = await deps.db
    .updateTable('mail_messages')
    .set({ status: 'queued', next_attempt_at: now, locked_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'suppressed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
