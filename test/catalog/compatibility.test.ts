import { expect, it } from 'vitest';
import { compatibilityInForce } from '../../src/server/catalog/compatibility.service.ts';
import { apiKeyWith, asSession, signIn, withKey } from '../server/app-helpers.ts';
import { createOrganisation, createProduct, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { makeCatalogApp } from './catalog-fixtures.ts';

const V2025 = { effectiveFrom: '2025-01-01', platforms: [{ platform: 'Asterisk', versions: ['16', '18'] }] };
const V2026 = {
  effectiveFrom: '2026-01-01',
  platforms: [
    { platform: 'Asterisk', versions: ['18', '20'] },
    { platform: 'FreePBX', versions: ['16'] },
  ],
  note: 'Asterisk 16 dropped.',
};

describeDb('catalog: compatibility declarations (R1.2)', (getDb) => {
  it('R1.2 (S2): the declaration in force on a date is the latest from on or before it', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S2 });
    const key = await apiKeyWith(db, ['catalog:write', 'catalog:read']);
    const { app, cleanup } = await makeCatalogApp(db);
    const url = `/v1/products/${productId}/compatibility`;
    const first = await app.inject(withKey(key, { method: 'POST', url, payload: V2025 }));
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ ...V2025, note: '', productId });
    const second = (await app.inject(withKey(key, { method: 'POST', url, payload: V2026 }))).json();

    const table: [string, string | null][] = [
      ['2024-12-31', null],
      ['2025-01-01', first.json().id],
      ['2025-12-31', first.json().id],
      ['2026-01-01', second.id],
      ['2030-06-01', second.id],
    ];
    for (const [on, expected] of table) {
      const res = (await app.inject(withKey(key, { method: 'GET', url: `${url}?on=${on}` }))).json();
      expect(res.on).toBe(on);
      expect(res.inForce?.id ?? null, on).toBe(expected);
      expect(res.items.map((d: { effectiveFrom: string }) => d.effectiveFrom)).toEqual([
        '2026-01-01',
        '2025-01-01',
      ]);
      expect((await compatibilityInForce(db, productId, on))?.id ?? null).toBe(expected);
    }
    // Without `on`: today (the test clock: 2026-03-02).
    const today = (await app.inject(withKey(key, { method: 'GET', url }))).json();
    expect(today).toMatchObject({
      on: '2026-03-02',
      inForce: { id: second.id, note: 'Asterisk 16 dropped.' },
    });
    await cleanup();
  });

  it('errors: the same date twice 409 (append-only), bad date 400, no product 404', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S2 });
    const admin = await signIn(db, 'admin');
    const { app, cleanup } = await makeCatalogApp(db);
    const url = `/v1/products/${productId}/compatibility`;
    const first = await app.inject(asSession(admin, { method: 'POST', url, payload: V2025 }));
    const again = await app.inject(
      asSession(admin, { method: 'POST', url, payload: { ...V2026, effectiveFrom: '2025-01-01' } }),
    );
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'ALREADY_EXISTS', details: { id: first.json().id } });
    const stored = await db.selectFrom('compatibility_declarations').select('platforms').execute();
    expect(stored).toEqual([{ platforms: V2025.platforms }]);
    const badDate = await app.inject(
      asSession(admin, { method: 'POST', url, payload: { ...V2025, effectiveFrom: '2025-13-01' } }),
    );
    expect(badDate.json().error.details[0].path).toBe('body.effectiveFrom');
    const noVersions = await app.inject(
      asSession(admin, {
        method: 'POST',
        url,
        payload: { effectiveFrom: '2027-01-01', platforms: [{ platform: 'X', versions: [] }] },
      }),
    );
    expect(noVersions.statusCode).toBe(400);
    const badOn = await app.inject(asSession(admin, { method: 'GET', url: `${url}?on=yesterday` }));
    expect(badOn.json().error.code).toBe('VALIDATION_FAILED');
    const missing = await app.inject(
      asSession(admin, { method: 'POST', url: '/v1/products/prd_missing/compatibility', payload: V2025 }),
    );
    expect(missing.statusCode).toBe(404);
    const missingRead = await app.inject(
      asSession(admin, { method: 'GET', url: '/v1/products/prd_missing/compatibility' }),
    );
    expect(missingRead.statusCode).toBe(404);
    await cleanup();
  });

  it('security: a customer reads declarations but cannot declare one', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S2 });
    const customer = await signInCustomer(db, await createOrganisation(db));
    const { app, cleanup } = await makeCatalogApp(db);
    const url = `/v1/products/${productId}/compatibility`;
    expect((await app.inject(asSession(customer, { method: 'POST', url, payload: V2025 }))).statusCode).toBe(
      403,
    );
    const read = await app.inject(asSession(customer, { method: 'GET', url }));
    expect(read.statusCode).toBe(200);
    expect(read.json().items).toEqual([]);
    await cleanup();
  });
});
