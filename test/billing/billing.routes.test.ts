import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { issueInvoice } from '../../src/server/billing/invoice.service.ts';
import { apiKeyWith, asSession, makeApp, signIn, testClock, withKey } from '../server/app-helpers.ts';
import { createOrganisation, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { oneLine, sellContract } from './billing-fixtures.ts';

const NOW = new Date('2026-03-02T09:00:00Z');
const PAYMENT = { amountMinor: 4000, currency: 'USD', receivedAt: '2026-03-02T10:00:00Z' };

function post(url: string, body: unknown, key?: string): InjectOptions {
  return {
    method: 'POST',
    url,
    payload: body as object,
    headers: key ? { 'idempotency-key': key } : {},
  };
}

describeDb('billing routes: invoices and payments', (getDb) => {
  async function setup() {
    const { db } = getDb();
    const app = await makeApp(db, testClock(NOW));
    const org = await createOrganisation(db, 'Own Ltd');
    const other = await createOrganisation(db, 'Other Ltd');
    const invoice = await issueInvoice(db, oneLine(org, null, 10000), NOW);
    const otherInvoice = await issueInvoice(db, oneLine(other, null, 5000), NOW);
    const key = await apiKeyWith(db, ['billing:read', 'billing:write']);
    return { db, app, org, other, invoice, otherInvoice, key };
  }
  const pay = (app: FastifyInstance, key: string, id: string, body: unknown, idem?: string) =>
    app.inject(withKey(key, post(`/v1/invoices/${id}/payments`, body, idem)));

  it('R0.6 GET /v1/invoices: staff see every organisation, a customer only its own, in pages', async () => {
    const { db, app, org, invoice, key } = await setup();
    const staff = await app.inject(withKey(key, { method: 'GET', url: '/v1/invoices?limit=1' }));
    expect(staff.statusCode).toBe(200);
    expect(staff.json().items).toHaveLength(1);
    const second = await app.inject(
      withKey(key, { method: 'GET', url: `/v1/invoices?limit=1&cursor=${staff.json().nextCursor}` }),
    );
    expect(second.json()).toMatchObject({ items: [{}], nextCursor: null });
    const customer = await signInCustomer(db, org, 'customer-user', NOW);
    const own = await app.inject(asSession(customer, { method: 'GET', url: '/v1/invoices' }));
    expect(own.json().items.map((i: { id: string }) => i.id)).toEqual([invoice.id]);
    expect(own.json().items[0]).toMatchObject({
      number: 'INV-000001',
      status: 'open',
      amountDueMinor: 10000,
    });
  });

  it('GET /v1/invoices/:id: another organisation’s invoice is 404 for a customer, like a missing one', async () => {
    const { db, app, org, invoice, otherInvoice } = await setup();
    const customer = await signInCustomer(db, org, 'customer-admin', NOW);
    const ownDetail = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/invoices/${invoice.id}` }),
    );
    expect(ownDetail.statusCode).toBe(200);
    expect(ownDetail.json()).toMatchObject({
      lines: [{ seq: 1, quantity: { num: 1, den: 1 }, taxRatePercent: '0', totalMinor: 10000 }],
      payments: [],
      creditNotes: [],
    });
    const foreign = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/invoices/${otherInvoice.id}` }),
    );
    const missing = await app.inject(asSession(customer, { method: 'GET', url: '/v1/invoices/inv_nope' }));
    expect([foreign.statusCode, missing.statusCode]).toEqual([404, 404]);
    expect(foreign.json().error.code).toBe('NOT_FOUND');
  });

  it('R0.6 payments: partial then full payment derive partially-paid then paid; the invoice row is untouched', async () => {
    const { app, invoice, key } = await setup();
    const first = await pay(app, key, invoice.id, PAYMENT, 'k1');
    expect(first.statusCode).toBe(201);
    expect(first.json().invoice).toMatchObject({
      status: 'partially-paid',
      amountPaidMinor: 4000,
      amountDueMinor: 6000,
    });
    const second = await pay(app, key, invoice.id, { ...PAYMENT, amountMinor: 6000 }, 'k2');
    expect(second.json().invoice).toMatchObject({ status: 'paid', amountDueMinor: 0, totalMinor: 10000 });
    const detail = await app.inject(withKey(key, { method: 'GET', url: `/v1/invoices/${invoice.id}` }));
    expect(detail.json().payments.map((p: { amountMinor: number }) => p.amountMinor)).toEqual([4000, 6000]);
    const notices = await getDb()
      .db.selectFrom('outbox')
      .select(['topic', 'payload'])
      .where('topic', '=', 'invoice.payment-received')
      .orderBy('id')
      .execute();
    expect(notices.map((n) => n.payload)).toMatchObject([
      { amountMinor: 4000, amountDueMinor: 6000, status: 'partially-paid', invoiceNumber: 'INV-000001' },
      { amountMinor: 6000, amountDueMinor: 0, status: 'paid' },
    ]);
  });

  it('payments: no Idempotency-Key is 400 naming the header; wrong currency and over-payment are PAYMENT_REFUSED', async () => {
    const { app, invoice, key } = await setup();
    const noKey = await pay(app, key, invoice.id, PAYMENT);
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'headers.idempotency-key' }],
    });
    const euro = await pay(app, key, invoice.id, { ...PAYMENT, currency: 'EUR' }, 'c1');
    expect(euro.statusCode).toBe(422);
    expect(euro.json().error).toMatchObject({
      code: 'PAYMENT_REFUSED',
      details: { reason: 'CURRENCY_MISMATCH' },
    });
    const tooMuch = await pay(app, key, invoice.id, { ...PAYMENT, amountMinor: 10001 }, 'c2');
    expect(tooMuch.json().error).toMatchObject({
      code: 'PAYMENT_REFUSED',
      details: { reason: 'AMOUNT_EXCEEDS_OPEN', amountDueMinor: 10000 },
    });
    const badKey = await pay(app, key, invoice.id, PAYMENT, 'x'.repeat(256));
    expect(badKey.statusCode).toBe(400);
  });

  it('payments security: a customer session may not record payments (403); a read-only key neither (403)', async () => {
    const { db, app, org, invoice } = await setup();
    const customer = await signInCustomer(db, org, 'customer-admin', NOW);
    const bySession = await app.inject(
      asSession(customer, post(`/v1/invoices/${invoice.id}/payments`, PAYMENT, 's1')),
    );
    expect(bySession.statusCode).toBe(403);
    const readOnly = await apiKeyWith(db, ['billing:read']);
    expect((await pay(app, readOnly, invoice.id, PAYMENT, 's2')).statusCode).toBe(403);
    const agent = await signIn(db, 'agent', NOW);
    const byAgent = await app.inject(
      asSession(agent, post(`/v1/invoices/${invoice.id}/payments`, PAYMENT, 's3')),
    );
    expect(byAgent.statusCode).toBe(201);
  });

  it('idempotency: 20 parallel requests with one key give one payment and 20 identical responses', async () => {
    const { db, app, invoice, key } = await setup();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => pay(app, key, invoice.id, PAYMENT, 'parallel-1')),
    );
    expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    const rows = await db.selectFrom('payments').select('id').where('invoice_id', '=', invoice.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('idempotency: the same key with another body is 422 IDEMPOTENCY_KEY_REUSED; key order in the body does not matter', async () => {
    const { app, invoice, key } = await setup();
    expect((await pay(app, key, invoice.id, PAYMENT, 'k')).statusCode).toBe(201);
    const reordered = { receivedAt: PAYMENT.receivedAt, currency: 'USD', amountMinor: 4000 };
    const replay = await pay(app, key, invoice.id, reordered, 'k');
    expect([replay.statusCode, replay.headers['idempotent-replayed']]).toEqual([201, 'true']);
    const changed = await pay(app, key, invoice.id, { ...PAYMENT, amountMinor: 1 }, 'k');
    expect(changed.statusCode).toBe(422);
    expect(changed.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('idempotency: a refused (4xx) request is stored and replayed; keys belong to one caller; 24 h expiry', async () => {
    const { db, invoice, key } = await setup();
    const clock = testClock(NOW);
    const app = await makeApp(db, clock);
    const refused = await pay(app, key, invoice.id, { ...PAYMENT, amountMinor: 20000 }, 'r');
    const again = await pay(app, key, invoice.id, { ...PAYMENT, amountMinor: 20000 }, 'r');
    expect([refused.statusCode, again.statusCode, again.body]).toEqual([422, 422, refused.body]);
    const otherKey = await apiKeyWith(db, ['billing:write']);
    expect((await pay(app, otherKey, invoice.id, PAYMENT, 'r')).statusCode).toBe(201);
    clock.advance(24 * 60 * 60 * 1000 + 1);
    const later = await pay(app, key, invoice.id, PAYMENT, 'r');
    expect([later.statusCode, later.headers['idempotent-replayed']]).toEqual([201, undefined]);
  });

  it('providerRef dedupe: a webhook retried under a new key returns the first payment (200, duplicate)', async () => {
    const { db, app, invoice, key } = await setup();
    const body = { ...PAYMENT, providerRef: 'evt_123' };
    const first = await pay(app, key, invoice.id, body, 'w1');
    const retry = await pay(app, key, invoice.id, body, 'w2');
    expect([first.statusCode, retry.statusCode]).toEqual([201, 200]);
    expect(retry.json()).toMatchObject({ duplicate: true, payment: { id: first.json().payment.id } });
    expect(await db.selectFrom('payments').select('id').execute()).toHaveLength(1);
  });
});

describeDb('billing routes: refunds (R5.1)', (getDb) => {
  async function paidPurchase(planKey: string) {
    const { db } = getDb();
    const app = await makeApp(db, testClock(NOW));
    const sold = await sellContract(db, planKey);
    const invoice = await issueInvoice(db, oneLine(sold.organisationId, sold.orderId, 10000, '19'), NOW);
    const key = await apiKeyWith(db, ['billing:read', 'billing:write']);
    await app.inject(
      withKey(key, post(`/v1/invoices/${invoice.id}/payments`, { ...PAYMENT, amountMinor: 11900 }, 'p')),
    );
    const credit = (body: unknown, idem = 'cn') =>
      app.inject(withKey(key, post(`/v1/invoices/${invoice.id}/credit-notes`, body, idem)));
    return { db, app, sold, invoice, key, credit };
  }

  it('R5.1 S4 never refundable: credit note refused 409 REFUND_NOT_ALLOWED with the decision', async () => {
    const { db, credit, invoice } = await paidPurchase(PRESET.S4);
    const res = await credit({ reason: 'customer asked' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'REFUND_NOT_ALLOWED',
      details: { eligible: false, reason: 'S4_NEVER' },
    });
    expect(
      await db.selectFrom('credit_notes').select('id').where('invoice_id', '=', invoice.id).execute(),
    ).toEqual([]);
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('subject_id', '=', invoice.id)
      .where('action', '=', 'credit-note.issued')
      .execute();
    expect(audit).toEqual([{ action: 'credit-note.issued', outcome: 'S4_NEVER' }]);
  });

  it('R5.1 S1 before the first ticket is resolved: refundable; CN-000001, tax share, invoice unchanged', async () => {
    const { db, app, credit, invoice, key } = await paidPurchase(PRESET.S1);
    const res = await credit({ reason: 'not what we needed', amountMinor: 5950 });
    expect(res.statusCode).toBe(201);
    expect(res.json().creditNote).toMatchObject({
      number: 'CN-000001',
      amountMinor: 5950,
      taxMinor: 950,
      eligibility: { eligible: true, reason: 'NO_TICKET_RESOLVED_YET' },
    });
    expect(res.json().invoice).toMatchObject({
      totalMinor: 11900,
      amountCreditedMinor: 5950,
      status: 'paid',
    });
    const rest = await credit({ reason: 'the rest' }, 'cn2');
    expect(rest.json().creditNote).toMatchObject({ number: 'CN-000002', amountMinor: 5950 });
    expect(rest.json().invoice.status).toBe('credited');
    const credited = await db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '=', 'invoice.credited')
      .execute();
    expect(credited).toHaveLength(2);
    const more = await credit({ reason: 'again', amountMinor: 1 }, 'cn3');
    expect(more.json().error).toMatchObject({
      code: 'REFUND_NOT_ALLOWED',
      details: { eligible: false, reason: 'FULLY_CREDITED' },
    });
    const detail = await app.inject(withKey(key, { method: 'GET', url: `/v1/invoices/${invoice.id}` }));
    expect(detail.json()).toMatchObject({ number: invoice.number, totalMinor: 11900, creditNotes: [{}, {}] });
  });

  it('R1.3 a restriction revoking refund refuses the credit note (S1)', async () => {
    const { db, sold, credit } = await paidPurchase(PRESET.S1);
    await db
      .insertInto('organisation_restrictions')
      .values({
        id: 'rst_1',
        organisation_id: sold.organisationId,
        kind: 'revocation',
        reason: 'abusive language',
        revokes: ['support', 'updates', 'refund'],
        starts_at: NOW,
        recorded_by: null,
      })
      .execute();
    const res = await credit({ reason: 'asked' });
    expect(res.json().error).toMatchObject({ code: 'REFUND_NOT_ALLOWED', details: { reason: 'REVOKED' } });
  });

  it('R5.1 S0 vendor terms: staff may credit with a reason (decided by hand)', async () => {
    const { credit } = await paidPurchase(PRESET.S0);
    const res = await credit({ reason: 'goodwill' });
    expect(res.statusCode).toBe(201);
    expect(res.json().creditNote.eligibility).toEqual({
      eligible: false,
      reason: 'VENDOR_TERMS',
      decidedByHand: true,
    });
  });

  it('GET /v1/contracts/:id/refund-eligibility: own contract for a customer, 404 for another organisation’s', async () => {
    const { db, app, sold, invoice } = await paidPurchase(PRESET.S1);
    const customer = await signInCustomer(db, sold.organisationId, 'customer-user', NOW);
    const own = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/contracts/${sold.contractId}/refund-eligibility` }),
    );
    expect(own.json()).toEqual({
      contractId: sold.contractId,
      invoiceId: invoice.id,
      eligible: true,
      reason: 'NO_TICKET_RESOLVED_YET',
      amountMinor: 11900,
      currency: 'USD',
    });
    const stranger = await signInCustomer(
      db,
      await createOrganisation(db, 'Stranger'),
      'customer-admin',
      NOW,
    );
    const foreign = await app.inject(
      asSession(stranger, { method: 'GET', url: `/v1/contracts/${sold.contractId}/refund-eligibility` }),
    );
    expect(foreign.statusCode).toBe(404);
    const creditBySession = await app.inject(
      asSession(customer, post(`/v1/invoices/${invoice.id}/credit-notes`, { reason: 'x' }, 'z')),
    );
    expect(creditBySession.statusCode).toBe(403);
  });
});
