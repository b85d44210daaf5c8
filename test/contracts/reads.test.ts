import { expect, it } from 'vitest';
import { apiKeyWith, withKey } from '../server/app-helpers.ts';
import { createOrganisation, createRelease, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { buy, contractWorld, get } from './contract-helpers.ts';

const DAY = 24 * 3600 * 1000;

describeDb('contracts: list, detail and entitlements (R0.3, R1.1, R4.3)', (getDb) => {
  it('detail (S0): pinned plan version, terms stored and effective, state and coverage today, entitlements, orders with invoices', async () => {
    const { db } = getDb();
    const { app, clock, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    await createRelease(db, productId, '1.0.0', '2026-01-01');
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-01-10' });
    const res = await get(app, admin, `/v1/contracts/${contractId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: contractId,
      plan: { key: 'annual-maintenance', version: 1 },
      state: 'active',
      expiresOn: '2027-01-10',
      lastCoveredDay: '2027-01-09',
      today: '2026-03-02',
      serviceToday: true,
      purchasedMajor: 1,
      entitlements: {
        support: { allowed: true, reason: 'COVERED' },
        downloads: { allowed: true, reason: 'COVERED' },
      },
      orders: [{ kind: 'purchase', invoiceNumber: 'INV-000001', orderedOn: '2026-01-10' }],
    });
    // A year later (S0): lapsed; support stops, the covered release stays licensed (R0.3 fallback).
    const key = await apiKeyWith(db, ['contracts:read', 'contracts:write']);
    const asKey = (method: 'GET' | 'POST', url: string) =>
      app.inject(withKey(key, { method, url, payload: {} }));
    clock.advance(365 * DAY); // the admin's session has expired by now: continue with an API key
    const lapsed = (await asKey('GET', `/v1/contracts/${contractId}`)).json();
    expect(lapsed).toMatchObject({
      state: 'lapsed',
      entitlements: {
        support: { allowed: false, reason: 'LAPSED' },
        downloads: { allowed: true, reason: 'FALLBACK_LICENSE' },
      },
    });
    expect((await asKey('POST', `/v1/contracts/${contractId}/renewals`)).statusCode).toBe(201);
    const renewed = (await asKey('GET', `/v1/contracts/${contractId}`)).json();
    expect(renewed.terms.stored.map((t: { kind: string }) => t.kind)).toEqual([
      'initial',
      'backdated-gap',
      'renewal',
    ]);
    expect(renewed.orders.map((o: { invoiceNumber: string }) => o.invoiceNumber)).toEqual([
      'INV-000001',
      'INV-000002',
    ]);
    await app.close();
  });

  it('entitlements route: support, download (fallback after lapse), feature (S4: stops on lapse, R4.3), on a given day', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const releaseId = await createRelease(db, productId, '1.2.0', '2026-02-01');
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-01-10' });
    const url = `/v1/contracts/${contractId}/entitlements`;
    const support = (await get(app, admin, `${url}?gate=support&on=2027-02-01`)).json();
    expect(support).toMatchObject({ allowed: false, reason: 'LAPSED', facts: { expiresOn: '2027-01-10' } });
    const download = (
      await get(app, admin, `${url}?gate=download&releaseId=${releaseId}&on=2027-02-01`)
    ).json();
    expect(download).toMatchObject({
      allowed: true,
      reason: 'FALLBACK_LICENSE',
      facts: { releaseEffectiveOn: '2026-02-01' },
    });
    const s4 = await contractWorld(db, { planKey: PRESET.S4 });
    const sub = await buy(s4.app, admin, {
      organisationId,
      productId: s4.productId,
      seats: 3,
      purchasedOn: '2026-01-01',
    });
    const feature = `/v1/contracts/${sub.contractId}/entitlements?gate=feature&feature=app`;
    expect((await get(app, admin, `${feature}&on=2026-06-01`)).json()).toMatchObject({
      allowed: true,
      reason: 'COVERED',
    });
    expect((await get(app, admin, `${feature}&on=2027-01-01`)).json()).toMatchObject({
      allowed: false,
      reason: 'LAPSED',
    });
    const bad = await get(app, admin, `${url}?gate=download`);
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error.details)).toContain('releaseId');
    const unknown = await get(app, admin, `${url}?gate=download&releaseId=rel_nope`);
    expect(unknown.statusCode).toBe(404);
    await s4.app.close();
    await app.close();
  });

  it('R1.3/R1.4 (S0): an active restriction revoking support shows as REVOKED with its reason; lifting it restores COVERED', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId });
    await db
      .insertInto('organisation_restrictions')
      .values({
        id: 'rst_1',
        organisation_id: organisationId,
        kind: 'suspension',
        reason: 'flooding',
        revokes: ['support'],
        starts_at: new Date('2026-03-01T00:00:00Z'),
        recorded_by: null,
      })
      .execute();
    const url = `/v1/contracts/${contractId}/entitlements?gate=support`;
    expect((await get(app, admin, url)).json()).toMatchObject({
      allowed: false,
      reason: 'REVOKED',
      facts: { revokedBecause: 'flooding' },
    });
    expect((await get(app, admin, `/v1/contracts/${contractId}`)).json().entitlements.support.reason).toBe(
      'REVOKED',
    );
    await db
      .updateTable('organisation_restrictions')
      .set({ lifted_at: new Date() })
      .where('id', '=', 'rst_1')
      .execute();
    expect((await get(app, admin, url)).json()).toMatchObject({ allowed: true, reason: 'COVERED' });
    await app.close();
  });

  it('detail tells the customer its plan’s ticket categories (children flattened with their ids) and whether the product-update list is required (R1.1)', async () => {
    const { db } = getDb();
    const s3 = await contractWorld(db, { planKey: PRESET.S3 });
    const { contractId } = await buy(s3.app, s3.admin, {
      organisationId: s3.organisationId,
      productId: s3.productId,
    });
    const customer = await signInCustomer(db, s3.organisationId, 'customer-user');
    const detail = (await get(s3.app, customer, `/v1/contracts/${contractId}`)).json();
    expect(detail.productUpdateListRequired).toBe(false);
    const ids = detail.categories.map((c: { id: string }) => c.id);
    expect(ids.slice(0, 6)).toEqual(['1', '2', '2.1', '2.2', '2.3', '2.4']);
    expect(detail.categories[1]).toEqual({ id: '2', name: 'Software support', parentId: null });
    expect(detail.categories[2]).toEqual({
      id: '2.1',
      name: 'Analysis and identification of possible errors',
      parentId: '2',
    });
    await s3.app.close();
    const s1 = await contractWorld(db, { planKey: PRESET.S1 });
    const bought = await buy(s1.app, s1.admin, {
      organisationId: s1.organisationId,
      productId: s1.productId,
    });
    const s1Customer = await signInCustomer(db, s1.organisationId, 'customer-user');
    const s1Detail = (await get(s1.app, s1Customer, `/v1/contracts/${bought.contractId}`)).json();
    expect(s1Detail.productUpdateListRequired).toBe(true);
    expect(s1Detail.categories.map((c: { id: string }) => c.id)).toContain('question');
    await s1.app.close();
  });

  it('list: staff see all and filter; a customer sees only its own; pages by cursor', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const otherOrg = await createOrganisation(db, 'Other Ltd');
    const a = await buy(app, admin, { organisationId, productId });
    const b = await buy(app, admin, { organisationId: otherOrg, productId });
    const all = (await get(app, admin, '/v1/contracts')).json();
    expect(all.items.map((c: { id: string }) => c.id).sort()).toEqual([a.contractId, b.contractId].sort());
    expect(all.items[0]).toMatchObject({ state: 'active', plan: { key: 'annual-maintenance' } });
    const filtered = (await get(app, admin, `/v1/contracts?organisationId=${otherOrg}`)).json();
    expect(filtered.items.map((c: { id: string }) => c.id)).toEqual([b.contractId]);
    const page1 = (await get(app, admin, '/v1/contracts?limit=1')).json();
    expect(page1.items).toHaveLength(1);
    const page2 = (await get(app, admin, `/v1/contracts?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const customer = await signInCustomer(db, organisationId, 'customer-user');
    // A customer's organisationId filter cannot widen what it sees.
    const own = (await get(app, customer, `/v1/contracts?organisationId=${otherOrg}`)).json();
    expect(own.items.map((c: { id: string }) => c.id)).toEqual([a.contractId]);
    await app.close();
  });

  it('security: another organisation’s contract answers 404 on detail and entitlements, like a missing one; a key needs contracts:read', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId });
    const stranger = await signInCustomer(db, await createOrganisation(db, 'Other Ltd'));
    const owner = await signInCustomer(db, organisationId);
    for (const url of [
      `/v1/contracts/${contractId}`,
      `/v1/contracts/${contractId}/entitlements?gate=support`,
    ]) {
      const other = await get(app, stranger, url);
      expect(other.statusCode, url).toBe(404);
      const missing = await get(app, admin, url.replace(contractId, 'ctr_missing'));
      expect(missing.statusCode, url).toBe(404);
      expect((await get(app, owner, url)).statusCode, url).toBe(200);
    }
    const wrongKey = await apiKeyWith(db, ['billing:read']);
    const refused = await app.inject(
      withKey(wrongKey, { method: 'GET', url: `/v1/contracts/${contractId}` }),
    );
    expect(refused.statusCode).toBe(403);
    await app.close();
  });
});
