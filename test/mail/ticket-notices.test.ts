import { afterEach, beforeEach, expect, it } from 'vitest';
import { mailTokenKeys, ticketIdsInMail } from '../../src/server/mail/mail-tokens.ts';
import { testSealingKey } from '../server/app-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { rawHeader, SmtpCatcher } from '../support/smtp-catcher.ts';
import { call, deskSetup, openTicket, runJobs } from '../tickets/ticket-fixtures.ts';
import { mailPipeline, mailRows } from './mail-fixtures.ts';

const COVERED = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
const keys = mailTokenKeys(testSealingKey);

describeDb('ticket notices over real SMTP', (getDb) => {
  let catcher: SmtpCatcher;
  beforeEach(async () => {
    catcher = await new SmtpCatcher().start(0);
  });
  afterEach(async () => {
    await catcher.stop();
  });

  async function emailOf(accountId: string) {
    const row = await getDb()
      .db.selectFrom('accounts')
      .select('email')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    return row.email;
  }

  it('ticket created, answered, customer reply to the assignee, resolved and closed (S0: reply by email)', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S0, COVERED);
    const mail = mailPipeline(db, catcher);
    const customerEmail = await emailOf(s.customer.accountId);
    const agentEmail = await emailOf(s.agent.accountId);

    const ticket = await openTicket(s, { categoryId: 'support' });
    await mail.flush(s.clock.now());
    const [created] = catcher.to(customerEmail);
    expect(created?.parsed.subject).toBe(`[${ticket.number}] The export fails`);
    expect(created?.parsed.text).toContain('We received your ticket');
    expect(created?.parsed.text).toContain('Reply to this email');
    expect(rawHeader(created!.raw, 'Auto-Submitted')).toEqual(['auto-generated']);
    // The reply address and the Message-ID carry the ticket's signed token: a reply threads (R2.1).
    const replyTo = created!.parsed.replyTo?.value[0]?.address ?? '';
    expect(ticketIdsInMail(keys, [replyTo])).toEqual([ticket.id]);
    expect(ticketIdsInMail(keys, [created!.parsed.messageId ?? ''])).toEqual([ticket.id]);

    expect(
      (
        await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/assign`, {
          assigneeAccountId: s.agent.accountId,
        })
      ).statusCode,
    ).toBe(200);
    const answer = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'Please send the log file.',
    });
    expect(answer.statusCode, answer.body).toBe(201);
    await mail.flush(s.clock.now());
    const replied = catcher.to(customerEmail).at(-1);
    expect(replied?.parsed.text).toContain('There is a new answer on your ticket');

    const back = await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'Here it is.',
    });
    expect(back.statusCode, back.body).toBe(201);
    await mail.flush(s.clock.now());
    const toAgent = catcher.to(agentEmail);
    expect(toAgent).toHaveLength(1);
    expect(toAgent[0]?.parsed.subject).toContain('Customer replied');
    // Staff mail offers no reply-by-email address: agents answer in the console.
    expect(toAgent[0]?.parsed.replyTo).toBeUndefined();

    const resolved = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/status`, {
      status: 'resolved',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    await mail.flush(s.clock.now());
    expect(catcher.to(customerEmail).at(-1)?.parsed.subject).toContain('Resolved');

    const closed = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/close`, {
      reason: 'by-agent',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    await mail.flush(s.clock.now());
    expect(catcher.to(customerEmail).at(-1)?.parsed.subject).toContain('Closed');
    expect(catcher.to(customerEmail).at(-1)?.parsed.text).toContain('was closed');

    const rows = await mailRows(db);
    expect(rows.every((r) => r.status === 'sent' && r.transport === 'smtp')).toBe(true);
    mail.close();
  });
});
