import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { SmtpCatcher } from '../support/smtp-catcher.ts';
import { inboundRows, type MailSetup, mailSetup, outboxRows, SUPPORT } from './mail-in-fixtures.ts';

/**
 * Issue 5 §6: "a mail loop between two auto-responders stops". Upkeep (the receiver, a portal-only S1
 * plan that answers every mail with a pointer) faces the customer's mail server (an SmtpCatcher) whose
 * auto-responder answers every mail it gets. Upkeep's outgoing pointer is delivered here the way the
 * outbound worker sends it: from the support address, with `Auto-Submitted: auto-replied`.
 */

type Responder = 'rfc3834' | 'naive';

let setupOpen: MailSetup | undefined;
let catcher: SmtpCatcher | undefined;
afterEach(async () => {
  await setupOpen?.close();
  await catcher?.stop();
  setupOpen = undefined;
  catcher = undefined;
});

async function bounce(db: Kysely<Database>, responder: Responder) {
  const s = await mailSetup(db, PRESET.S1);
  setupOpen = s;
  const customerServer = await new SmtpCatcher().start(0);
  catcher = customerServer;
  const toCustomer = nodemailer.createTransport({
    host: '127.0.0.1',
    port: customerServer.port,
    secure: false,
    ignoreTLS: true,
  });
  const delivered = new Set<string>();
  /** Upkeep's side: send every queued pointer notice, marked as an automatic reply. */
  const sendUpkeepMail = async () => {
    for (const notice of await outboxRows(db, 'mail.portal-pointer')) {
      if (delivered.has(notice.id)) continue;
      delivered.add(notice.id);
      const payload = notice.payload as { subject: string; portalUrl: string };
      await toCustomer.sendMail({
        from: SUPPORT,
        to: notice.recipient ?? '',
        subject: `Please use the support portal: ${payload.subject}`,
        text: `We answer support questions on the portal only: ${payload.portalUrl}`,
        headers: { 'Auto-Submitted': 'auto-replied' },
      });
    }
  };
  /** The customer's side: an auto-responder that answers every mail its server received. */
  let answered = 0;
  const autoRespond = async () => {
    for (const mail of customerServer.messages.slice(answered)) {
      answered += 1;
      await s.transport.sendMail({
        from: s.customerEmail,
        to: mail.envelopeFrom,
        subject: `Out of office: ${mail.parsed.subject ?? ''}`,
        text: 'I am away until Monday.',
        ...(responder === 'rfc3834' ? { headers: { 'Auto-Submitted': 'auto-replied' } } : {}),
      });
    }
  };

  // A person writes once; then both sides answer whatever they get, for a bounded number of rounds.
  await s.transport.sendMail({ from: s.customerEmail, to: SUPPORT, subject: 'Help', text: 'Can you help?' });
  const history: number[] = [];
  for (let round = 0; round < 12; round++) {
    await sendUpkeepMail();
    await autoRespond();
    s.clock.advance(60_000);
    history.push(customerServer.messages.length + (await inboundRows(db)).length);
  }
  toCustomer.close();
  return { s, customerServer, history };
}

describeDb('email in: a mail loop between two auto-responders stops (issue 5 §6)', (getDb) => {
  it('against an RFC 3834 auto-responder: its answer to our pointer is ignored, nothing more is sent', async () => {
    const { db } = getDb();
    const { customerServer, history } = await bounce(db, 'rfc3834');
    expect(history.slice(1)).toEqual(Array(history.length - 1).fill(history[0]));
    expect(customerServer.messages).toHaveLength(1);
    expect((await inboundRows(db)).map((r) => r.status)).toEqual([
      'portal-pointer-sent',
      'auto-reply-ignored',
    ]);
    expect(await outboxRows(db, 'mail.portal-pointer')).toHaveLength(1);
  });

  it('against a naive auto-responder (no Auto-Submitted): the once-a-day pointer stops the loop', async () => {
    const { db } = getDb();
    const { customerServer, history } = await bounce(db, 'naive');
    expect(history.at(-1)).toBe(history[1]);
    expect(customerServer.messages).toHaveLength(1);
    const rows = await inboundRows(db);
    expect(rows.map((r) => r.status)).toEqual(['portal-pointer-sent', 'portal-pointer-sent']);
    expect(rows[1]?.reason).toContain('the pointer already went to');
    expect(await outboxRows(db, 'mail.portal-pointer')).toHaveLength(1);
  });
});
