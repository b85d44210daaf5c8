import { expect, it } from 'vitest';
import { apiKeyWith, asSession, signIn, withKey } from '../server/app-helpers.ts';
import {
  createOrganisation,
  createRelease,
  PRESET,
  signInCustomer,
  storePreset,
} from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { makeCatalogApp } from './catalog-fixtures.ts';

const NEW_PRODUCT = {
  slug: 'pbx-manager',
  name: 'PBX Manager',
  category: 'standard',
  description: 'Manages phone systems.',
  planKey: PRESET.S0,
  prices: [
    { currency: 'USD', amountMinor: 49900 },
    { currency: 'EUR', amountMinor: 45900 },
  ],
};

describeDb('catalog: products', (getDb) => {
  it('R0.5 products (S0): create, read, list, patch, replace prices; customers may read', async () => {
    const { db } = getDb();
    await storePreset(db, PRESET.S0);
    await storePreset(db, PRESET.S2);
    const admin = await signIn(db, 'admin');
    const customer = await signInCustomer(db, await createOrganisation(db));
    const { app, cleanup } = await makeCatalogApp(db);

    const created = await app.inject(
      asSession(admin, { method: 'POST', url: '/v1/products', payload: NEW_PRODUCT }),
    );
    expect(created.statusCode).toBe(201);
    const product = created.json();
    expect(product).toMatchObject({
      slug: 'pbx-manager',
      planKey: PRESET.S0,
      archivedAt: null,
      prices: [
        { currency: 'EUR', amountMinor: 45900 },
        { currency: 'USD', amountMinor: 49900 },
      ],
    });
    expect(product.id).toMatch(/^prd_/);

    const read = await app.inject(asSession(customer, { method: 'GET', url: `/v1/products/${product.id}` }));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(product);

    const patched = await app.inject(
      asSession(admin, {
        method: 'PATCH',
        url: `/v1/products/${product.id}`,
        payload: { name: 'PBX Manager Pro', planKey: PRESET.S2, category: 'enterprise' },
      }),
    );
    expect(patched.json()).toMatchObject({
      name: 'PBX Manager Pro',
      planKey: PRESET.S2,
      category: 'enterprise',
    });

    const priced = await app.inject(
      asSession(admin, {
        method: 'PUT',
        url: `/v1/products/${product.id}/prices`,
        payload: { prices: [{ currency: 'GBP', amountMinor: 39900 }] },
      }),
    );
    expect(priced.statusCode).toBe(200);
    expect(priced.json().prices).toEqual([{ currency: 'GBP', amountMinor: 39900 }]);

    const archived = await app.inject(
      asSession(admin, { method: 'PATCH', url: `/v1/products/${product.id}`, payload: { archived: true } }),
    );
    expect(archived.json().archivedAt).toBe('2026-03-02T09:00:00.000Z');
    const listed = await app.inject(asSession(customer, { method: 'GET', url: '/v1/products' }));
    expect(listed.json()).toEqual({ items: [], nextCursor: null });
    const withArchived = await app.inject(
      asSession(customer, { method: 'GET', url: '/v1/products?includeArchived=true' }),
    );
    expect(withArchived.json().items.map((p: { id: string }) => p.id)).toEqual([product.id]);
    await cleanup();
  });

  it('pagination: limit and cursor walk the products in creation order', async () => {
    const { db } = getDb();
    await storePreset(db, PRESET.S0);
    const key = await apiKeyWith(db, ['catalog:read', 'catalog:write']);
    const { app, cleanup } = await makeCatalogApp(db);
    const ids: string[] = [];
    for (const slug of ['a-one', 'b-two', 'c-three', 'd-four', 'e-five']) {
      const res = await app.inject(
        withKey(key, { method: 'POST', url: '/v1/products', payload: { ...NEW_PRODUCT, slug, prices: [] } }),
      );
      ids.push(res.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await app.inject(withKey(key, { method: 'GET', url }))).json();
      seen.push(...page.items.map((p: { id: string }) => p.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    await cleanup();
  });

  it('errors: taken slug 409 ALREADY_EXISTS, unknown plan 422 UNKNOWN_REFERENCE, bad fields 400, missing 404', async () => {
    const { db } = getDb();
    await storePreset(db, PRESET.S0);
    const admin = await signIn(db, 'admin');
    const { app, cleanup } = await makeCatalogApp(db);
    const post = (payload: unknown) =>
      app.inject(asSession(admin, { method: 'POST', url: '/v1/products', payload: payload as object }));
    const first = await post(NEW_PRODUCT);
    const again = await post(NEW_PRODUCT);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'ALREADY_EXISTS', details: { id: first.json().id } });

    const unknownPlan = await post({ ...NEW_PRODUCT, slug: 'other', planKey: 'no-such-plan' });
    expect(unknownPlan.statusCode).toBe(422);
    expect(unknownPlan.json().error).toMatchObject({
      code: 'UNKNOWN_REFERENCE',
      details: [{ path: 'body.planKey', rule: 'exists' }],
    });

    const bad = await post({
      ...NEW_PRODUCT,
      slug: 'Bad Slug',
      prices: [
        { currency: 'usd', amountMinor: 1.5 },
        { currency: 'EUR', amountMinor: -1 },
      ],
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.slug',
        'body.prices.0.currency',
        'body.prices.0.amountMinor',
        'body.prices.1.amountMinor',
      ]),
    );
    const twice = await post({
      ...NEW_PRODUCT,
      slug: 'twice',
      prices: [
        { currency: 'EUR', amountMinor: 1 },
        { currency: 'EUR', amountMinor: 2 },
      ],
    });
    expect(twice.statusCode).toBe(400);

    const missing = await app.inject(asSession(admin, { method: 'GET', url: '/v1/products/prd_missing' }));
    expect(missing.statusCode).toBe(404);
    const patchMissing = await app.inject(
      asSession(admin, { method: 'PATCH', url: '/v1/products/prd_missing', payload: { name: 'x' } }),
    );
    expect(patchMissing.json().error.code).toBe('NOT_FOUND');
    const patchPlan = await app.inject(
      asSession(admin, {
        method: 'PATCH',
        url: `/v1/products/${first.json().id}`,
        payload: { planKey: 'no-such-plan' },
      }),
    );
    expect(patchPlan.json().error.code).toBe('UNKNOWN_REFERENCE');
    const empty = await app.inject(
      asSession(admin, { method: 'PATCH', url: `/v1/products/${first.json().id}`, payload: {} }),
    );
    expect(empty.statusCode).toBe(400);
    await cleanup();
  });

  it('security: customers and agents without catalog:write cannot write; a read-only key cannot write', async () => {
    const { db } = getDb();
    await storePreset(db, PRESET.S0);
    const customer = await signInCustomer(db, await createOrganisation(db));
    const readKey = await apiKeyWith(db, ['catalog:read']);
    const { app, cleanup } = await makeCatalogApp(db);
    const byCustomer = await app.inject(
      asSession(customer, { method: 'POST', url: '/v1/products', payload: NEW_PRODUCT }),
    );
    expect(byCustomer.statusCode).toBe(403);
    const byReadKey = await app.inject(
      withKey(readKey, { method: 'POST', url: '/v1/products', payload: NEW_PRODUCT }),
    );
    expect(byReadKey.statusCode).toBe(403);
    const prices = await app.inject(
      asSession(customer, { method: 'PUT', url: '/v1/products/x/prices', payload: { prices: [] } }),
    );
    expect(prices.statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'GET', url: '/v1/products' });
    expect(anonymous.statusCode).toBe(401);
    expect(await db.selectFrom('products').select('id').execute()).toEqual([]);
    await cleanup();
  });

  it('R0.3 lines: each major with its first-published and highest release, highest major first', async () => {
    const { db } = getDb();
    await storePreset(db, PRESET.S0);
    const admin = await signIn(db, 'admin');
    const { app, cleanup } = await makeCatalogApp(db);
    const product = (
      await app.inject(asSession(admin, { method: 'POST', url: '/v1/products', payload: NEW_PRODUCT }))
    ).json();
    const r400 = await createRelease(db, product.id, '4.0.0', '2025-01-01');
    const r410 = await createRelease(db, product.id, '4.10.0', '2025-09-01');
    await createRelease(db, product.id, '4.9.2', '2025-08-01');
    const r500 = await createRelease(db, product.id, '5.0.0', '2026-01-15');
    const lines = await app.inject(
      asSession(admin, { method: 'GET', url: `/v1/products/${product.id}/lines` }),
    );
    expect(lines.json().items).toEqual([
      {
        major: 5,
        releaseCount: 1,
        first: { id: r500, version: '5.0.0', publishedOn: '2026-01-15' },
        latest: { id: r500, version: '5.0.0', publishedOn: '2026-01-15' },
      },
      {
        major: 4,
        releaseCount: 3,
        first: { id: r400, version: '4.0.0', publishedOn: '2025-01-01' },
        latest: { id: r410, version: '4.10.0', publishedOn: '2025-09-01' },
      },
    ]);
    const none = await app.inject(asSession(admin, { method: 'GET', url: '/v1/products/prd_x/lines' }));
    expect(none.statusCode).toBe(404);
    await cleanup();
  });
});
