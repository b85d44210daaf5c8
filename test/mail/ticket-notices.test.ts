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

  it('S1: portal-only wording, the warning a day before the inactivity close, then the close (R2.7)', async () => {
    const { db } = getDb();
    const start = new Date('2026-03-02T09:00:00Z');
    const s = await deskSetup(db, PRESET.S1, [{ startsOn: '2026-01-01', endsOn: '2026-07-01' }], start);
    const mail = mailPipeline(db, catcher);
    const customerEmail = await emailOf(s.customer.accountId);
    const ticket = await openTicket(s, { categoryId: 'question' });
    await mail.flush(s.clock.now());
    const [created] = catcher.to(customerEmail);
    // R2.1 (S1): mail opens no ticket, so the notice offers no reply address and says so.
    expect(created?.parsed.replyTo).toBeUndefined();
    expect(created?.parsed.text).toContain('Please answer on the support portal');

    const DAY = 86_400_000;
    await runJobs(db, new Date(start.getTime() + 7 * DAY - 1000));
    await mail.flush(new Date(start.getTime() + 7 * DAY - 1000));
    expect(catcher.to(customerEmail)).toHaveLength(1);
    await runJobs(db, new Date(start.getTime() + 7 * DAY));
    await mail.flush(new Date(start.getTime() + 7 * DAY));
    const warning = catcher.to(customerEmail).at(-1);
    expect(warning?.parsed.subject).toBe(`[${ticket.number}] Closes soon: The export fails`);
    expect(warning?.parsed.text).toContain('closes automatically at 2026-03-10 09:00');
    await runJobs(db, new Date(start.getTime() + 8 * DAY));
    await mail.flush(new Date(start.getTime() + 8 * DAY));
    const closed = catcher.to(customerEmail).at(-1);
    expect(closed?.parsed.subject).toContain('Closed');
    expect(closed?.parsed.text).toContain('no activity for 8 days');
    // One warning per quiet spell, however often the jobs run.
    await runJobs(db, new Date(start.getTime() + 9 * DAY));
    await mail.flush(new Date(start.getTime() + 9 * DAY));
    expect(catcher.to(customerEmail).map((m) => m.parsed.subject?.split(':')[0])).toEqual([
      `[${ticket.number}] The export fails`,
      `[${ticket.number}] Closes soon`,
      `[${ticket.number}] Closed`,
    ]);
  });

  it('S1: a refusal by the intake gate is mailed with its reason; a conduct flag goes to the staff', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, [{ startsOn: '2026-01-01', endsOn: '2026-07-01' }]);
    const mail = mailPipeline(db, catcher);
    const customerEmail = await emailOf(s.customer.accountId);
    const agentEmail = await emailOf(s.agent.accountId);
    const ticket = await openTicket(s, { categoryId: 'question' });
    s.clock.advance(60_000);
    const abusive = await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'You are a bunch of idiots.',
    });
    expect(abusive.statusCode).toBe(201);
    await mail.flush(s.clock.now());
    const flagged = catcher.to(agentEmail);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]?.parsed.subject).toBe('Conduct flag (abuse) to confirm');
    expect(flagged[0]?.parsed.text).toContain('Nothing is revoked until an agent confirms it');

    await db
      .updateTable('accounts')
      .set({ product_updates_subscribed: false })
      .where('id', '=', s.customer.accountId)
      .execute();
    s.clock.advance(3_600_000);
    const refused = await call(s.app, s.customer, 'POST', '/v1/tickets', {
      productId: s.productId,
      categoryId: 'question',
      subject: 'Another question',
      description: 'Something else entirely about the scheduler.',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('TICKET_REFUSED');
    await mail.flush(s.clock.now());
    const notice = catcher.to(customerEmail).at(-1);
    expect(notice?.parsed.subject).toBe('Your ticket could not be opened');
    expect(notice?.parsed.text).toContain(refused.json().error.message);
  });

  it('S3: SLA warning and breach go to the assigned agent', async () => {
    const { db } = getDb();
    const friday = new Date('2026-11-27T14:30:00Z');
    const s = await deskSetup(
      db,
      PRESET.S3,
      COVERED.map(() => ({ startsOn: '2026-01-01', endsOn: '2027-01-01' })),
      friday,
    );
    const mail = mailPipeline(db, catcher);
    const agentEmail = await emailOf(s.agent.accountId);
    const ticket = await openTicket(s, { categoryId: '3.1' });
    s.clock.advance(3 * 24 * 3_600_000 - 8 * 3_600_000);
    expect((await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/assign`, {})).statusCode).toBe(200);
    for (const at of ['2026-11-30T12:00:00Z', '2026-11-30T14:00:00Z', '2026-11-30T14:30:01Z']) {
      await runJobs(db, new Date(at));
      await mail.flush(new Date(at));
    }
    const subjects = catcher.to(agentEmail).map((m) => m.parsed.subject);
    expect(subjects).toContain(`[${ticket.number}] SLA breached (resolution): The export fails`);
    expect(subjects.some((x) => x?.startsWith(`[${ticket.number}] SLA warning (resolution)`))).toBe(true);
    const breach = catcher.to(agentEmail).find((m) => m.parsed.subject?.includes('breached'));
    expect(breach?.parsed.text).toContain('was breached at 2026-11-30 17:30 (Europe/Moscow)');
  });
});
