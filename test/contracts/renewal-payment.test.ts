import type { FastifyInstance } from 'fastify';
import { expect, it } from 'vitest';
import { applyPaidRenewal } from '../../src/server/contracts/contract-paid-renewal.ts';
import { apiKeyWith, signIn, withKey } from '../server/app-helpers.ts';
import { signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { buy, contractWorld, get, post, storedTerms } from './contract-helpers.ts';

// R0.4 decision (S0, serviceResumesFrom payment-date): the term is backdated, but service (support,
// downloads, new keys) resumes only from the payment date. A customer's renewal waits for its payment.

const DAY = 24 * 3600 * 1000;

function validate(app: FastifyInstance, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: body }).then((r) => r.json());
}

describeDb('contracts: a customer renewal waits for its payment (R0.4 S0)', (getDb) => {
  async function lapsedS0() {
    const { db } = getDb();
    const world = await contractWorld(db, { planKey: 'annual-maintenance' }); // 2026-03-02
    const { app, clock, organisationId, productId } = world;
    let admin = world.admin;
    const publish = (version: string, publishedOn: string) =>
      post(app, admin, `/v1/products/${productId}/releases`, { version, publishedOn });
    expect((await publish('4.0.0', '2026-01-15')).statusCode).toBe(201);
    const order = await buy(app, admin, { organisationId, productId });
    const key: string = order.licenseKeys[0].key;
    clock.advance(400 * DAY); // 2027-04-06: lapsed since 2027-03-02
    admin = await signIn(db, 'admin', clock.now());
    const gapRelease = await publish('4.2.0', '2027-04-01'); // in the lapse
    expect(gapRelease.statusCode).toBe(201);
    const releaseId: string = gapRelease.json().id;
    const customer = await signInCustomer(db, organisationId, 'customer-admin', clock.now());
    const billing = await apiKeyWith(db, ['billing:write', 'billing:read']);
    const pay = (invoiceId: string, amountMinor: number, receivedAt: string, ref: string, idem = ref) =>
      app.inject(
        withKey(billing, {
          method: 'POST',
          url: `/v1/invoices/${invoiceId}/payments`,
          headers: { 'idempotency-key': idem },
          payload: { amountMinor, currency: 'USD', receivedAt, providerRef: ref },
        }),
      );
    return { db, app, clock, admin, customer, key, releaseId, contractId: order.contractId as string, pay };
  }

  it('R0.4 backdate (S0): an unpaid customer renewal appends no terms and gives no service, support, download or key', async () => {
    const { db, app, customer, key, releaseId, contractId } = await lapsedS0();
    const quote = await post(app, customer, `/v1/contracts/${contractId}/renewals/quote`, {});
    expect(quote.json()).toMatchObject({ pendingPayment: true });
    expect(quote.json().explanation).toContain('Service starts on the day the invoice is paid');
    const res = await post(app, customer, `/v1/contracts/${contractId}/renewals`, {});
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ pendingPayment: true, licenseKeys: [], quote: { pendingPayment: true } });
    expect(body.quote.explanation).toContain('Service starts on the day the invoice is paid');
    expect(body.quote.totals.totalMinor).toBeGreaterThan(0);
    expect(await storedTerms(db, contractId)).toEqual([['initial', '2026-03-02', '2027-03-02', true]]);
    const order = await db
      .selectFrom('orders')
      .select('quote')
      .where('id', '=', body.orderId)
      .executeTakeFirstOrThrow();
    expect(order.quote).toMatchObject({ applyOnPayment: true });
    const support = await get(app, customer, `/v1/contracts/${contractId}/entitlements?gate=support`);
    expect(support.json()).toMatchObject({ allowed: false });
    const download = await get(
      app,
      customer,
      `/v1/contracts/${contractId}/entitlements?gate=download&releaseId=${releaseId}`,
    );
    expect(download.json()).toMatchObject({ allowed: false });
    expect(await validate(app, { key, version: '4.2.0' })).toMatchObject({ code: 'VERSION_NOT_COVERED' });
    const renewed = await db
      .selectFrom('outbox')
      .select('id')
      .where('topic', '=', 'contract.renewed')
      .execute();
    expect(renewed).toHaveLength(0);
    const invoice = await get(app, customer, `/v1/invoices/${body.invoice.id}`);
    expect(invoice.json()).toMatchObject({ amountDueMinor: body.quote.totals.totalMinor });
    await app.close();
  });

  it('R0.4 backdate (S0): paying the customer renewal appends the terms, service from the payment date and a gap up to it', async () => {
    const { db, app, clock, customer, key, contractId, pay } = await lapsedS0();
    const body = (await post(app, customer, `/v1/contracts/${contractId}/renewals`, {})).json();
    const total: number = body.quote.totals.totalMinor;
    clock.advance(10 * DAY); // 2027-04-16
    // A part payment is not payment: still nothing.
    const part = await pay(body.invoice.id, total - 100, '2027-04-12T10:00:00Z', 'evt_1');
    expect(part.statusCode, part.body).toBe(201);
    expect(await storedTerms(db, contractId)).toHaveLength(1);
    const rest = await pay(body.invoice.id, 100, '2027-04-16T10:00:00Z', 'evt_2');
    expect(rest.statusCode, rest.body).toBe(201);
    expect(await storedTerms(db, contractId)).toEqual([
      ['initial', '2026-03-02', '2027-03-02', true],
      ['backdated-gap', '2027-03-02', '2027-04-16', false],
      ['renewal', '2027-04-16', '2028-03-02', true],
    ]);
    const orderIds = await db
      .selectFrom('coverage_terms')
      .select('order_id')
      .where('contract_id', '=', contractId)
      .where('seq', '>', 1)
      .execute();
    expect(orderIds.map((r) => r.order_id)).toEqual([body.orderId, body.orderId]);
    const staff = await signIn(db, 'admin', clock.now());
    const on = (day: string) =>
      get(app, staff, `/v1/contracts/${contractId}/entitlements?gate=support&on=${day}`).then((r) =>
        r.json(),
      );
    expect(await on('2027-04-15')).toMatchObject({ allowed: false });
    expect(await on('2027-04-16')).toMatchObject({ allowed: true });
    expect(await validate(app, { key, version: '4.2.0' })).toMatchObject({
      valid: true,
      code: 'VALID',
      coveredUntil: '2028-03-01',
    });
    const notices = await db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '=', 'contract.renewed')
      .execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.payload).toMatchObject({
      orderId: body.orderId,
      validity: { serviceFrom: '2027-04-16', expiresOn: '2028-03-02' },
    });
    await app.close();
  });

  it('R0.4 (S0): a paid renewal is applied once — a provider retry, an over-payment and a second call add nothing', async () => {
    const { db, app, clock, customer, contractId, pay } = await lapsedS0();
    const body = (await post(app, customer, `/v1/contracts/${contractId}/renewals`, {})).json();
    const total: number = body.quote.totals.totalMinor;
    clock.advance(2 * DAY);
    expect((await pay(body.invoice.id, total, '2027-04-08T09:00:00Z', 'evt_a')).statusCode).toBe(201);
    expect(await storedTerms(db, contractId)).toHaveLength(3);
    const retry = await pay(body.invoice.id, total, '2027-04-08T09:00:00Z', 'evt_a', 'retry');
    expect(retry.statusCode, retry.body).toBe(200);
    const again = await pay(body.invoice.id, 1, '2027-04-09T09:00:00Z', 'evt_b');
    expect(again.json().error).toMatchObject({ code: 'PAYMENT_REFUSED' });
    const invoice = {
      id: body.invoice.id,
      number: body.invoice.number,
      totalMinor: total,
      orderId: body.orderId,
    };
    const ctx = {
      viewer: { kind: 'staff', accountId: null, apiKeyId: null } as const,
      now: clock.now(),
      clientIp: null,
    };
    const twice = await db
      .transaction()
      .execute((trx) => applyPaidRenewal(trx, invoice, new Date('2027-04-09T09:00:00Z'), ctx));
    expect(twice).toBeUndefined();
    expect(await storedTerms(db, contractId)).toHaveLength(3);
    const notices = await db
      .selectFrom('outbox')
      .select('id')
      .where('topic', '=', 'contract.renewed')
      .execute();
    expect(notices).toHaveLength(1);
    await app.close();
  });

  it('R0.4 (S0): staff renewals stay as they were — a paid order dated today (or paidOn) gets its terms at once', async () => {
    const { db, app, admin, contractId } = await lapsedS0();
    const res = await post(app, admin, `/v1/contracts/${contractId}/renewals`, {});
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ pendingPayment: false, quote: { pendingPayment: false } });
    expect(await storedTerms(db, contractId)).toEqual([
      ['initial', '2026-03-02', '2027-03-02', true],
      ['backdated-gap', '2027-03-02', '2027-04-06', false],
      ['renewal', '2027-04-06', '2028-03-02', true],
    ]);
    await app.close();
  });

  it('R0.4 early renewal (S0): a customer renewing before expiry and paying in time is served from the old expiry, no gap', async () => {
    const { db } = getDb();
    const { app, clock, admin, organisationId, productId } = await contractWorld(db, {
      planKey: 'annual-maintenance',
    });
    const { contractId } = await buy(app, admin, { organisationId, productId }); // 2026-03-02 → 2027-03-02
    clock.advance(300 * DAY); // 2026-12-27
    const customer = await signInCustomer(db, organisationId, 'customer-admin', clock.now());
    const body = (await post(app, customer, `/v1/contracts/${contractId}/renewals`, {})).json();
    expect(body.pendingPayment).toBe(true);
    const key = await apiKeyWith(db, ['billing:write']);
    const paid = await app.inject(
      withKey(key, {
        method: 'POST',
        url: `/v1/invoices/${body.invoice.id}/payments`,
        headers: { 'idempotency-key': 'early' },
        payload: {
          amountMinor: body.quote.totals.totalMinor,
          currency: 'USD',
          receivedAt: '2027-01-05T12:00:00Z',
        },
      }),
    );
    expect(paid.statusCode, paid.body).toBe(201);
    expect(await storedTerms(db, contractId)).toEqual([
      ['initial', '2026-03-02', '2027-03-02', true],
      ['renewal', '2027-03-02', '2028-03-02', true],
    ]);
    await app.close();
  });
});
