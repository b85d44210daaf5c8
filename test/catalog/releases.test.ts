import { expect, it } from 'vitest';
import type { PublishedRelease } from '../../src/server/catalog/release-hooks.ts';
import { publishRelease } from '../../src/server/catalog/releases.service.ts';
import { apiKeyWith, asSession, signIn, withKey } from '../server/app-helpers.ts';
import {
  createOrganisation,
  createProduct,
  createRelease,
  PRESET,
  signInCustomer,
} from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { makeCatalogApp } from './catalog-fixtures.ts';

const NOW = new Date('2026-03-02T09:00:00Z');

describeDb('catalog: releases', (getDb) => {
  it('R0.3 publish (S0): semver parts stored, effectiveOn defaults to publishedOn, backdated patch kept', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const key = await apiKeyWith(db, ['catalog:write', 'catalog:read']);
    const { app, cleanup } = await makeCatalogApp(db);
    const post = (payload: object) =>
      app.inject(withKey(key, { method: 'POST', url: `/v1/products/${productId}/releases`, payload }));

    const plain = await post({ version: '4.2.0', publishedOn: '2025-05-01', notes: 'Call recording.' });
    expect(plain.statusCode).toBe(201);
    expect(plain.json()).toMatchObject({
      productId,
      version: '4.2.0',
      major: 4,
      minor: 2,
      patch: 0,
      prerelease: null,
      publishedOn: '2025-05-01',
      effectiveOn: '2025-05-01',
      notes: 'Call recording.',
    });
    const patch = await post({ version: '4.2.1', publishedOn: '2026-02-10', effectiveOn: '2025-05-01' });
    expect(patch.json()).toMatchObject({ effectiveOn: '2025-05-01', publishedOn: '2026-02-10' });
    const rc = await post({ version: '5.0.0-rc.1', publishedOn: '2026-02-01' });
    expect(rc.json()).toMatchObject({ major: 5, prerelease: 'rc.1' });
    await post({ version: '5.0.0', publishedOn: '2026-02-20' });
    await post({ version: '4.10.0', publishedOn: '2025-12-01' });

    const list = await app.inject(withKey(key, { method: 'GET', url: `/v1/products/${productId}/releases` }));
    expect(list.json().items.map((r: { version: string }) => r.version)).toEqual([
      '5.0.0',
      '5.0.0-rc.1',
      '4.10.0',
      '4.2.1',
      '4.2.0',
    ]);
    const page1 = (
      await app.inject(withKey(key, { method: 'GET', url: `/v1/products/${productId}/releases?limit=2` }))
    ).json();
    expect(page1.items.map((r: { version: string }) => r.version)).toEqual(['5.0.0', '5.0.0-rc.1']);
    const page2 = (
      await app.inject(
        withKey(key, {
          method: 'GET',
          url: `/v1/products/${productId}/releases?limit=2&cursor=${page1.nextCursor}`,
        }),
      )
    ).json();
    expect(page2.items.map((r: { version: string }) => r.version)).toEqual(['4.10.0', '4.2.1']);

    const one = await app.inject(withKey(key, { method: 'GET', url: `/v1/releases/${plain.json().id}` }));
    expect(one.json()).toEqual(plain.json());
    await cleanup();
  });

  it('R0.3 backdate within its line (S0): effectiveOn before the line was first published, or on a first release, is 400 naming body.effectiveOn', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const admin = await signIn(db, 'admin');
    const { app, cleanup } = await makeCatalogApp(db);
    const post = (payload: object) =>
      app.inject(asSession(admin, { method: 'POST', url: `/v1/products/${productId}/releases`, payload }));
    const first = await post({ version: '4.0.0', publishedOn: '2026-01-10', effectiveOn: '1990-01-01' });
    expect(first.statusCode).toBe(400);
    expect(first.json().error.details).toEqual([
      expect.objectContaining({ path: 'body.effectiveOn', rule: 'backdate-within-line' }),
    ]);
    expect((await post({ version: '4.0.0', publishedOn: '2026-01-10' })).statusCode).toBe(201);
    const tooEarly = await post({ version: '4.0.1', publishedOn: '2026-03-01', effectiveOn: '2026-01-09' });
    expect([tooEarly.statusCode, tooEarly.json().error.details[0].path]).toEqual([400, 'body.effectiveOn']);
    const ok = await post({ version: '4.0.1', publishedOn: '2026-03-01', effectiveOn: '2026-01-10' });
    expect(ok.json()).toMatchObject({ effectiveOn: '2026-01-10' });
    // Another line's history does not count: 5.0.0 is the first of major 5.
    const newLine = await post({ version: '5.0.0', publishedOn: '2026-04-01', effectiveOn: '2026-02-01' });
    expect(newLine.statusCode).toBe(400);
    expect(await db.selectFrom('releases').select('version').orderBy('version').execute()).toEqual([
      { version: '4.0.0' },
      { version: '4.0.1' },
    ]);
    await cleanup();
  });

  it('wire bounds: a version part above 2^31−1 is 400 naming body.version; a date outside 1900–2199 is 400', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const admin = await signIn(db, 'admin');
    const { app, cleanup } = await makeCatalogApp(db);
    const post = (payload: object) =>
      app.inject(asSession(admin, { method: 'POST', url: `/v1/products/${productId}/releases`, payload }));
    for (const version of ['2147483648.0.0', '1.2147483648.0', '1.0.99999999999999999999']) {
      const res = await post({ version, publishedOn: '2026-01-01' });
      expect([res.statusCode, res.json().error.details[0].path], version).toEqual([400, 'body.version']);
    }
    expect((await post({ version: '2147483647.0.0', publishedOn: '2026-01-01' })).statusCode).toBe(201);
    for (const publishedOn of ['9999-12-31', '1899-12-31', '2200-01-01']) {
      const res = await post({ version: '1.0.0', publishedOn });
      expect([res.statusCode, res.json().error.details[0].path], publishedOn).toEqual([
        400,
        'body.publishedOn',
      ]);
    }
    await cleanup();
  });

  it('errors: same version (build metadata too) 409, effectiveOn after publishedOn 400, bad semver 400, no product 404', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const admin = await signIn(db, 'admin');
    const { app, cleanup } = await makeCatalogApp(db);
    const post = (payload: object, id = productId) =>
      app.inject(asSession(admin, { method: 'POST', url: `/v1/products/${id}/releases`, payload }));
    const first = await post({ version: '1.0.0', publishedOn: '2026-01-01' });
    const same = await post({ version: '1.0.0', publishedOn: '2026-01-02' });
    expect(same.statusCode).toBe(409);
    expect(same.json().error).toMatchObject({ code: 'ALREADY_EXISTS', details: { id: first.json().id } });
    const build = await post({ version: '1.0.0+build.7', publishedOn: '2026-01-02' });
    expect(build.json().error.code).toBe('ALREADY_EXISTS');

    const late = await post({ version: '1.0.1', publishedOn: '2026-01-01', effectiveOn: '2026-01-05' });
    expect(late.statusCode).toBe(400);
    expect(late.json().error.details).toEqual([expect.objectContaining({ path: 'body.effectiveOn' })]);
    for (const version of ['v1.0.0', '1.0', '01.0.0', '1.0.0-', '']) {
      const bad = await post({ version, publishedOn: '2026-01-01' });
      expect(bad.statusCode, version).toBe(400);
    }
    const badDate = await post({ version: '1.0.2', publishedOn: '2026-02-30' });
    expect(badDate.json().error.details[0].path).toBe('body.publishedOn');
    const noProduct = await post({ version: '1.0.0', publishedOn: '2026-01-01' }, 'prd_missing');
    expect(noProduct.statusCode).toBe(404);
    const noRelease = await app.inject(asSession(admin, { method: 'GET', url: '/v1/releases/rel_missing' }));
    expect(noRelease.statusCode).toBe(404);
    await cleanup();
  });

  it('security: a customer reads releases but cannot publish one; a staff session write without CSRF is refused', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const customer = await signInCustomer(db, await createOrganisation(db));
    const agent = await signIn(db, 'agent');
    const { app, cleanup } = await makeCatalogApp(db);
    const refused = await app.inject(
      asSession(customer, {
        method: 'POST',
        url: `/v1/products/${productId}/releases`,
        payload: { version: '1.0.0', publishedOn: '2026-01-01' },
      }),
    );
    expect(refused.statusCode).toBe(403);
    const noCsrf = await app.inject(
      asSession(
        agent,
        {
          method: 'POST',
          url: `/v1/products/${productId}/releases`,
          payload: { version: '1.0.0', publishedOn: '2026-01-01' },
        },
        false,
      ),
    );
    expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    expect(await db.selectFrom('releases').select('id').execute()).toEqual([]);
    const read = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/products/${productId}/releases` }),
    );
    expect(read.json()).toEqual({ items: [], nextCursor: null });
    await cleanup();
  });

  it('scheduled releases: dated after today, staff see them and customers get 404 as for a missing one', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const shipped = await createRelease(db, productId, '1.0.0', '2026-03-02');
    const scheduled = await createRelease(db, productId, '2.0.0', '2026-03-03');
    const admin = await signIn(db, 'admin');
    const customer = await signInCustomer(db, await createOrganisation(db));
    const { app, cleanup } = await makeCatalogApp(db);
    const artifact = await app.inject(
      asSession(admin, {
        method: 'POST',
        url: `/v1/releases/${scheduled}/artifacts?fileName=two.zip`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: Buffer.from('2'),
      }),
    );
    const get = (who: typeof admin, url: string) => app.inject(asSession(who, { method: 'GET', url }));
    const versions = async (who: typeof admin) =>
      (await get(who, `/v1/products/${productId}/releases`)).json().items.map((r: { id: string }) => r.id);
    expect(await versions(admin)).toEqual([scheduled, shipped]);
    expect(await versions(customer)).toEqual([shipped]);
    expect((await get(admin, `/v1/releases/${scheduled}`)).statusCode).toBe(200);
    for (const url of [
      `/v1/releases/${scheduled}`,
      `/v1/releases/${scheduled}/artifacts`,
      `/v1/artifacts/${artifact.json().id}/download`,
    ]) {
      const res = await get(customer, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const lines = (await get(customer, `/v1/products/${productId}/lines`)).json().items;
    expect(lines.map((l: { major: number }) => l.major)).toEqual([1]);
    await cleanup();
  });

  it('R0.3 hooks: run in the release transaction with the new release; a failing hook leaves no release', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const seen: { release: PublishedRelease; visible: boolean }[] = [];
    const record = async (trx: typeof db, release: PublishedRelease) => {
      const row = await trx
        .selectFrom('releases')
        .select('id')
        .where('id', '=', release.id)
        .executeTakeFirst();
      seen.push({ release, visible: row !== undefined });
    };
    const ok = await publishRelease(
      db,
      productId,
      { version: '2.0.0', publishedOn: '2026-03-01', notes: '' },
      [record],
      NOW,
    );
    expect(ok.ok).toBe(true);
    expect(seen).toEqual([
      {
        visible: true,
        release: expect.objectContaining({
          productId,
          version: '2.0.0',
          major: 2,
          effectiveOn: '2026-03-01',
        }),
      },
    ]);
    const failing = async () => {
      throw new Error('key issuance failed');
    };
    await expect(
      publishRelease(
        db,
        productId,
        { version: '3.0.0', publishedOn: '2026-03-01', notes: '' },
        [failing],
        NOW,
      ),
    ).rejects.toThrow('key issuance failed');
    const versions = await db.selectFrom('releases').select('version').execute();
    expect(versions.map((v) => v.version)).toEqual(['2.0.0']);
  });
});
