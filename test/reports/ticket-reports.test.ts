import { expect, it } from 'vitest';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, type DeskSetup, deskSetup, openTicket } from '../tickets/ticket-fixtures.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const S0_TERMS = [{ startsOn: '2025-12-01', endsOn: '2027-01-01' }];

/** Moves the desk's clock to an instant (never backwards). */
function moveTo(s: DeskSetup, iso: string): void {
  const delta = new Date(iso).getTime() - s.clock.now().getTime();
  if (delta < 0) throw new Error(`the clock cannot go back to ${iso}`);
  s.clock.advance(delta);
}

async function answer(s: DeskSetup, ticketId: string): Promise<void> {
  const res = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticketId}/messages`, {
    body: 'Thanks, we are looking into it.',
  });
  expect(res.statusCode, res.body).toBe(201);
}

describeDb('reports: SLA compliance', (getDb) => {
  it('counts stopped clocks met vs breached per month, category and metric, in UTC or a time zone', async () => {
    const s = await deskSetup(getDb().db, PRESET.S0, S0_TERMS, new Date('2026-02-20T09:00:00Z'));
    // S0: first response within 24 calendar hours (R2.4).
    const a = await openTicket(s, { categoryId: 'support', subject: 'Licence screen blank' });
    moveTo(s, '2026-02-20T10:00:00Z');
    await answer(s, a.id); // met, 1 h
    moveTo(s, '2026-02-27T09:00:00Z');
    const b = await openTicket(s, { categoryId: 'support', subject: 'Report totals wrong' });
    moveTo(s, '2026-02-28T23:30:00Z');
    await answer(s, b.id); // breached, 38.5 h; February in UTC, March in Berlin (00:30 CET)
    moveTo(s, '2026-03-02T09:00:00Z');
    const c = await openTicket(s, { categoryId: 'support', subject: 'Scheduler skips Mondays' });
    moveTo(s, '2026-03-02T11:00:00Z');
    await answer(s, c.id); // met, 2 h
    await openTicket(s, { categoryId: 'support', subject: 'Unanswered question' }); // running: not counted

    const utc = await call(s.app, s.agent, 'GET', '/v1/reports/sla-compliance?months=2');
    expect(utc.statusCode, utc.body).toBe(200);
    expect(utc.json()).toEqual({
      timeZone: 'UTC',
      months: ['2026-02', '2026-03'],
      rows: [
        { month: '2026-02', categoryId: 'support', metric: 'firstResponse', met: 1, breached: 1 },
        { month: '2026-03', categoryId: 'support', metric: 'firstResponse', met: 1, breached: 0 },
      ],
    });
    const berlin = await call(
      s.app,
      s.agent,
      'GET',
      '/v1/reports/sla-compliance?months=2&timeZone=Europe/Berlin&metric=firstResponse',
    );
    expect(berlin.json().rows).toEqual([
      { month: '2026-02', categoryId: 'support', metric: 'firstResponse', met: 1, breached: 0 },
      { month: '2026-03', categoryId: 'support', metric: 'firstResponse', met: 1, breached: 1 },
    ]);
    const lastMonth = await call(s.app, s.agent, 'GET', '/v1/reports/sla-compliance?months=1');
    expect(lastMonth.json()).toMatchObject({ months: ['2026-03'], rows: [{ met: 1, breached: 0 }] });
    const resolution = await call(s.app, s.agent, 'GET', '/v1/reports/sla-compliance?metric=resolution');
    expect(resolution.json().rows).toEqual([]);
    expect(resolution.json().months).toHaveLength(12);
    expect(resolution.json().months.at(0)).toBe('2025-04');
  });

  it('refuses customers (403) and bad input (400 naming the field)', async () => {
    const s = await deskSetup(getDb().db, PRESET.S0, S0_TERMS);
    for (const url of [
      '/v1/reports/sla-compliance',
      '/v1/reports/backlog',
      '/v1/reports/renewals-due',
      '/v1/reports/revenue',
      '/v1/reports/lapsed',
    ]) {
      const res = await call(s.app, s.customer, 'GET', url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      const anonymous = await s.app.inject({ method: 'GET', url });
      expect(anonymous.statusCode, url).toBe(401);
    }
    const cases: [string, string][] = [
      ['/v1/reports/sla-compliance?timeZone=Mars/Olympus', 'timeZone'],
      ['/v1/reports/sla-compliance?timeZone=%2B01:00', 'timeZone'],
      ['/v1/reports/sla-compliance?months=0', 'months'],
      ['/v1/reports/sla-compliance?months=37', 'months'],
      ['/v1/reports/sla-compliance?metric=speed', 'metric'],
      ['/v1/reports/revenue?months=twelve', 'months'],
      ['/v1/reports/revenue?timeZone=Europe/Atlantis', 'timeZone'],
      ['/v1/reports/renewals-due?days=0', 'days'],
      ['/v1/reports/renewals-due?days=1.5', 'days'],
      ['/v1/reports/lapsed?days=367', 'days'],
      ['/v1/reports/lapsed?timeZone=', 'timeZone'],
    ];
    for (const [url, field] of cases) {
      const res = await call(s.app, s.agent, 'GET', url);
      expect(res.statusCode, url).toBe(400);
      const body = res.json();
      expect(body.error.code, url).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(body.error.details), url).toContain(field);
    }
  });
});

describeDb('reports: backlog', (getDb) => {
  it('buckets open tickets by age and priority; resolved tickets are not backlog', async () => {
    const s = await deskSetup(getDb().db, PRESET.S0, S0_TERMS, new Date('2026-01-01T00:00:00Z'));
    const open = (subject: string, priority: string) =>
      openTicket(s, { categoryId: 'support', subject, priority });
    await open('Oldest problem', 'low'); // 40 d
    s.clock.advance(30 * DAY);
    await open('Ten days old', 'high'); // 10 d
    s.clock.advance(5 * DAY);
    await open('Five days old', 'normal'); // 5 d
    s.clock.advance(3 * DAY);
    await open('Two days old', 'urgent'); // 2 d
    s.clock.advance(DAY);
    await open('Exactly one day old', 'normal'); // 1 d: the 1–3 d bucket
    s.clock.advance(23 * HOUR);
    await open('One hour old', 'normal');
    const done = await open('Already solved', 'high');
    const resolved = await call(s.app, s.agent, 'POST', `/v1/tickets/${done.id}/status`, {
      status: 'resolved',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    s.clock.advance(HOUR);

    const res = await call(s.app, s.agent, 'GET', '/v1/reports/backlog');
    expect(res.statusCode, res.body).toBe(200);
    const zero = { low: 0, normal: 0, high: 0, urgent: 0 };
    expect(res.json()).toEqual({
      asOf: '2026-02-10T00:00:00.000Z',
      total: 6,
      buckets: [
        { bucket: '<1d', total: 1, byPriority: { ...zero, normal: 1 } },
        { bucket: '1-3d', total: 2, byPriority: { ...zero, normal: 1, urgent: 1 } },
        { bucket: '3-7d', total: 1, byPriority: { ...zero, normal: 1 } },
        { bucket: '7-30d', total: 1, byPriority: { ...zero, high: 1 } },
        { bucket: '>30d', total: 1, byPriority: { ...zero, low: 1 } },
      ],
    });
  });
});
