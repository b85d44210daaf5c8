import { expect, it } from 'vitest';
import { makeApp, signIn, testConfig } from '../server/app-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, deskSetup, openTicket, runJobs } from './ticket-fixtures.ts';

const ACTIVE_2026 = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
const HOUR = 3_600_000;
// Friday 27 November 2026, 17:30 in Moscow (UTC+3): a working day with half an hour left.
const FRI_1730_MSK = new Date('2026-11-27T14:30:00Z');

const clockOf = (ticket: { sla: { metric: string }[] }, metric: string) =>
  ticket.sla.find((c) => c.metric === metric) as Record<string, unknown> | undefined;

describeDb('help desk tickets: SLA clocks', (getDb) => {
  it('R2.4 (S3): a 3.1 ticket registered Friday 17:30 gets an engineer by Monday 09:30 and a fix by Monday 17:30, pinned to the plan and calendar', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, FRI_1730_MSK);
    const ticket = await openTicket(s, { categoryId: '3.1' });
    expect(ticket).toMatchObject({ status: 'new', categoryId: '3.1', channel: 'portal', billable: false });
    expect(ticket.calendarHash).toMatch(/^sha256:/);
    expect(clockOf(ticket, 'assignment')).toMatchObject({
      state: 'running',
      clock: 'working',
      within: '1h',
      targetSeconds: 3600,
      dueAt: '2026-11-30T06:30:00.000Z',
    });
    expect(clockOf(ticket, 'resolution')).toMatchObject({
      within: '1wd',
      targetSeconds: 9 * 3600,
      dueAt: '2026-11-30T14:30:00.000Z',
    });
    expect(ticket.nextDueAt).toBe('2026-11-30T06:30:00.000Z');

    // The customer sees its own ticket and clock; another organisation gets 404 like a missing one.
    const own = await call(s.app, s.customer, 'GET', `/v1/tickets/${ticket.id}`);
    expect(own.statusCode).toBe(200);
    expect(clockOf(own.json(), 'assignment')?.consumedSeconds).toBe(0);
    expect((await call(s.app, s.stranger, 'GET', `/v1/tickets/${ticket.id}`)).statusCode).toBe(404);
    expect((await call(s.app, s.stranger, 'GET', `/v1/tickets/tkt_missing`)).statusCode).toBe(404);
  });

  it('R2.4 (S3): the dispatcher appoints an engineer and the assignment clock stops as met; resolution breaches exactly once at its instant', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, FRI_1730_MSK);
    const ticket = await openTicket(s, { categoryId: '3.1' });
    s.clock.advance(3 * 24 * HOUR - 8 * HOUR); // Monday 09:30 Moscow
    const assigned = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/assign`, {});
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assigneeAccountId).toBe(s.agent.accountId);
    expect(clockOf(assigned.json(), 'assignment')).toMatchObject({ state: 'met', consumedSeconds: 3600 });

    // 1 s after the resolution deadline (Monday 17:30 Moscow): the worker fires the breach once.
    const breachAt = new Date('2026-11-30T14:30:01Z');
    expect(await runJobs(db, new Date('2026-11-30T14:30:00Z'))).toBeGreaterThanOrEqual(0);
    expect(await db.selectFrom('sla_events').selectAll().execute()).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ kind: 'breach' })]),
    );
    await runJobs(db, breachAt);
    await runJobs(db, new Date(breachAt.getTime() + HOUR));
    const events = await db.selectFrom('sla_events').select(['metric', 'kind', 'at']).orderBy('at').execute();
    expect(events.filter((e) => e.kind === 'breach')).toEqual([
      { metric: 'resolution', kind: 'breach', at: breachAt },
    ]);
    const notices = await db
      .selectFrom('outbox')
      .select('topic')
      .where('topic', '=', 'sla.breached')
      .execute();
    expect(notices).toHaveLength(1);
    s.clock.advance(9 * HOUR);
    const after = (await call(s.app, s.agent, 'GET', `/v1/tickets/${ticket.id}`)).json();
    expect(after.slaState).toBe('breached');
    expect(clockOf(after, 'resolution')?.breachedAt).toBe(breachAt.toISOString());
  });

  it('R2.5 (S3): waiting on the customer pauses the clocks and the customer’s answer resumes them, keeping the time used', async () => {
    const { db } = getDb();
    const monday0900 = new Date('2026-11-30T06:00:00Z');
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, monday0900);
    const ticket = await openTicket(s, { categoryId: '1' }); // resolution within 2 working days = 18 h
    expect(clockOf(ticket, 'resolution')?.dueAt).toBe('2026-12-01T15:00:00.000Z');
    s.clock.advance(2 * HOUR); // 11:00: 2 working hours used
    const waiting = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/status`, {
      status: 'waiting-on-customer',
    });
    expect(waiting.statusCode, waiting.body).toBe(200);
    expect(clockOf(waiting.json(), 'resolution')).toMatchObject({
      state: 'paused',
      consumedSeconds: 7200,
      dueAt: null,
    });
    expect(waiting.json().nextDueAt).toBeNull();
    s.clock.advance(24 * HOUR); // Tuesday 11:00: a whole working day later
    const reply = await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'Here is the log.',
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json().ticket.status).toBe('open');
    const resumed = (await call(s.app, s.agent, 'GET', `/v1/tickets/${ticket.id}`)).json();
    // 16 h left from Tuesday 11:00 Moscow: Tuesday 7 h, Wednesday 9 h → Wednesday 18:00 Moscow.
    expect(clockOf(resumed, 'resolution')).toMatchObject({
      state: 'running',
      consumedSeconds: 7200,
      dueAt: '2026-12-02T15:00:00.000Z',
    });
  });

  it('R2.4 (S3): moving a ticket from category 1 to 3.2 re-targets resolution to 1 working day, keeping the 2 h used', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, new Date('2026-11-30T06:00:00Z'));
    const ticket = await openTicket(s, { categoryId: '1' });
    s.clock.advance(2 * HOUR);
    const moved = await call(s.app, s.agent, 'PATCH', `/v1/tickets/${ticket.id}`, { categoryId: '3.2' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(clockOf(moved.json(), 'resolution')).toMatchObject({
      within: '1wd',
      consumedSeconds: 7200,
      dueAt: '2026-11-30T15:00:00.000Z',
    });
    const bad = await call(s.app, s.agent, 'PATCH', `/v1/tickets/${ticket.id}`, { categoryId: '9.9' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('body.categoryId');
    expect(
      (await call(s.app, s.customer, 'PATCH', `/v1/tickets/${ticket.id}`, { categoryId: '3.2' })).statusCode,
    ).toBe(403);
  });

  it('R2.4 (S3) dispatch: with UPKEEP_AUTO_ASSIGN=round-robin new tickets go to the agent assigned longest ago; the assignment clock stops at once', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, new Date('2026-11-30T06:00:00Z'));
    const second = await signIn(db, 'agent', new Date('2027-01-01T00:00:00Z'));
    const app = await makeApp(db, s.clock, { config: { ...testConfig, autoAssign: 'round-robin' } });
    const assignees: string[] = [];
    for (const subject of ['Import stops', 'Report totals wrong', 'Module crashes']) {
      s.clock.advance(60_000);
      const res = await call(app, s.customer, 'POST', '/v1/tickets', {
        productId: s.productId,
        categoryId: '3.2',
        subject,
        description: `${subject} since this morning`,
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(clockOf(res.json(), 'assignment')?.state).toBe('met');
      assignees.push(res.json().assigneeAccountId);
    }
    expect(new Set(assignees.slice(0, 2))).toEqual(new Set([s.agent.accountId, second.accountId]));
    expect(assignees[2]).toBe(assignees[0]);
    await app.close();
  });
});
