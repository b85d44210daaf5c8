import { expect, it } from 'vitest';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { createContractWithTerms } from '../systems/systems-fixtures.ts';
import { call, type DeskSetup, deskSetup, openTicket } from './ticket-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');
const ACTIVE_2026 = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
const S1_TERMS = [{ startsOn: '2026-01-01', endsOn: '2026-07-01' }];

const store = (s: DeskSetup, body: Record<string, unknown>, contractId = s.contractId) =>
  call(s.app, s.agent, 'POST', `/v1/contracts/${contractId}/modifications`, body);

describeDb('completed modifications (R2.11) and out-of-scope closing (R1.6)', (getDb) => {
  it('R2.11 (S3): a defect fixed for the customer is stored with its contract, and the customer reads them a page at a time', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    const ticket = await openTicket(s, { categoryId: '3.3' });
    const first = await store(s, {
      ticketId: ticket.id,
      title: 'PDF export with umlauts',
      description: 'Patched the font mapping of the export module; kept in branch acme-42.',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      contractId: s.contractId,
      ticketId: ticket.id,
      title: 'PDF export with umlauts',
      createdBy: s.agent.accountId,
    });
    for (const title of ['Custom invoice footer', 'Extra CSV column']) {
      expect((await store(s, { title, description: `${title}, delivered as a plug-in.` })).statusCode).toBe(
        201,
      );
    }

    const page1 = await call(s.app, s.customer, 'GET', `/v1/contracts/${s.contractId}/modifications?limit=2`);
    expect(page1.statusCode, page1.body).toBe(200);
    expect(page1.json().items.map((m: { title: string }) => m.title)).toEqual([
      'PDF export with umlauts',
      'Custom invoice footer',
    ]);
    expect(page1.json().nextCursor).toBe(page1.json().items[1].id);
    const page2 = await call(
      s.app,
      s.customer,
      'GET',
      `/v1/contracts/${s.contractId}/modifications?limit=2&cursor=${page1.json().nextCursor}`,
    );
    expect(page2.json()).toMatchObject({
      items: [{ title: 'Extra CSV column', ticketId: null }],
      nextCursor: null,
    });

    const notices = await db
      .selectFrom('outbox')
      .select('organisation_id')
      .where('topic', '=', 'contract.modification-stored')
      .execute();
    expect(notices).toEqual(Array(3).fill({ organisation_id: s.orgId }));
    const audits = await db
      .selectFrom('audit_events')
      .select('subject_id')
      .where('action', '=', 'contract.modification-stored')
      .execute();
    expect(audits).toHaveLength(3);
  });

  it('R2.11 (S3) errors: a ticket of another contract → 400 naming body.ticketId, an unknown one → 422, an unknown contract → 404, no title → 400', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    const otherContract = await createContractWithTerms(db, s.otherOrgId, ACTIVE_2026, PRESET.S3);
    const other = await db
      .selectFrom('contracts')
      .select('product_id')
      .where('id', '=', otherContract)
      .executeTakeFirstOrThrow();
    const foreign = await call(s.app, s.stranger, 'POST', '/v1/tickets', {
      productId: other.product_id,
      categoryId: '3.3',
      subject: 'Wrong totals',
      description: 'The totals of the monthly report are wrong.',
    });
    expect(foreign.statusCode, foreign.body).toBe(201);
    const body = { title: 'Fix', description: 'Fixed the totals.' };

    const wrong = await store(s, { ...body, ticketId: foreign.json().id });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'body.ticketId', rule: 'same_contract' }],
    });
    const unknown = await store(s, { ...body, ticketId: 'tkt_missing' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.message).toContain('body.ticketId');
    expect((await store(s, body, 'ctr_missing')).statusCode).toBe(404);
    const untitled = await store(s, { description: 'No title' });
    expect(untitled.statusCode).toBe(400);
    expect(untitled.json().error.message).toContain('body.title');
    expect(await db.selectFrom('contract_modifications').select('id').execute()).toEqual([]);
  });

  it('R2.11 (S3) security: a customer may not store one (403); another organisation’s customer gets 404 for the list', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S3, ACTIVE_2026, START);
    expect((await store(s, { title: 'Fix', description: 'Fixed.' })).statusCode).toBe(201);
    const byCustomer = await call(s.app, s.customer, 'POST', `/v1/contracts/${s.contractId}/modifications`, {
      title: 'Mine',
      description: 'Self-made.',
    });
    expect(byCustomer.statusCode).toBe(403);
    const strangers = await call(s.app, s.stranger, 'GET', `/v1/contracts/${s.contractId}/modifications`);
    expect(strangers.statusCode).toBe(404);
    expect(strangers.json().error.code).toBe('NOT_FOUND');
    expect((await call(s.app, s.stranger, 'GET', '/v1/contracts/ctr_missing/modifications')).statusCode).toBe(
      404,
    );
  });

  it('R1.6 (S1): an agent closes a ticket as out of scope with one of the plan’s reasons; an unknown key → 400 naming body.outOfScopeKey', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const ticket = await openTicket(s, { categoryId: 'question' });
    const url = `/v1/tickets/${ticket.id}/close`;
    const unknown = await call(s.app, s.agent, 'POST', url, {
      reason: 'out-of-scope',
      outOfScopeKey: 'hardware',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'body.outOfScopeKey', rule: 'plan_out_of_scope' }],
    });
    expect(unknown.json().error.details[0].message).toContain('general-web');
    const missingKey = await call(s.app, s.agent, 'POST', url, { reason: 'out-of-scope' });
    expect(missingKey.statusCode).toBe(400);
    expect(
      (await call(s.app, s.customer, 'POST', url, { reason: 'out-of-scope', outOfScopeKey: 'general-web' }))
        .statusCode,
    ).toBe(403);
    expect((await call(s.app, s.stranger, 'GET', `/v1/tickets/${ticket.id}`)).statusCode).toBe(404);

    const closed = await call(s.app, s.agent, 'POST', url, {
      reason: 'out-of-scope',
      outOfScopeKey: 'general-web',
      note: 'A hosting question for your provider.',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({
      status: 'closed',
      closeReason: 'out-of-scope',
      outOfScopeKey: 'general-web',
      closeNote: 'A hosting question for your provider.',
    });
  });

  it('R1.6 (S4): hardware is out of scope under per-user-subscription; a S1 reason is not', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, ACTIVE_2026, START);
    const ticket = await openTicket(s, { categoryId: 'question-or-change' });
    const url = `/v1/tickets/${ticket.id}/close`;
    const s1Key = await call(s.app, s.agent, 'POST', url, {
      reason: 'out-of-scope',
      outOfScopeKey: 'general-web',
    });
    expect(s1Key.statusCode).toBe(400);
    expect(s1Key.json().error.message).toContain('body.outOfScopeKey');
    const closed = await call(s.app, s.agent, 'POST', url, {
      reason: 'out-of-scope',
      outOfScopeKey: 'hardware',
    });
    expect(closed.json()).toMatchObject({ status: 'closed', outOfScopeKey: 'hardware' });
  });
});
