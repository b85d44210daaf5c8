import { expect, it } from 'vitest';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, deskSetup, openTicket } from './ticket-fixtures.ts';

const ids = (res: { json: () => { items: { id: string }[] } }) => res.json().items.map((t) => t.id);

describeDb('ticket search and filters', (getDb) => {
  it('full-text over subjects and messages; customers search only their public text, staff internal notes too; cursor pages', async () => {
    const { db } = getDb();
    const s = await deskSetup(
      db,
      PRESET.S3,
      [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }],
      new Date('2026-11-30T06:00:00Z'),
    );
    const exportTicket = await openTicket(s, {
      categoryId: '3.3',
      subject: 'Invoices export',
      description: 'Exporting invoices to CSV truncates the amounts.',
    });
    const printTicket = await openTicket(s, {
      categoryId: '1',
      subject: 'Printer settings',
      description: 'Where are the printing margins configured?',
    });
    await call(s.app, s.agent, 'POST', `/v1/tickets/${printTicket.id}/messages`, {
      body: 'Known quirk of the spooler',
      visibility: 'internal',
    });
    await call(s.app, s.customer, 'POST', `/v1/tickets/${exportTicket.id}/messages`, {
      body: 'Also the totals are rounded wrongly',
    });

    expect(ids(await call(s.app, s.customer, 'GET', '/v1/tickets?q=exporting'))).toEqual([exportTicket.id]);
    expect(ids(await call(s.app, s.customer, 'GET', '/v1/tickets?q=rounded%20totals'))).toEqual([
      exportTicket.id,
    ]);
    expect(ids(await call(s.app, s.customer, 'GET', '/v1/tickets?q=spooler'))).toEqual([]);
    expect(ids(await call(s.app, s.agent, 'GET', '/v1/tickets?q=spooler'))).toEqual([printTicket.id]);
    // Another organisation finds nothing of Acme's; odd query text is not an error.
    expect(ids(await call(s.app, s.stranger, 'GET', '/v1/tickets?q=invoices'))).toEqual([]);
    expect(
      (await call(s.app, s.customer, 'GET', `/v1/tickets?q=${encodeURIComponent('"\'():&!|')}`)).statusCode,
    ).toBe(200);
    // Filters and pages.
    expect(
      ids(await call(s.app, s.agent, 'GET', `/v1/tickets?organisationId=${s.orgId}&status=open`)),
    ).toEqual([]);
    const first = await call(s.app, s.agent, 'GET', `/v1/tickets?organisationId=${s.orgId}&limit=1`);
    expect(ids(first)).toEqual([printTicket.id]);
    const next = await call(
      s.app,
      s.agent,
      'GET',
      `/v1/tickets?organisationId=${s.orgId}&limit=1&cursor=${first.json().nextCursor}`,
    );
    expect(ids(next)).toEqual([exportTicket.id]);
    expect(next.json().nextCursor).toBeNull();
    const queue = await call(s.app, s.agent, 'GET', '/v1/tickets/queue?limit=1');
    const queue2 = await call(
      s.app,
      s.agent,
      'GET',
      `/v1/tickets/queue?limit=1&cursor=${queue.json().nextCursor}`,
    );
    expect([...ids(queue), ...ids(queue2)]).toEqual([exportTicket.id, printTicket.id]); // both due at the 1 h assignment; a tie goes to the older
    expect((await call(s.app, s.agent, 'GET', '/v1/tickets/queue?cursor=garbage')).statusCode).toBe(400);
  });
});
