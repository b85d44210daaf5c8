import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/db/database-types.ts';
import { createMailTransport, type MailTransport, sendDueMail } from '../../src/server/mail/mail-sender.ts';
import { dispatchOutbox, type MailDeps } from '../../src/server/mail/outbox-dispatcher.ts';
import { testConfig, testSealingKey } from '../server/app-helpers.ts';
import type { SmtpCatcher } from '../support/smtp-catcher.ts';

const quiet = { error: () => {}, warn: () => {}, info: () => {} };

/** The mail pipeline as the worker runs it, against a real SMTP catcher (or the local mailbox). */
export function mailPipeline(db: Kysely<Database>, catcher: SmtpCatcher | null) {
  const deps: MailDeps = { db, config: testConfig, sealingKey: testSealingKey, log: quiet };
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
