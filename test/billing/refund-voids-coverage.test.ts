import { expect, it } from 'vitest';
import { apiKeyWith, makeApp, testClock, withKey } from '../server/app-helpers.ts';
import { createOrganisation, createProduct, createRelease, PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

const NOW = new Date('2026-03-02T09:00:00Z');

describeDb('refunds end what they refund (R5.1)', (getDb) => {
  async function sold() {
    const { db } = getDb();
    const app = await makeApp(db, testClock(NOW));
    const key = await apiKeyWith(db, ['contracts:read', 'contracts:write', 'billing:read', 'billing:write']);
    const productId = await createProduct(db, { planKey: PRESET.S0, category: 'professional' });
    await createRelease(db, productId, '1.0.0', '2026-01-05');
    const organisationId = await createOrganisation(db);
    let n = 0;
    const post = (url: string, body: unknown) =>
      app.inject(
        withKey(key, {
          method: 'POST',
          url,
          payload: body as Record<string, unknown>,
          headers: { 'idempotency-key': `k-${++n}` },
        }),
      );
    const sale = (
      await post('/v1/contracts', { organisationId, productId, purchasedOn: '2026-02-01' })
    ).json();
    const licenseKey: string = sale.licenseKeys[0].key;
    const pay = (invoice: { id: string; totalMinor: number }) =>
      post(`/v1/invoices/${invoice.id}/payments`, {
        amountMinor: invoice.totalMinor,
        currency: 'USD',
        receivedAt: NOW.toISOString(),
      });
    await pay(sale.invoice);
    const validate = async () =>
      (
        await app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: { key: licenseKey } })
      ).json();
    const contract = async () =>
      (await app.inject(withKey(key, { method: 'GET', url: `/v1/contracts/${sale.contractId}` }))).json();
    return { app, post, pay, sale, validate, contract };
  }

  it('R5.1 (S0): a credit note refunding the purchase invoice in full voids its term: the key stops validating', async () => {
    const { app, post, sale, validate, contract } = await sold();
    expect((await validate()).code).toBe('VALID');
    const credit = await post(`/v1/invoices/${sale.invoice.id}/credit-notes`, { reason: 'refund requested' });
    expect(credit.statusCode).toBe(201);
    expect(await validate()).toMatchObject({ valid: false });
    expect((await contract()).state).not.toBe('active');
    await app.close();
  });

  it('R5.1 (S0): a partial credit note keeps the coverage it paid for', async () => {
    const { app, post, sale, validate } = await sold();
    const credit = await post(`/v1/invoices/${sale.invoice.id}/credit-notes`, {
      reason: 'goodwill',
      amountMinor: 100,
    });
    expect(credit.statusCode).toBe(201);
    expect((await validate()).code).toBe('VALID');
    await app.close();
  });

  it('R5.1 (S0): refunding a renewal in full voids only the renewal; the purchase term stays', async () => {
    const { app, post, pay, sale, contract } = await sold();
    const renewal = (await post(`/v1/contracts/${sale.contractId}/renewals`, {})).json();
    await pay(renewal.invoice);
    expect((await contract()).expiresOn).toBe('2028-02-01');
    const credit = await post(`/v1/invoices/${renewal.invoice.id}/credit-notes`, {
      reason: 'renewed by mistake',
    });
    expect(credit.statusCode).toBe(201);
    const after = await contract();
    expect(after.expiresOn).toBe('2027-02-01');
    expect(after.state).toBe('active');
    await app.close();
  });
});
