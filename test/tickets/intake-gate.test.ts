import { expect, it } from 'vitest';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, deskSetup, openTicket } from './ticket-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');

describeDb('help desk: the intake gate over the API', (getDb) => {
  it('R1.1 (S0): a lapsed contract refuses the ticket 422 TICKET_REFUSED, plainly, and keeps the refusal with its reason and text', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S0, [{ startsOn: '2025-01-01', endsOn: '2026-01-01' }], START);
    const res = await call(s.app, s.customer, 'POST', '/v1/tickets', {
      productId: s.productId,
      categoryId: 'support',
      subject: 'Cannot start',
      description: 'The service does not start any more.',
    });
    expect(res.statusCode, res.body).toBe(422);
    const error = res.json().error;
    expect(error.code).toBe('TICKET_REFUSED');
    expect(error.details.reason).toBe('CONTRACT_LAPSED');
    expect(error.message).toContain('2026-01-01');
    const refusals = await db.selectFrom('intake_refusals').selectAll().execute();
    expect(refusals).toMatchObject([
      {
        id: error.details.refusalId,
        reason: 'CONTRACT_LAPSED',
        subject: 'Cannot start',
        body: 'The service does not start any more.',
      },
    ]);
    expect(await db.selectFrom('tickets').select('id').execute()).toEqual([]);
    const notice = await db
      .selectFrom('outbox')
      .select('topic')
      .where('topic', '=', 'ticket.refused')
      .execute();
    expect(notice).toHaveLength(1);
  });

  it('R1.7 (S4): without an active subscription the ticket is accepted as billable at the plan’s hourly rate', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, [{ startsOn: '2025-01-01', endsOn: '2026-01-01' }], START);
    const ticket = await openTicket(s, { categoryId: 'question-or-change' });
    expect(ticket).toMatchObject({ billable: true, hourlyRate: { amountMinor: 15000, currency: 'USD' } });
  });

  it('R2.1 (S4): agents log phone incidents; the 6th in a contract year is refused PHONE_INCIDENTS_EXHAUSTED; customers cannot open phone tickets', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }], START);
    const asAgent = { organisationId: s.orgId, channel: 'phone', categoryId: 'question-or-change' };
    for (let i = 0; i < 5; i++) {
      const t = await openTicket(
        s,
        {
          ...asAgent,
          subject: `Call ${i}`,
          description: `Phone call number ${i} about extension ${100 + i}`,
        },
        s.agent,
      );
      expect(t.channel).toBe('phone');
    }
    const sixth = await call(s.app, s.agent, 'POST', '/v1/tickets', {
      ...asAgent,
      productId: s.productId,
      subject: 'Call 6',
      description: 'Another call',
    });
    expect(sixth.statusCode).toBe(422);
    expect(sixth.json().error.details.reason).toBe('PHONE_INCIDENTS_EXHAUSTED');
    const byCustomer = await call(s.app, s.customer, 'POST', '/v1/tickets', {
      productId: s.productId,
      categoryId: 'question-or-change',
      channel: 'phone',
      subject: 'x',
      description: 'y',
    });
    expect(byCustomer.json().error.details.reason).toBe('CHANNEL_NOT_ALLOWED');
  });

  it('R2.6 (S4): a total outage goes to the top of the queue at top priority; the rest follow by due instant', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }], START);
    const normal = await openTicket(s, {
      categoryId: 'question-or-change',
      subject: 'Voicemail greeting',
      description: 'How do I change the greeting?',
    });
    s.clock.advance(60_000);
    const outage = await openTicket(s, {
      categoryId: 'total-outage',
      subject: 'Nothing rings',
      description: 'All phones are dead since this morning.',
    });
    expect(outage).toMatchObject({ priority: 'urgent', topPriority: true });
    const queue = await call(s.app, s.agent, 'GET', '/v1/tickets/queue');
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.map((t: { id: string }) => t.id)).toEqual([outage.id, normal.id]);
    expect((await call(s.app, s.customer, 'GET', '/v1/tickets/queue')).statusCode).toBe(403);
  });

  it('bad input: an unknown category names the field and the valid ids; staff must name the organisation', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }], START);
    const bad = await call(s.app, s.customer, 'POST', '/v1/tickets', {
      productId: s.productId,
      categoryId: '7',
      subject: 'x',
      description: 'y',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({ path: 'body.categoryId' });
    expect(bad.json().error.details[0].message).toContain('3.1');
    const staff = await call(s.app, s.agent, 'POST', '/v1/tickets', {
      productId: s.productId,
      categoryId: '1',
      subject: 'x',
      description: 'y',
    });
    expect(staff.statusCode).toBe(400);
    expect(staff.json().error.details[0].path).toBe('body.organisationId');
    const other = await call(s.app, s.stranger, 'POST', '/v1/tickets', {
      productId: s.productId,
      categoryId: '1',
      subject: 'x',
      description: 'y',
      organisationId: s.orgId,
    });
    expect(other.statusCode).toBe(404);
  });
});
