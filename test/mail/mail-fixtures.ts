import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/db/database-types.ts';
import { createMailTransport, type MailTransport, sendDueMail } from '../../src/server/mail/mail-sender.ts';
import { dispatchOutbox, type MailDeps } from '../../src/server/mail/outbox-dispatcher.ts';
import { testConfig, testSealingKey } from '../server/app-helpers.ts';
import { rawHeader, type SmtpCatcher } from '../support/smtp-catcher.ts';

const quiet = { error: () => {}, warn: () => {}, info: () => {} };

/** The mail pipeline as the worker runs it, against a real SMTP catcher (or the local mailbox). */
export function mailPipeline(
  db: Kysely<Database>,
  catcher: SmtpCatcher | null,
  config: MailDeps['config'] = testConfig,
) {
  const deps: MailDeps = { db, config, sealingKey: testSealingKey, log: quiet };
  let transport: MailTransport | undefined = catcher ? createMailTransport(catcher.url) : undefined;
  return {
    deps,
    /** Fans out due notices and sends due mail until none is left, as of `now`. */
    async flush(now: Date): Promise<void> {
      await dispatchOutbox(deps, now);
      while ((await sendDueMail({ ...deps, transport }, now)) > 0) {}
    },
    reconnect(to: SmtpCatcher) {
      transport?.close();
      transport = createMailTransport(to.url);
    },
    close() {
      transport?.close();
    },
  };
}

export async function mailRows(db: Kysely<Database>, topic?: string) {
  let q = db.selectFrom('mail_messages').selectAll().orderBy('id');
  if (topic) q = q.where('topic', '=', topic);
  return q.execute();
}

/** The email address of an account. */
export async function emailOf(db: Kysely<Database>, accountId: string): Promise<string> {
  const row = await db
    .selectFrom('accounts')
    .select('email')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return row.email;
}

/** The mails the catcher received for this address on one notice topic (the X-Upkeep-Topic header). */
export function caught(catcher: SmtpCatcher, address: string, topic: string) {
  return catcher.to(address).filter((m) => rawHeader(m.raw, 'X-Upkeep-Topic')[0] === topic);
}

/** The outbox payloads of a topic, parsed, oldest first. */
export async function outboxPayloads(db: Kysely<Database>, topic: string) {
  const rows = await db
    .selectFrom('outbox')
    .select('payload')
    .where('topic', '=', topic)
    .orderBy('id')
    .execute();
  return rows.map(
    (r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
  );
}
