import { expect, it } from 'vitest';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, deskSetup, openTicket, runJobs } from './ticket-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');
const S1_TERMS = [{ startsOn: '2026-01-01', endsOn: '2026-07-01' }];
const DAY = 86_400_000;

describeDb('help desk automations (S1 ticket desk)', (getDb) => {
  it('R2.7 (S1): a ticket closes at the exact instant 8 days after the last public message; internal notes do not count', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const ticket = await openTicket(s, { categoryId: 'question' });
    s.clock.advance(3 * DAY);
    const reply = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'Which PHP version do you run?',
    });
    expect(reply.statusCode, reply.body).toBe(201);
    const lastPublic = new Date(START.getTime() + 3 * DAY);
    s.clock.advance(2 * DAY);
    const note = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'Customer is slow',
      visibility: 'internal',
    });
    expect(note.statusCode).toBe(201);
    const closesAt = new Date(lastPublic.getTime() + 8 * DAY);
    await runJobs(db, new Date(closesAt.getTime() - 1000));
    expect((await call(s.app, s.agent, 'GET', `/v1/tickets/${ticket.id}`)).json().status).toBe('open');
    await runJobs(db, closesAt);
    const closed = (await call(s.app, s.agent, 'GET', `/v1/tickets/${ticket.id}`)).json();
    expect(closed).toMatchObject({
      status: 'closed',
      closeReason: 'inactivity',
      closedAt: closesAt.toISOString(),
    });
    // The customer never sees the internal note.
    const messages = (await call(s.app, s.customer, 'GET', `/v1/tickets/${ticket.id}/messages`)).json();
    expect(messages.items.map((m: { visibility: string }) => m.visibility)).toEqual(['public', 'public']);
    const staffView = (await call(s.app, s.agent, 'GET', `/v1/tickets/${ticket.id}/messages`)).json();
    expect(staffView.items).toHaveLength(3);
  });

  it('R2.8 (S1): a second ticket for the same issue closes the older one into it; a reply to the older lands on the survivor', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const text = {
      subject: 'Gallery upload fails',
      description: 'Uploading images to the gallery fails with a timeout after 30 seconds.',
    };
    const older = await openTicket(s, { categoryId: 'question', ...text });
    s.clock.advance(60 * 60_000);
    const newer = await openTicket(s, {
      categoryId: 'question',
      subject: 'Gallery upload fails',
      description: 'Uploading images to the gallery fails with a timeout after 30 seconds!',
    });
    const old = (await call(s.app, s.customer, 'GET', `/v1/tickets/${older.id}`)).json();
    expect(old).toMatchObject({ status: 'merged', mergedIntoId: newer.id, closeReason: 'duplicate' });
    expect(old.links).toEqual([
      expect.objectContaining({ ticketId: newer.id, kind: 'duplicate-of', direction: 'outgoing' }),
    ]);
    const reply = await call(s.app, s.customer, 'POST', `/v1/tickets/${older.id}/messages`, {
      body: 'Any news?',
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({ routed: 'to-survivor', ticket: { id: newer.id } });
    const thread = (await call(s.app, s.customer, 'GET', `/v1/tickets/${newer.id}/messages`)).json();
    expect(thread.items.map((m: { ticketId: string }) => m.ticketId)).toEqual([older.id, newer.id, newer.id]);
    // An unrelated question is not a duplicate.
    s.clock.advance(60 * 60_000);
    await openTicket(s, {
      categoryId: 'question',
      subject: 'Invoice address',
      description: 'How do I change the billing address?',
    });
    expect((await call(s.app, s.customer, 'GET', `/v1/tickets/${newer.id}`)).json().status).toBe('new');
  });

  it('R2.9 (S1): a resolved ticket closes; the customer’s reply opens a new ticket linked to it', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const ticket = await openTicket(s, { categoryId: 'question' });
    const resolved = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/status`, {
      status: 'resolved',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'closed', closeReason: 'resolved' });
    s.clock.advance(DAY);
    const reply = await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'One more question about the export',
    });
    expect(reply.statusCode, reply.body).toBe(201);
    const followUp = reply.json().ticket;
    expect(reply.json().routed).toBe('new-follow-up');
    expect(followUp).toMatchObject({
      followUpOfId: ticket.id,
      status: 'new',
      subject: `Follow-up: ${ticket.subject}`,
    });
    const agentOnClosed = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'late answer',
    });
    expect(agentOnClosed.statusCode).toBe(409);
  });

  it('R1.5 (S1): a fourth post by the customer within 10 minutes is refused 429 with Retry-After and flagged', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const ticket = await openTicket(s, { categoryId: 'question' }); // post 1 (the description)
    for (const body of ['hello?', 'anyone?']) {
      s.clock.advance(60_000);
      expect(
        (await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, { body })).statusCode,
      ).toBe(201);
    }
    s.clock.advance(60_000);
    const flood = await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'HELLO???',
    });
    expect(flood.statusCode).toBe(429);
    expect(Number(flood.headers['retry-after'])).toBe(7 * 60);
    const flags = await db.selectFrom('ticket_flags').select(['kind', 'ticket_id']).execute();
    expect(flags).toEqual([{ kind: 'flooding', ticket_id: ticket.id }]);
  });

  it('R1.3 (S1): abusive language in a customer message is flagged for an agent, not revoked automatically', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const ticket = await openTicket(s, { categoryId: 'question' });
    s.clock.advance(60_000);
    await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'You are a bunch of idiots.',
    });
    const flags = await db.selectFrom('ticket_flags').select(['kind', 'status']).execute();
    expect(flags).toEqual([{ kind: 'abuse', status: 'open' }]);
    expect(await db.selectFrom('organisation_restrictions').select('id').execute()).toEqual([]);
  });

  it('links: an agent links two tickets of one customer as related; another customer’s ticket is refused', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const a = await openTicket(s, {
      categoryId: 'question',
      subject: 'Gallery thumbnails',
      description: 'Thumbnails are blurry.',
    });
    s.clock.advance(60 * 60_000);
    const b = await openTicket(s, {
      categoryId: 'question',
      subject: 'Invoice address',
      description: 'How do I change the billing address?',
    });
    const linked = await call(s.app, s.agent, 'POST', `/v1/tickets/${a.id}/links`, { ticketId: b.id });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().links).toEqual([
      expect.objectContaining({ ticketId: b.id, kind: 'related', direction: 'outgoing' }),
    ]);
    const seenFromB = (await call(s.app, s.customer, 'GET', `/v1/tickets/${b.id}`)).json();
    expect(seenFromB.links).toEqual([
      expect.objectContaining({ ticketId: a.id, kind: 'related', direction: 'incoming' }),
    ]);
    expect(
      (await call(s.app, s.agent, 'POST', `/v1/tickets/${a.id}/links`, { ticketId: a.id })).statusCode,
    ).toBe(400);
    expect(
      (await call(s.app, s.customer, 'POST', `/v1/tickets/${a.id}/links`, { ticketId: b.id })).statusCode,
    ).toBe(403);
  });
});
