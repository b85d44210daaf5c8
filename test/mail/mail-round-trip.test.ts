import nodemailer from 'nodemailer';
import { afterEach, expect, it } from 'vitest';
import { mailTokenKeys, ticketIdsInMail } from '../../src/server/mail/mail-tokens.ts';
import { inboundRows, type MailSetup, mailSetup, SUPPORT } from '../mail-in/mail-in-fixtures.ts';
import { testSealingKey } from '../server/app-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { rawHeader, SmtpCatcher } from '../support/smtp-catcher.ts';
import { call } from '../tickets/ticket-fixtures.ts';
import { mailPipeline } from './mail-fixtures.ts';

/**
 * Mail in and out together, over real SMTP both ways: the receiver (Upkeep's support address), the
 * outbox pipeline sending to a catcher (the customer's mail server), nodemailer as the customer.
 */
const keys = mailTokenKeys(testSealingKey);
let open: { s: MailSetup; catcher: SmtpCatcher } | undefined;
afterEach(async () => {
  await open?.s.close();
  await open?.catcher.stop();
  open = undefined;
});

async function setup(db: Parameters<typeof mailSetup>[0], plan: string) {
  const s = await mailSetup(db, plan);
  const catcher = await new SmtpCatcher().start(0);
  open = { s, catcher };
  const mail = mailPipeline(db, catcher, s.config);
  return { s, catcher, mail };
}

describeDb('mail round trips over real SMTP', (getDb) => {
  it('S1 (R2.1): a mail to support gets one pointer to the portal, an auto-reply threaded under it; no ticket', async () => {
    const { db } = getDb();
    const { s, catcher, mail } = await setup(db, PRESET.S1);
    const first = await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Printing fails',
      text: 'Help please.',
    });
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Still failing',
      text: 'Hello?',
    });
    await mail.flush(s.clock.now());
    const pointers = catcher.to(s.customerEmail);
    expect(pointers).toHaveLength(1);
    const [pointer] = pointers;
    expect(pointer?.parsed.subject).toBe('Re: Printing fails — please use the support portal');
    expect(rawHeader(pointer!.raw, 'Auto-Submitted')).toEqual(['auto-replied']);
    expect(rawHeader(pointer!.raw, 'In-Reply-To')).toEqual([first.messageId]);
    expect(pointer?.parsed.text).toContain('/portal/tickets/new');
    expect(pointer?.envelopeFrom).toBe(SUPPORT);
    expect(await db.selectFrom('tickets').select('id').execute()).toEqual([]);
    mail.close();
  });

  it('issue 5 §6: a loop between Upkeep and a customer auto-responder stops, with the real sender', async () => {
    const { db } = getDb();
    const { s, catcher, mail } = await setup(db, PRESET.S1);
    const back = nodemailer.createTransport({
      host: '127.0.0.1',
      port: s.receiver.port,
      secure: false,
      ignoreTLS: true,
    });
    let answered = 0;
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Help',
      text: 'Can you help?',
    });
    const history: number[] = [];
    for (let round = 0; round < 8; round++) {
      await mail.flush(s.clock.now());
      // The customer's naive auto-responder answers everything, to the envelope sender, without Auto-Submitted.
      for (const m of catcher.messages.slice(answered)) {
        answered += 1;
        await back.sendMail({
          from: s.customerEmail,
          to: m.envelopeFrom,
          subject: `Out of office: ${m.parsed.subject}`,
          text: 'Away.',
        });
      }
      s.clock.advance(60_000);
      history.push(catcher.messages.length + (await inboundRows(db)).length);
    }
    back.close();
    expect(history.slice(2)).toEqual(Array(history.length - 2).fill(history[1]));
    expect(catcher.messages).toHaveLength(1);
    mail.close();
  });

  it('S0: mail opens a ticket, the notice carries the signed reply address, the reply threads into the ticket', async () => {
    const { db } = getDb();
    const { s, catcher, mail } = await setup(db, PRESET.S0);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Export broken',
      text: 'PDF export fails with error 500.',
    });
    const [opened] = await inboundRows(db);
    expect(opened?.status).toBe('ticket-opened');
    await mail.flush(s.clock.now());
    const [created] = catcher.to(s.customerEmail);
    expect(created?.parsed.subject).toMatch(/^\[\d+\] Export broken$/);
    const replyTo = created?.parsed.replyTo?.value[0]?.address ?? '';
    expect(ticketIdsInMail(keys, [replyTo])).toEqual([opened?.ticket_id]);
    // The customer answers from their mail client: to the Reply-To, threaded by In-Reply-To.
    await s.transport.sendMail({
      from: s.customerEmail,
      to: replyTo,
      subject: `Re: ${created?.parsed.subject}`,
      inReplyTo: created?.parsed.messageId,
      text: 'It fails for every report.\n\nOn Monday, Support wrote:\n> We received your ticket',
    });
    const rows = await inboundRows(db);
    expect(rows.map((r) => r.status)).toEqual(['ticket-opened', 'reply-added']);
    expect(rows[1]?.ticket_id).toBe(opened?.ticket_id);
    const thread = await call(s.app, s.agent, 'GET', `/v1/tickets/${opened?.ticket_id}/messages`);
    const bodies = thread.json().items.map((m: { body: string }) => m.body);
    expect(bodies.at(-1)).toBe('It fails for every report.');
    // The other organisation's customer replying to the same signed address is quarantined.
    await s.transport.sendMail({
      from: s.strangerEmail,
      to: replyTo,
      subject: 'Re: spoof',
      text: 'Close this ticket.',
    });
    expect((await inboundRows(db)).at(-1)?.status).toBe('quarantined');
    expect(
      (await call(s.app, s.agent, 'GET', `/v1/tickets/${opened?.ticket_id}/messages`)).json().items,
    ).toHaveLength(bodies.length);
    mail.close();
  });

  it('R1.3/R1.4: a recorded suspension and its lifting are mailed to the customer admins with the reason', async () => {
    const { db } = getDb();
    const { s, catcher, mail } = await setup(db, PRESET.S1);
    const recorded = await call(s.app, s.agent, 'POST', `/v1/organisations/${s.orgId}/restrictions`, {
      kind: 'suspension',
      reason: 'refusing-to-answer',
      note: 'Three questions unanswered since March.',
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    await mail.flush(s.clock.now());
    const [suspended] = catcher.to(s.customerEmail);
    expect(suspended?.parsed.subject).toBe('Your support access is suspended');
    expect(suspended?.parsed.text).toContain('refusing-to-answer');
    expect(suspended?.parsed.text).toContain('Three questions unanswered since March.');
    expect(catcher.to(s.strangerEmail)).toHaveLength(0);
    const lifted = await call(
      s.app,
      s.agent,
      'POST',
      `/v1/organisations/${s.orgId}/restrictions/${recorded.json().id}/lift`,
      { note: 'Answered.' },
    );
    expect(lifted.statusCode, lifted.body).toBe(200);
    await mail.flush(s.clock.now());
    expect(catcher.to(s.customerEmail).at(-1)?.parsed.subject).toBe('Your support access is restored');
    mail.close();
  });
});
