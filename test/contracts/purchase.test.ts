import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { apiKeyWith, withKey } from '../server/app-helpers.ts';
import { createOrganisation, createRelease, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { buy, contractWorld, get, post, storedTerms } from './contract-helpers.ts';

describeDb('contracts: purchase (R0.1, R0.2, R0.6, R0.7)', (getDb) => {
  const firstTerms = [
    ['S0', PRESET.S0, 'USD', '2026-01-31', '2027-01-31'],
    ['S1', PRESET.S1, 'USD', '2026-08-31', '2027-02-28'],
    ['S2', PRESET.S2, 'EUR', '2026-11-30', '2027-02-28'],
  ] as const;
  for (const [seed, planKey, currency, purchasedOn, endsOn] of firstTerms) {
    it(`R0.1 first term (${seed}): a purchase on ${purchasedOn} is covered until ${endsOn} (half-open)`, async () => {
      const { db } = getDb();
      const { app, admin, organisationId, productId } = await contractWorld(db, {
        planKey,
        prices: { [currency]: 10000 },
      });
      const body = await buy(app, admin, { organisationId, productId, purchasedOn });
      expect(body.quote.newTerms).toEqual([
        { kind: 'initial', startsOn: purchasedOn, endsOn, givesService: true },
      ]);
      expect(await storedTerms(db, body.contractId)).toEqual([['initial', purchasedOn, endsOn, true]]);
      expect(body.invoice.number).toBe('INV-000001');
      expect(body.quote.currency).toBe(currency);
      expect(body.licenseKeys).toHaveLength(1);
      await app.close();
    });
  }

  it('R0.6/R0.7 (S2): one transaction writes contract, undiscounted list price, order with inputs, invoice, license, key and notice', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, {
      planKey: PRESET.S2,
      prices: { EUR: 4999 },
    });
    await signInCustomer(db, organisationId, 'customer-admin');
    await createRelease(db, productId, '2.0.0', '2026-01-10');
    await createRelease(db, productId, '3.1.0', '2026-02-10');
    await createRelease(db, productId, '4.0.0', '2026-05-10');
    await db
      .insertInto('compatibility_declarations')
      .values({
        id: 'cmp_1',
        product_id: productId,
        effective_from: '2026-01-01',
        platforms: JSON.stringify(['magento-2.4']),
      })
      .execute();
    const body = await buy(app, admin, {
      organisationId,
      productId,
      purchasedOn: '2026-03-01',
      discountMinor: 999,
    });
    expect(body.quote.totals.totalMinor).toBe(4000);
    expect(body.licenseKeys[0]).toMatchObject({ major: 3 });
    const contract = await db
      .selectFrom('contracts')
      .selectAll()
      .where('id', '=', body.contractId)
      .executeTakeFirstOrThrow();
    expect(contract).toMatchObject({
      list_price_minor: 4999,
      purchase_discount_minor: 999,
      purchased_major: 3,
      currency: 'EUR',
      compatibility_snapshot: { id: 'cmp_1', effectiveFrom: '2026-01-01', platforms: ['magento-2.4'] },
    });
    const order = await db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', body.orderId)
      .executeTakeFirstOrThrow();
    expect(order.kind).toBe('purchase');
    expect(order.quote).toMatchObject({
      inputs: {
        discountMinor: 999,
        listPriceMinor: 4999,
        purchasedOn: '2026-03-01',
        planKey: 'addon-support',
      },
      quote: { totals: { totalMinor: 4000 } },
    });
    const invoice = await db
      .selectFrom('invoices')
      .selectAll()
      .where('order_id', '=', body.orderId)
      .executeTakeFirstOrThrow();
    expect(invoice.total_minor).toBe(4000);
    const notices = await db
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', 'contract.purchased')
      .execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.recipient).toMatch(/@customer\.test$/);
    expect(JSON.stringify(notices[0]?.payload)).not.toContain(body.licenseKeys[0].key);
    expect(notices[0]?.payload).toMatchObject({
      validity: { expiresOn: '2026-06-01', lastCoveredDay: '2026-05-31' },
    });
    await app.close();
  });

  it('R0.1/R0.5 (S3): a support subscription sold on its own costs one term at the category price, not a license', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, {
      planKey: PRESET.S3,
      category: 'enterprise',
      prices: {},
    });
    const body = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-02-01' });
    expect(body.quote.currency).toBe('RUB');
    expect(body.quote.lines).toHaveLength(1);
    expect(body.quote.lines[0].description).toMatch(/^Subscription: 1 year of support/);
    expect(body.quote.totals.totalMinor).toBe(18000000);
    expect(body.quote.newTerms[0]).toMatchObject({ startsOn: '2026-02-01', endsOn: '2027-02-01' });
    const discounted = await post(app, admin, '/v1/contracts/quote', {
      organisationId: await createOrganisation(db, 'B'),
      productId,
      discountMinor: 5,
    });
    expect(discounted.json().error.details.reason).toBe('INVALID_DISCOUNT');
    await app.close();
  });

  it('R0.1 (S0): purchasedOn defaults to today in the plan’s time zone', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(
      db,
      { planKey: PRESET.S0, category: 'professional' },
      new Date('2026-03-02T09:00:00Z'),
    );
    const body = await buy(app, admin, { organisationId, productId });
    expect(body.quote.newTerms[0]).toMatchObject({ startsOn: '2026-03-02', endsOn: '2027-03-02' });
    await app.close();
  });

  it('R0.2 (S0): a second purchase of the same product for the same organisation answers 409 CONTRACT_EXISTS naming the contract', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const first = await buy(app, admin, { organisationId, productId });
    const again = await post(app, admin, '/v1/contracts', { organisationId, productId });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'CONTRACT_EXISTS',
      details: { contractId: first.contractId },
    });
    const quote = await post(app, admin, '/v1/contracts/quote', { organisationId, productId });
    expect(quote.json().error.code).toBe('CONTRACT_EXISTS');
    // Two products, two contracts (R0.2).
    const other = await contractWorld(db, { planKey: PRESET.S0 });
    await buy(app, admin, { organisationId, productId: other.productId });
    await other.app.close();
    await app.close();
  });

  it('R0.2 (S0): parallel purchases of one product for one organisation give one contract and 409s', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => post(app, admin, '/v1/contracts', { organisationId, productId })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    const count = await db.selectFrom('contracts').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    await app.close();
  });

  it('R0.7 one transaction (S0): when the last write fails nothing is left behind and the invoice number is not used up', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    // Make the notice (the last write of a purchase) fail.
    await sql`CREATE FUNCTION h5_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'outbox refused for the test'; END; $$`.execute(db);
    await sql`CREATE TRIGGER h5_refuse BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION h5_refuse()`.execute(
      db,
    );
    const failed = await post(app, admin, '/v1/contracts', { organisationId, productId });
    expect(failed.statusCode).toBe(500);
    for (const table of [
      'contracts',
      'orders',
      'coverage_terms',
      'invoices',
      'licenses',
      'license_keys',
    ] as const) {
      expect(await db.selectFrom(table).selectAll().execute(), table).toHaveLength(0);
    }
    await sql`DROP TRIGGER h5_refuse ON outbox`.execute(db);
    const body = await buy(app, admin, { organisationId, productId });
    expect(body.invoice.number).toBe('INV-000001');
    await app.close();
  });

  it('quote equals the purchase it precedes (S2 with a discount): lines, totals, terms, explanation', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, {
      planKey: PRESET.S2,
      prices: { EUR: 4999 },
    });
    const payload = { organisationId, productId, purchasedOn: '2026-01-31', discountMinor: 1000 };
    const quote = await post(app, admin, '/v1/contracts/quote', payload);
    expect(quote.statusCode, quote.body).toBe(200);
    expect(await db.selectFrom('contracts').selectAll().execute()).toHaveLength(0);
    const bought = await buy(app, admin, payload);
    expect(bought.quote).toEqual(quote.json());
    expect(quote.json().explanation).toContain('First term (R0.1): 3 months from 2026-01-31');
    await app.close();
  });

  it('errors: unknown product or organisation → 404; bad date → 400 naming the field; no price in the plan currency → 422', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, {
      planKey: PRESET.S2,
      prices: { USD: 100 },
    });
    const missing = await post(app, admin, '/v1/contracts', { organisationId, productId: 'prd_nope' });
    expect(missing.statusCode).toBe(404);
    const noOrg = await post(app, admin, '/v1/contracts', { organisationId: 'org_nope', productId });
    expect(noOrg.statusCode).toBe(404);
    const badDate = await post(app, admin, '/v1/contracts', {
      organisationId,
      productId,
      purchasedOn: '2026-02-30',
    });
    expect(badDate.statusCode).toBe(400);
    expect(JSON.stringify(badDate.json().error.details)).toContain('purchasedOn');
    const noPrice = await post(app, admin, '/v1/contracts', { organisationId, productId });
    expect(noPrice.statusCode).toBe(422);
    expect(noPrice.json().error).toMatchObject({
      code: 'PRICE_UNAVAILABLE',
      details: { reason: 'LIST_PRICE_REQUIRED' },
    });
    await app.close();
  });

  it('security: a customer may not buy (403), may quote only for its own organisation (other → 404); a key needs contracts:write', async () => {
    const { db } = getDb();
    const { app, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const customer = await signInCustomer(db, organisationId);
    const stranger = await signInCustomer(db, await createOrganisation(db, 'Other Ltd'));
    expect((await post(app, customer, '/v1/contracts', { organisationId, productId })).statusCode).toBe(403);
    expect((await post(app, customer, '/v1/contracts/quote', { organisationId, productId })).statusCode).toBe(
      200,
    );
    const other = await post(app, stranger, '/v1/contracts/quote', { organisationId, productId });
    expect(other.statusCode).toBe(404);
    const readKey = await apiKeyWith(db, ['contracts:read']);
    const byKey = await app.inject(
      withKey(readKey, { method: 'POST', url: '/v1/contracts', payload: { organisationId, productId } }),
    );
    expect(byKey.statusCode).toBe(403);
    const writeKey = await apiKeyWith(db, ['contracts:write']);
    const sold = await app.inject(
      withKey(writeKey, { method: 'POST', url: '/v1/contracts', payload: { organisationId, productId } }),
    );
    expect(sold.statusCode, sold.body).toBe(201);
    expect((await get(app, stranger, `/v1/contracts/${sold.json().contractId}`)).statusCode).toBe(404);
    await app.close();
  });
});
