import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { buy, contractWorld, post, renew } from './contract-helpers.ts';

// S4 (per-user-subscription): 8.00 USD per user per month; R4.1 counted users, R4.2 monthly instalments.

async function system(
  db: Kysely<Database>,
  organisationId: string,
  contractId: string | null,
  kinds: string[],
) {
  await db
    .insertInto('systems')
    .values({ id: 'sys_1', organisation_id: organisationId, contract_id: contractId, name: 'PBX' })
    .execute();
  for (const [i, kind] of kinds.entries()) {
    await db
      .insertInto('system_items')
      .values({ id: `i${i}`, system_id: 'sys_1', kind, label: `item ${i}`, assigned_to: `person ${i}` })
      .execute();
  }
}

async function instalmentsOf(db: Kysely<Database>, invoiceId: string) {
  const invoice = await db
    .selectFrom('invoices')
    .select('due_on')
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('invoice_instalments')
    .select(['due_on', 'amount_minor'])
    .where('invoice_id', '=', invoiceId)
    .orderBy('seq')
    .execute();
  return { dueOn: invoice.due_on, rows: rows.map((r) => [r.due_on, r.amount_minor] as const) };
}

describeDb('contracts: customer orders (R4.1, R4.2, roles)', (getDb) => {
  const s4 = () => contractWorld(getDb().db, { planKey: PRESET.S4 });

  it('R4.1 (S4): a customer may not renew or quote for fewer users than counted (403 naming body.seats); more is fine; staff may override', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, { organisationId, productId, seats: 3 });
    await system(db, organisationId, contractId, ['desk-phone', 'desk-phone', 'app-user', 'cordless-phone']);
    const customer = await signInCustomer(db, organisationId, 'customer-admin');
    for (const url of [
      `/v1/contracts/${contractId}/renewals/quote`,
      `/v1/contracts/${contractId}/renewals`,
    ]) {
      const fewer = await post(app, customer, url, { seats: 1 });
      expect(fewer.statusCode, url).toBe(403);
      expect(fewer.json().error.message).toContain('body.seats');
      expect(fewer.json().error.details).toMatchObject({ field: 'body.seats', seats: 1, counted: 4 });
    }
    const more = await post(app, customer, `/v1/contracts/${contractId}/renewals/quote`, { seats: 6 });
    expect(more.json().seats).toBe(6);
    const counted = await post(app, customer, `/v1/contracts/${contractId}/renewals/quote`, {});
    expect(counted.json().seats).toBe(4);
    const staff = await post(app, admin, `/v1/contracts/${contractId}/renewals/quote`, { seats: 1 });
    expect(staff.statusCode, staff.body).toBe(200);
    expect(staff.json().seats).toBe(1);
    await app.close();
  });

  it('R4.1 (S4): a customer’s purchase quote below the organisation’s counted users → 403 naming body.seats', async () => {
    const { db } = getDb();
    const { app, organisationId, productId } = await s4();
    await system(db, organisationId, null, ['desk-phone', 'desk-phone', 'desk-phone']);
    const customer = await signInCustomer(db, organisationId, 'customer-admin');
    const fewer = await post(app, customer, '/v1/contracts/quote', { organisationId, productId, seats: 2 });
    expect(fewer.statusCode).toBe(403);
    expect(fewer.json().error.details).toMatchObject({ field: 'body.seats', counted: 3 });
    const more = await post(app, customer, '/v1/contracts/quote', { organisationId, productId, seats: 5 });
    expect(more.json().seats).toBe(5);
    await app.close();
  });

  it('R4.1 (S4): a linked system that counts nobody does not fail the default renewal; the contract’s seats are used', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, { organisationId, productId, seats: 7 });
    await system(db, organisationId, contractId, ['voicemail-box']);
    const quote = await post(app, admin, `/v1/contracts/${contractId}/renewals/quote`, {});
    expect(quote.statusCode, quote.body).toBe(200);
    expect(quote.json().seats).toBe(7);
    const customer = await signInCustomer(db, organisationId, 'customer-admin');
    expect(
      (await post(app, customer, `/v1/contracts/${contractId}/renewals/quote`, { seats: 6 })).statusCode,
    ).toBe(403);
    await app.close();
  });

  it('roles (S4): a customer-user may quote but not renew or add users (403); a customer-admin may', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, { organisationId, productId, seats: 2 });
    const user = await signInCustomer(db, organisationId, 'customer-user');
    const owner = await signInCustomer(db, organisationId, 'customer-admin');
    for (const [url, body] of [
      [`/v1/contracts/${contractId}/renewals`, {}],
      [`/v1/contracts/${contractId}/seats`, { seats: 18_000 }],
    ] as const) {
      const refused = await post(app, user, url, body);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().error.code).toBe('FORBIDDEN');
    }
    expect(await db.selectFrom('orders').select('id').execute()).toHaveLength(1);
    expect((await post(app, user, `/v1/contracts/${contractId}/renewals/quote`, {})).statusCode).toBe(200);
    expect((await post(app, owner, `/v1/contracts/${contractId}/seats`, { seats: 1 })).statusCode).toBe(201);
    expect((await post(app, owner, `/v1/contracts/${contractId}/renewals`, {})).statusCode).toBe(201);
    await app.close();
  });

  it('R4.2 + R4.4 (S4): a reinstatement served 2 months pays 2 monthly instalments from the service start; dueOn is the last', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, {
      organisationId,
      productId,
      seats: 10,
      billing: 'monthly',
      purchasedOn: '2026-01-15',
    });
    const body = await renew(app, admin, contractId, { renewOn: '2027-11-10', billing: 'monthly' });
    expect(body.quote.kind).toBe('reinstatement');
    expect(body.quote.serviceFrom).toBe('2027-11-10');
    // 960.00 for the year (backfilled to 2027-01-15) + 150.00 fee, over the 2 whole months served.
    const expected = [
      ['2027-11-10', 48000 + 15000],
      ['2027-12-10', 48000],
    ];
    expect(await instalmentsOf(db, body.invoice.id)).toEqual({ dueOn: '2027-12-10', rows: expected });
    expect(
      body.quote.instalments.map((i: { dueOn: string; amountMinor: number }) => [i.dueOn, i.amountMinor]),
    ).toEqual(expected);
    await app.close();
  });

  it('R4.2 early renewal (S4): monthly instalments start when the renewed term starts, not on the order date', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await s4();
    const { contractId } = await buy(app, admin, {
      organisationId,
      productId,
      seats: 10,
      billing: 'monthly',
      purchasedOn: '2026-01-15',
    });
    const body = await renew(app, admin, contractId, { renewOn: '2026-12-01', billing: 'monthly' });
    const { dueOn, rows } = await instalmentsOf(db, body.invoice.id);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toEqual(['2027-01-15', 8000]);
    expect(dueOn).toBe('2027-12-15');
    await app.close();
  });
});
