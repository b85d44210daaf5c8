import { expect, it } from 'vitest';
import { apiKeyWith, makeApp, testClock, withKey } from '../server/app-helpers.ts';
import { PRESET, storePreset } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

// docs/contracts-api.md's curl tour, request by request, with one API key: create a product, an
// organisation, quote, sell, renew after the lapse, look at the contract.

describeDb('contracts: the documented tour (create product → sell → renew)', (getDb) => {
  it('R0.1/R0.4/R0.7 (S0): the tour’s requests answer what the guide shows', async () => {
    const { db } = getDb();
    await storePreset(db, PRESET.S0); // `npm start` stores the presets
    const clock = testClock(new Date('2026-03-02T09:00:00Z'));
    const app = await makeApp(db, clock);
    const key = await apiKeyWith(db, [
      'catalog:write',
      'catalog:read',
      'customers:write',
      'contracts:read',
      'contracts:write',
      'billing:read',
    ]);
    const call = async (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => {
      const res = await app.inject(withKey(key, { method, url, ...(payload ? { payload } : {}) }));
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    const product = await call('POST', '/v1/products', {
      slug: 'report-builder',
      name: 'Report Builder',
      category: 'professional',
      planKey: 'annual-maintenance',
      prices: [{ currency: 'USD', amountMinor: 49900 }],
    });
    const org = await call('POST', '/v1/organisations', { name: 'Acme GmbH' });
    const order = { organisationId: org.id, productId: product.id, purchasedOn: '2026-01-10' };
    const quote = await call('POST', '/v1/contracts/quote', order);
    const sold = await call('POST', '/v1/contracts', order);
    expect(sold.quote).toEqual(quote);
    expect(sold).toMatchObject({
      invoice: { number: 'INV-000001', totalMinor: 49900 },
      quote: {
        lines: [{ description: 'License: Report Builder, including 1 year of support and maintenance' }],
        newTerms: [{ kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10', givesService: true }],
      },
      licenseKeys: [{ major: 1 }],
    });
    expect(sold.quote.explanation).toMatch(
      /^First term \(R0\.1\): 1 year from 2026-01-10, covered until 2027-01-09/,
    );
    clock.advance(364 * 24 * 3600 * 1000); // 2026-03-02 + 364 days = 2027-03-01
    const renewal = await call('POST', `/v1/contracts/${sold.contractId}/renewals`, { terms: 1 });
    expect(renewal.quote.newTerms).toEqual([
      { kind: 'backdated-gap', startsOn: '2027-01-10', endsOn: '2027-03-01', givesService: false },
      { kind: 'renewal', startsOn: '2027-03-01', endsOn: '2028-01-10', givesService: true },
    ]);
    expect(renewal.quote.explanation).toContain(
      'Coverage expired on 2027-01-10. The renewal of 1 year is backdated to that date, so coverage stays contiguous and the lapse is paid for; service resumes on 2027-03-01 (the payment date)',
    );
    const detail = await call('GET', `/v1/contracts/${sold.contractId}`);
    expect(detail).toMatchObject({ state: 'active', expiresOn: '2028-01-10', lastCoveredDay: '2028-01-09' });
    expect(detail.orders.map((o: { invoiceNumber: string }) => o.invoiceNumber)).toEqual([
      'INV-000001',
      'INV-000002',
    ]);
    await app.close();
  });
});
