import { expect, it } from 'vitest';
import { createOrganisation, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { buy, contractWorld, get, post, renew, storedTerms } from './contract-helpers.ts';

// S4 (per-user-subscription): 8.00 USD per user per month, 10 % annual prepayment discount, 150.00 USD
// reinstatement fee, annual term starting at the earlier of invoice and payment (R4.1, R4.2, R4.4).

describeDb('contracts: per-user subscriptions (R4.2, R4.4)', (getDb) => {
  const s4 = () => contractWorld(getDb().db, { planKey: PRESET.S4 });

  it('R4.2 annual (S4): 10 users × 8.00 × 12 = 960.00 less the 10 % prepayment discount, one payment', async () => {
    const { app, admin, organisationId, productId } = await s4();
    const body = await buy(app, admin, { organisationId, productId, seats: 10, purchasedOn: '2026-01-15' });
    expect(body.quote.lines.map((l: { amountMinor: number }) => l.amountMinor)).toEqual([96000, -9600]);
    expect(body.quote.totals.totalMinor).toBe(86400);
    expect(body.quote.instalments).toEqual([{ number: 1, dueOn: '2026-01-15', amountMinor: 86400 }]);
    expect(body.quote.newTerms[0]).toMatchObject({ startsOn: '2026-01-15', endsOn: '2027-01-15' });
    await app.close();
  });

  it('R4.2 monthly (S4): 12 instalments on one invoice, split by largest remainder, due monthly from the invoice date', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const body = await buy(app, admin, {
      organisationId,
      productId,
      seats: 7,
      billing: 'monthly',
      purchasedOn: '2026-01-31',
    });
    // 7 × 96.00 = 672.00, no discount, 12 × 56.00.
    expect(body.quote.totals.totalMinor).toBe(67200);
    const rows = await db
      .selectFrom('invoice_instalments')
      .select(['seq', 'due_on', 'amount_minor'])
      .where('invoice_id', '=', body.invoice.id)
      .orderBy('seq')
      .execute();
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r.amount_minor)).toEqual(Array(12).fill(5600));
    expect(rows.slice(0, 3).map((r) => r.due_on)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
    expect(body.quote.instalments).toEqual(
      rows.map((r) => ({ number: r.seq, dueOn: r.due_on, amountMinor: r.amount_minor })),
    );
    await app.close();
  });

  it('R4.4 reinstatement (S4): a lapsed subscription pays the fee plus the renewal, backfilled to the old expiry', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, {
      organisationId,
      productId,
      seats: 10,
      purchasedOn: '2026-01-15',
    });
    const body = await renew(app, admin, contractId, { renewOn: '2027-02-01' });
    expect(body.quote.kind).toBe('reinstatement');
    expect(await storedTerms(db, contractId)).toEqual([
      ['initial', '2026-01-15', '2027-01-15', true],
      ['backdated-gap', '2027-01-15', '2027-02-01', false],
      ['reinstatement', '2027-02-01', '2028-01-15', true],
    ]);
    // Seats default to the contract's; 86400 for the year + 15000 fee.
    expect(body.quote.seats).toBe(10);
    expect(body.quote.totals.totalMinor).toBe(101400);
    expect(body.quote.explanation).toContain('reinstatement fee');
    const order = await db
      .selectFrom('orders')
      .select('kind')
      .where('id', '=', body.orderId)
      .executeTakeFirstOrThrow();
    expect(order.kind).toBe('reinstatement');
    await app.close();
  });

  it('R4.4 + R4.2 monthly reinstatement (S4): the fee is due in full with the first instalment; one instalment per whole month served', async () => {
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, {
      organisationId,
      productId,
      seats: 10,
      purchasedOn: '2026-01-15',
    });
    const body = await renew(app, admin, contractId, { renewOn: '2027-03-01', billing: 'monthly' });
    const amounts = body.quote.instalments.map((i: { amountMinor: number }) => i.amountMinor);
    // Served 2027-03-01 → 2028-01-15: 10 whole months, so the year's 960.00 is split in 10 (96.00 each).
    expect(amounts).toHaveLength(10);
    expect(amounts[0]).toBe(9600 + 15000);
    expect(amounts.slice(1)).toEqual(Array(9).fill(9600));
    await app.close();
  });

  it('R4.2 added users (S4): prorated by days to the end of the term; later renewals count them', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, {
      organisationId,
      productId,
      seats: 10,
      purchasedOn: '2026-01-01',
    });
    const quote = await post(app, admin, `/v1/contracts/${contractId}/seats/quote`, {
      seats: 3,
      addedOn: '2026-03-01',
    });
    expect(quote.statusCode, quote.body).toBe(200);
    const res = await post(app, admin, `/v1/contracts/${contractId}/seats`, {
      seats: 3,
      addedOn: '2026-03-01',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    // 3 × 96.00 × 306/365 = 241.4466 → 241.45
    expect(body.quote.totals.totalMinor).toBe(24145);
    expect(body.quote).toEqual(quote.json());
    expect(body.quote.lines[0]).toMatchObject({ periodStart: '2026-03-01', periodEnd: '2027-01-01' });
    const order = await db
      .selectFrom('orders')
      .select('kind')
      .where('id', '=', body.orderId)
      .executeTakeFirstOrThrow();
    expect(order.kind).toBe('added-users');
    expect(await storedTerms(db, contractId)).toHaveLength(1);
    const detail = (await get(app, admin, `/v1/contracts/${contractId}`)).json();
    expect(detail.seats).toBe(13);
    const renewal = await post(app, admin, `/v1/contracts/${contractId}/renewals/quote`, {});
    expect(renewal.json().seats).toBe(13);
    await app.close();
  });

  it('R4.1 (S4): without seats the purchase counts the organisation’s systems; a renewal counts the systems linked to the contract', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    await db
      .insertInto('systems')
      .values({ id: 'sys_1', organisation_id: organisationId, contract_id: null, name: 'PBX' })
      .execute();
    const item = (id: string, kind: string, assignedTo: string | null) =>
      db
        .insertInto('system_items')
        .values({ id, system_id: 'sys_1', kind, label: id, assigned_to: assignedTo })
        .execute();
    await item('i1', 'desk-phone', 'alice');
    await item('i2', 'app-user', 'alice'); // one person counts once
    await item('i3', 'desk-phone', 'bob');
    await item('i4', 'desk-phone', null); // unassigned: counts
    await item('i5', 'voicemail-box', null); // not counted
    const body = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-01-01' });
    expect(body.quote.seats).toBe(3);
    expect(body.quote.totals.totalMinor).toBe(3 * 9600 - 2880);
    await db.updateTable('systems').set({ contract_id: body.contractId }).where('id', '=', 'sys_1').execute();
    await item('i6', 'cordless-phone', 'carol');
    const renewal = await post(app, admin, `/v1/contracts/${body.contractId}/renewals/quote`, {});
    expect(renewal.json().seats).toBe(4);
    await app.close();
  });

  it('errors (S4): no seats → 422 PRICE_UNAVAILABLE SEATS_REQUIRED; seats on a non-per-user plan → 422; outside a term → 422', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const none = await post(app, admin, '/v1/contracts', { organisationId, productId });
    expect(none.statusCode).toBe(422);
    expect(none.json().error.details.reason).toBe('SEATS_REQUIRED');
    const { contractId } = await buy(app, admin, {
      organisationId,
      productId,
      seats: 2,
      purchasedOn: '2026-01-01',
    });
    const late = await post(app, admin, `/v1/contracts/${contractId}/seats`, {
      seats: 1,
      addedOn: '2027-06-01',
    });
    expect(late.statusCode).toBe(422);
    expect(late.json().error.details.reason).toBe('ADDED_OUTSIDE_TERM');
    const s0 = await contractWorld(db, { planKey: PRESET.S0 });
    const other = await buy(s0.app, admin, { organisationId, productId: s0.productId });
    const notPerUser = await post(app, admin, `/v1/contracts/${other.contractId}/seats`, { seats: 1 });
    expect(notPerUser.json().error.details.reason).toBe('NOT_PER_USER');
    await s0.app.close();
    await app.close();
  });

  it('security (S4): a customer adds users to its own subscription today, not on another date (403); another organisation → 404', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, { organisationId, productId, seats: 2 });
    const customer = await signInCustomer(db, organisationId);
    const stranger = await signInCustomer(db, await createOrganisation(db, 'Other Ltd'));
    const dated = await post(app, customer, `/v1/contracts/${contractId}/seats`, {
      seats: 1,
      addedOn: '2026-04-01',
    });
    expect(dated.statusCode).toBe(403);
    expect((await post(app, stranger, `/v1/contracts/${contractId}/seats`, { seats: 1 })).statusCode).toBe(
      404,
    );
    expect((await post(app, customer, `/v1/contracts/${contractId}/seats`, { seats: 1 })).statusCode).toBe(
      201,
    );
    await app.close();
  });
});
