import { expect, it } from 'vitest';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, type DeskSetup, deskSetup, openTicket } from './ticket-fixtures.ts';

const ACTIVE_2026 = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
// Monday 2 March 2026, 12:00 in Moscow (the S3 plan's zone, UTC+3).
const START = new Date('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;

/** A category 2.4 ticket (small functional change, S3) with an estimate the customer agreed to. */
async function agreedTicket(s: DeskSetup, minutes: number, subject: string) {
  const ticket = await openTicket(s, {
    categoryId: '2.4',
    subject,
    description: `Please add the field ${subject} to the export.`,
  });
  const proposed = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/estimate`, {
    minutes,
    note: `Add ${subject}`,
  });
  expect(proposed.statusCode, proposed.body).toBe(201);
  // No body at all: agrees to the current estimate.
  const agreed = await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/estimate/agree`);
  expect(agreed.statusCode, agreed.body).toBe(200);
  return ticket as { id: string };
}

const logTime = (s: DeskSetup, ticketId: string, body: Record<string, unknown>) =>
  call(s.app, s.agent, 'POST', `/v1/tickets/${ticketId}/time`, body);

describeDb('time tracking and budgets (R2.10, S3 business-sla)', (getDb) => {
  it('R2.10 (S3): time on a 2.4 change needs an estimate the customer agreed to, stays within it, and the customer sees what remains of the 10 h', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    const ticket = await openTicket(s, { categoryId: '2.4' });
    const url = `/v1/tickets/${ticket.id}`;

    const none = await logTime(s, ticket.id, { minutes: 60 });
    expect(none.statusCode, none.body).toBe(409);
    expect(none.json().error).toMatchObject({ code: 'ESTIMATE_NOT_AGREED' });
    expect(none.json().error.message).toContain('has no estimate');

    const proposed = await call(s.app, s.agent, 'POST', `${url}/estimate`, {
      minutes: 480,
      note: 'Two new report columns',
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    expect(proposed.json()).toMatchObject({ minutes: 480, state: 'proposed', agreedAt: null });
    const unagreed = await logTime(s, ticket.id, { minutes: 60 });
    expect(unagreed.statusCode).toBe(409);
    expect(unagreed.json().error.message).toContain('not agreed yet');

    const agreed = await call(s.app, s.customer, 'POST', `${url}/estimate/agree`, {});
    expect(agreed.statusCode, agreed.body).toBe(200);
    expect(agreed.json()).toMatchObject({ state: 'agreed', agreedBy: s.customer.accountId });

    const first = await logTime(s, ticket.id, { minutes: 300, note: 'Columns added' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().entry).toMatchObject({ minutes: 300, categoryId: '2.4', workDate: '2026-03-02' });
    expect(first.json().budgets).toMatchObject([{ category: '2.4', capMinutes: 600, remainingMinutes: 300 }]);
    // Beyond the agreed 480 minutes: refused, saying what the estimate leaves.
    const beyond = await logTime(s, ticket.id, { minutes: 200 });
    expect(beyond.statusCode).toBe(409);
    expect(beyond.json().error.code).toBe('ESTIMATE_NOT_AGREED');
    expect(beyond.json().error.message).toContain('beyond the agreed estimate');
    expect(beyond.json().error.message).toContain('300 logged, 180 left');
    expect((await logTime(s, ticket.id, { minutes: 180 })).statusCode).toBe(201);
    // Another category on the same ticket has no budget and needs no estimate.
    expect((await logTime(s, ticket.id, { minutes: 30, categoryId: '3.3' })).statusCode).toBe(201);

    const budgets = await call(s.app, s.customer, 'GET', `/v1/contracts/${s.contractId}/budgets`);
    expect(budgets.statusCode, budgets.body).toBe(200);
    expect(budgets.json()).toEqual({
      contractId: s.contractId,
      budgets: [
        {
          category: '2.4',
          period: 'month',
          periodStartsOn: '2026-03-01',
          periodEndsOn: '2026-04-01',
          capMinutes: 600,
          usedMinutes: 480,
          remainingMinutes: 120,
          requiresPriorEstimateAgreement: true,
        },
      ],
    });
    const time = (await call(s.app, s.customer, 'GET', `${url}/time`)).json();
    expect(time).toMatchObject({ totalMinutes: 510, estimate: { minutes: 480, state: 'agreed' } });
    expect(time.entries.map((e: { minutes: number }) => e.minutes)).toEqual([300, 180, 30]);

    const topics = await db
      .selectFrom('outbox')
      .select('topic')
      .where('topic', 'like', 'ticket.estimate-%')
      .execute();
    expect(topics.map((t) => t.topic).sort()).toEqual(['ticket.estimate-agreed', 'ticket.estimate-proposed']);
    const audits = await db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', ticket.id)
      .where('action', 'in', ['ticket.estimate-proposed', 'ticket.estimate-agreed', 'ticket.time-logged'])
      .execute();
    expect(audits).toHaveLength(5);
  });

  it('R2.10 (S3): the 10 h cap 2.4 work per contract and calendar month in Moscow: over it → 422 BUDGET_EXCEEDED naming what remains; April starts afresh', async () => {
    const { db } = getDb();
    // Tuesday 31 March 2026, 23:30 in Moscow: half an hour of March left.
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, new Date('2026-03-31T20:30:00Z'));
    const a = await agreedTicket(s, 600, 'cost centre');
    const b = await agreedTicket(s, 600, 'due date');
    expect((await logTime(s, a.id, { minutes: 400, workDate: '2026-03-10' })).statusCode).toBe(201);

    const over = await logTime(s, b.id, { minutes: 250 });
    expect(over.statusCode, over.body).toBe(422);
    expect(over.json().error).toMatchObject({
      code: 'BUDGET_EXCEEDED',
      details: {
        category: '2.4',
        periodStartsOn: '2026-03-01',
        remainingMinutes: 200,
        requestedMinutes: 250,
      },
    });
    expect(over.json().error.message).toContain('200 min left');
    const fits = await logTime(s, b.id, { minutes: 200 });
    expect(fits.statusCode, fits.body).toBe(201);
    expect(fits.json().budgets[0]).toMatchObject({ usedMinutes: 600, remainingMinutes: 0 });

    // 00:30 on 1 April in Moscow (still 31 March in UTC): today's work counts in April.
    s.clock.advance(HOUR);
    const april = await logTime(s, b.id, { minutes: 100 });
    expect(april.statusCode, april.body).toBe(201);
    expect(april.json().entry.workDate).toBe('2026-04-01');
    expect(april.json().budgets[0]).toMatchObject({
      periodStartsOn: '2026-04-01',
      periodEndsOn: '2026-05-01',
      usedMinutes: 100,
      remainingMinutes: 500,
    });
    // A past month's budget is still checked against that month.
    expect((await logTime(s, a.id, { minutes: 1, workDate: '2026-03-31' })).statusCode).toBe(422);
  });

  it('R2.10 (S3): two entries at once cannot both pass the cap (the contract row is locked while checking)', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    const a = await agreedTicket(s, 600, 'cost centre');
    const b = await agreedTicket(s, 600, 'due date');
    const results = await Promise.all([
      logTime(s, a.id, { minutes: 400 }),
      logTime(s, b.id, { minutes: 400 }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 422]);
    const sum = await db
      .selectFrom('time_entries')
      .select((eb) => eb.fn.sum<string>('minutes').as('minutes'))
      .executeTakeFirstOrThrow();
    expect(Number(sum.minutes)).toBe(400);
  });

  it('R2.10 (S3): a new proposal replaces the agreed estimate; time waits for the new agreement; agreeing to a replaced one → 409', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    const ticket = await agreedTicket(s, 60, 'cost centre');
    const url = `/v1/tickets/${ticket.id}`;
    const first = (await call(s.app, s.customer, 'GET', `${url}/time`)).json().estimate;
    expect((await logTime(s, ticket.id, { minutes: 60 })).statusCode).toBe(201);
    expect((await logTime(s, ticket.id, { minutes: 30 })).statusCode).toBe(409);

    const second = await call(s.app, s.agent, 'POST', `${url}/estimate`, {
      minutes: 120,
      note: 'Also the PDF export',
    });
    expect(second.statusCode).toBe(201);
    const pending = (await call(s.app, s.customer, 'GET', `${url}/time`)).json().estimate;
    expect(pending).toMatchObject({ id: second.json().id, state: 'proposed' });
    expect((await logTime(s, ticket.id, { minutes: 30 })).json().error.message).toContain('not agreed yet');

    const stale = await call(s.app, s.customer, 'POST', `${url}/estimate/agree`, { estimateId: first.id });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'TICKET_STATE_CONFLICT',
      details: { currentEstimateId: second.json().id },
    });
    const agreed = await call(s.app, s.customer, 'POST', `${url}/estimate/agree`, {
      estimateId: second.json().id,
    });
    expect(agreed.json()).toMatchObject({ state: 'agreed', minutes: 120 });
    expect((await logTime(s, ticket.id, { minutes: 60 })).statusCode).toBe(201);
  });

  it('R2.10 (S3): bad input names the field: minutes out of 1..1440, an unknown category, a work day after today', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    const ticket = await agreedTicket(s, 600, 'cost centre');
    const cases: [Record<string, unknown>, string][] = [
      [{ minutes: 0 }, 'body.minutes'],
      [{ minutes: 1441 }, 'body.minutes'],
      [{ minutes: 10, categoryId: 'onboarding' }, 'body.categoryId'],
      [{ minutes: 10, workDate: '2026-03-03' }, 'body.workDate'],
      [{ minutes: 10, workDate: '2026-02-30' }, 'body.workDate'],
    ];
    for (const [body, path] of cases) {
      const res = await logTime(s, ticket.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.message, JSON.stringify(body)).toContain(path);
    }
    const estimate = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/estimate`, { minutes: 60 });
    expect(estimate.statusCode).toBe(400);
    expect(estimate.json().error.message).toContain('body.note');
    expect(await db.selectFrom('time_entries').select('id').execute()).toEqual([]);
    expect((await logTime(s, 'tkt_missing', { minutes: 10 })).statusCode).toBe(404);
  });

  it('R2.10 (S3) security: customers may not log time or propose (403); staff may not agree for them (403); another organisation gets 404', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    const ticket = await openTicket(s, { categoryId: '2.4' });
    const url = `/v1/tickets/${ticket.id}`;
    expect((await call(s.app, s.customer, 'POST', `${url}/time`, { minutes: 10 })).statusCode).toBe(403);
    expect(
      (await call(s.app, s.customer, 'POST', `${url}/estimate`, { minutes: 10, note: 'x' })).statusCode,
    ).toBe(403);
    expect(
      (await call(s.app, s.agent, 'POST', `${url}/estimate`, { minutes: 60, note: 'One column' })).statusCode,
    ).toBe(201);
    const byStaff = await call(s.app, s.agent, 'POST', `${url}/estimate/agree`, {});
    expect(byStaff.statusCode).toBe(403);
    expect(byStaff.json().error.code).toBe('FORBIDDEN');
    expect((await call(s.app, s.stranger, 'POST', `${url}/estimate/agree`, {})).statusCode).toBe(404);
    expect((await call(s.app, s.stranger, 'GET', `${url}/time`)).statusCode).toBe(404);
    expect((await call(s.app, s.stranger, 'GET', `/v1/contracts/${s.contractId}/budgets`)).statusCode).toBe(
      404,
    );
    const estimate = await db.selectFrom('ticket_estimates').select('agreed_at').executeTakeFirstOrThrow();
    expect(estimate.agreed_at).toBeNull();
  });

  it('R4.7 (S4): an onboarding ticket is accepted under per-user-subscription and refused 400 under business-sla, which has no such category', async () => {
    const { db } = getDb();
    const s4 = await deskSetup(db, PRESET.S4, ACTIVE_2026, START);
    const accepted = await openTicket(s4, {
      categoryId: 'onboarding',
      subject: 'Train two new users',
      description: 'Two new colleagues need an introduction to the softphone app.',
    });
    expect(accepted).toMatchObject({ categoryId: 'onboarding', status: 'new', billable: false });

    const s3 = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    const refused = await call(s3.app, s3.customer, 'POST', '/v1/tickets', {
      productId: s3.productId,
      categoryId: 'onboarding',
      subject: 'Train two new users',
      description: 'Two new colleagues need an introduction.',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('body.categoryId');
    // Another organisation's customer does not see the accepted ticket.
    expect((await call(s4.app, s4.stranger, 'GET', `/v1/tickets/${accepted.id}`)).statusCode).toBe(404);
  });
});
