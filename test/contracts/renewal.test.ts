import { expect, it } from 'vitest';
import { createOrganisation, createRelease, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { buy, contractWorld, get, post, renew, storedTerms } from './contract-helpers.ts';

describeDb('contracts: renewals (R0.4, R0.5, R0.7)', (getDb) => {
  it('R0.4 backdate (S0): a renewal after the lapse is an unserved gap from the old expiry plus a served renewal, contiguous', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, {
      planKey: PRESET.S0,
      category: 'professional',
    });
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-01-10' });
    const body = await renew(app, admin, contractId, { renewOn: '2027-03-01' });
    expect(body.quote.kind).toBe('renewal');
    expect(await storedTerms(db, contractId)).toEqual([
      ['initial', '2026-01-10', '2027-01-10', true],
      ['backdated-gap', '2027-01-10', '2027-03-01', false],
      ['renewal', '2027-03-01', '2028-01-10', true],
    ]);
    expect(body.quote.totals.totalMinor).toBe(9900);
    expect(body.quote.explanation).toContain('backdated');
    expect(body.quote.explanation).toContain('service resumes on 2027-03-01');
    expect(body.invoice.number).toBe('INV-000002');
    const notice = await db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '=', 'contract.renewed')
      .executeTakeFirstOrThrow();
    expect(notice.payload).toMatchObject({
      validity: { expiresOn: '2028-01-10', lastCoveredDay: '2028-01-09' },
    });
    await app.close();
  });

  it('R0.4 backdate (S0): staff record a later payment date; service resumes on the day of payment', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2025-05-01' });
    const quote = await post(app, admin, `/v1/contracts/${contractId}/renewals/quote`, {
      renewOn: '2026-07-01',
      paidOn: '2026-07-15',
    });
    expect(quote.statusCode, quote.body).toBe(200);
    expect(quote.json().newTerms).toEqual([
      { kind: 'backdated-gap', startsOn: '2026-05-01', endsOn: '2026-07-15', givesService: false },
      { kind: 'renewal', startsOn: '2026-07-15', endsOn: '2027-05-01', givesService: true },
    ]);
    expect(quote.json().explanation).toContain('service resumes on 2026-07-15 (the payment date)');
    await app.close();
  });

  it('R0.3 (S0): a backdated renewal that covers a major published in the gap issues its key in the same order', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    await createRelease(db, productId, '1.0.0', '2026-01-01');
    const bought = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-01-10' });
    expect(bought.licenseKeys.map((k: { major: number }) => k.major)).toEqual([1]);
    await createRelease(db, productId, '2.0.0', '2027-02-01');
    const renewed = await renew(app, admin, bought.contractId, { renewOn: '2027-03-01' });
    expect(renewed.licenseKeys.map((k: { major: number }) => k.major)).toEqual([2]);
    expect(renewed.licenseKeys[0].key).toEqual(expect.any(String));
    await app.close();
  });

  it('R0.4/R0.5 extend (S2): an active contract gets 3 months after its expiry at 30 % of the undiscounted list price', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, {
      planKey: PRESET.S2,
      prices: { EUR: 4999 },
    });
    const { contractId } = await buy(app, admin, {
      organisationId,
      productId,
      purchasedOn: '2026-01-31',
      discountMinor: 2000,
    });
    const body = await renew(app, admin, contractId, { renewOn: '2026-03-15' });
    expect(body.quote.newTerms).toEqual([
      { kind: 'renewal', startsOn: '2026-04-30', endsOn: '2026-07-31', givesService: true },
    ]);
    expect(body.quote.totals.totalMinor).toBe(1500); // 30 % of 49.99, half-up; the discount is ignored
    await app.close();
  });

  it('R0.4 extend (S2): an expired contract restarts on the renewal date and the lapse stays uncovered', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, {
      planKey: PRESET.S2,
      prices: { EUR: 4999 },
    });
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-01-31' });
    await renew(app, admin, contractId, { renewOn: '2026-06-10' });
    expect((await storedTerms(db, contractId)).at(-1)).toEqual(['renewal', '2026-06-10', '2026-09-10', true]);
    await app.close();
  });

  it('R0.4 from-now (S1): the renewal starts on the renewal date and replaces the rest of the current term', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, {
      planKey: PRESET.S1,
      category: 'default',
    });
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-01-01' });
    const body = await renew(app, admin, contractId, { renewOn: '2026-03-01' });
    expect(body.quote.newTerms).toEqual([
      { kind: 'renewal', startsOn: '2026-03-01', endsOn: '2026-09-01', givesService: true },
    ]);
    expect(body.quote.totals.totalMinor).toBe(0);
    const detail = (await get(app, admin, `/v1/contracts/${contractId}`)).json();
    expect(detail.terms.effective).toEqual([
      { kind: 'initial', startsOn: '2026-01-01', endsOn: '2026-03-01', givesService: true },
      { kind: 'renewal', startsOn: '2026-03-01', endsOn: '2026-09-01', givesService: true },
    ]);
    await app.close();
  });

  it('refusal (S0): more terms than the plan allows at once → 422 RENEWAL_REFUSED with details.reason, nothing written', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId });
    const res = await post(app, admin, `/v1/contracts/${contractId}/renewals`, { terms: 6 });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'RENEWAL_REFUSED',
      details: { reason: 'TOO_MANY_TERMS' },
    });
    expect(await storedTerms(db, contractId)).toHaveLength(1);
    const two = await renew(app, admin, contractId, { terms: 2 });
    expect(two.quote.newTerms[0]).toMatchObject({ startsOn: '2027-03-02', endsOn: '2029-03-02' });
    await app.close();
  });

  it('R0.4 backdate (S0): a lapse longer than the renewal is renewable: 1 term backdates to the anniversary, the 1st lapsed year stays uncovered; 2 terms backfill it', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2024-01-10' });
    const two = await post(app, admin, `/v1/contracts/${contractId}/renewals/quote`, {
      renewOn: '2026-03-01',
      terms: 2,
    });
    expect(two.statusCode, two.body).toBe(200);
    expect(two.json().newTerms).toEqual([
      { kind: 'backdated-gap', startsOn: '2025-01-10', endsOn: '2026-03-01', givesService: false },
      { kind: 'renewal', startsOn: '2026-03-01', endsOn: '2027-01-10', givesService: true },
    ]);
    expect(two.json().totals.totalMinor).toBe(2 * 4900);
    const one = await renew(app, admin, contractId, { renewOn: '2026-03-01' });
    expect(one.quote.newTerms).toEqual([
      { kind: 'backdated-gap', startsOn: '2026-01-10', endsOn: '2026-03-01', givesService: false },
      { kind: 'renewal', startsOn: '2026-03-01', endsOn: '2027-01-10', givesService: true },
    ]);
    expect(one.quote.totals.totalMinor).toBe(4900);
    expect(one.quote.explanation).toContain(
      'backdated to 2026-01-10, the 1st anniversary of the expiry; 2025-01-10 to 2026-01-09 stays uncovered',
    );
    expect(await storedTerms(db, contractId)).toEqual([
      ['initial', '2024-01-10', '2025-01-10', true],
      ['backdated-gap', '2026-01-10', '2026-03-01', false],
      ['renewal', '2026-03-01', '2027-01-10', true],
    ]);
    await app.close();
  });

  it('R0.5 price gap (S1): a product category the plan has no renewal price for → 422 PRICE_UNAVAILABLE', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S1 });
    const { contractId } = await buy(app, admin, { organisationId, productId });
    const res = await post(app, admin, `/v1/contracts/${contractId}/renewals`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'PRICE_UNAVAILABLE',
      details: { reason: 'NO_PRICE_FOR_CATEGORY' },
    });
    await app.close();
  });

  it('quote equals the renewal it precedes (S0, 2 terms)', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2025-01-01' });
    const payload = { terms: 2, renewOn: '2026-02-01' };
    const quote = await post(app, admin, `/v1/contracts/${contractId}/renewals/quote`, payload);
    expect(await storedTerms(db, contractId)).toHaveLength(1);
    const renewed = await renew(app, admin, contractId, payload);
    expect(renewed.quote).toEqual(quote.json());
    await app.close();
  });

  it('security: a customer renews its own contract but may not set renewOn (403); another organisation’s → 404', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId });
    const customer = await signInCustomer(db, organisationId, 'customer-admin');
    const stranger = await signInCustomer(db, await createOrganisation(db, 'Other Ltd'));
    const dated = await post(app, customer, `/v1/contracts/${contractId}/renewals`, {
      renewOn: '2026-01-01',
    });
    expect(dated.statusCode).toBe(403);
    expect(dated.json().error.message).toContain('body.renewOn');
    const paid = await post(app, customer, `/v1/contracts/${contractId}/renewals/quote`, {
      paidOn: '2026-04-01',
    });
    expect(paid.statusCode).toBe(403);
    for (const url of [
      `/v1/contracts/${contractId}/renewals`,
      `/v1/contracts/${contractId}/renewals/quote`,
    ]) {
      const other = await post(app, stranger, url, {});
      expect(other.statusCode, url).toBe(404);
      expect(other.json().error.code).toBe('NOT_FOUND');
    }
    const missing = await post(app, admin, '/v1/contracts/ctr_missing/renewals', {});
    expect(missing.statusCode).toBe(404);
    await renew(app, customer, contractId);
    await app.close();
  });
});
