import { expect, it } from 'vitest';
import { apiKeyWith, asSession, makeApp, signIn, withKey } from '../server/app-helpers.ts';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

describeDb('organisations (issue 3 §2)', (getDb) => {
  it('staff create, read, list (paginated, search) and rename organisations', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const write = await apiKeyWith(db, ['customers:write', 'customers:read']);
    const created = [];
    for (const name of ['Acme GmbH', 'Beta 100% Ltd', 'Gamma SA']) {
      const res = await app.inject(
        withKey(write, {
          method: 'POST',
          url: '/v1/organisations',
          payload: { name, externalRef: `crm-${name}` },
        }),
      );
      expect(res.statusCode, res.body).toBe(201);
      created.push(res.json());
    }
    expect(created[0]).toMatchObject({ name: 'Acme GmbH', externalRef: 'crm-Acme GmbH' });
    expect(created[0].id).toMatch(/^org_/);

    const one = await app.inject(
      withKey(write, { method: 'GET', url: `/v1/organisations/${created[1].id}` }),
    );
    expect(one.json()).toEqual(created[1]);

    // Pages follow id order (creation order to the millisecond; same-millisecond ids in random order).
    const byId = [...created].sort((a, b) => (a.id < b.id ? -1 : 1));
    const page1 = await app.inject(withKey(write, { method: 'GET', url: '/v1/organisations?limit=2' }));
    expect(page1.json()).toEqual({ items: byId.slice(0, 2), nextCursor: byId[1].id });
    const cursor = page1.json().nextCursor;
    const page2 = await app.inject(
      withKey(write, { method: 'GET', url: `/v1/organisations?limit=2&cursor=${cursor}` }),
    );
    expect(page2.json()).toEqual({ items: [byId[2]], nextCursor: null });
    // LIKE wildcards in the search text match themselves.
    const search = await app.inject(withKey(write, { method: 'GET', url: '/v1/organisations?q=100%25' }));
    expect(search.json().items.map((o: { name: string }) => o.name)).toEqual(['Beta 100% Ltd']);
    const byRef = await app.inject(
      withKey(write, {
        method: 'GET',
        url: `/v1/organisations?externalRef=${encodeURIComponent('crm-Gamma SA')}`,
      }),
    );
    expect(byRef.json()).toEqual({ items: [created[2]], nextCursor: null });

    const renamed = await app.inject(
      withKey(write, {
        method: 'PATCH',
        url: `/v1/organisations/${created[0].id}`,
        payload: { name: 'Acme AG', externalRef: null },
      }),
    );
    expect(renamed.json()).toMatchObject({ id: created[0].id, name: 'Acme AG', externalRef: null });
    await app.close();
  });

  it('a taken external reference → 409 ALREADY_EXISTS naming the holder (create and update); bad input → 400', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const admin = await signIn(db, 'admin');
    const post = (payload: object) =>
      app.inject(asSession(admin, { method: 'POST', url: '/v1/organisations', payload }));
    const first = (await post({ name: 'Acme', externalRef: 'crm-1' })).json();
    const dup = await post({ name: 'Other', externalRef: 'crm-1' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'ALREADY_EXISTS', details: { id: first.id } });
    const second = (await post({ name: 'Beta' })).json();
    const steal = await app.inject(
      asSession(admin, {
        method: 'PATCH',
        url: `/v1/organisations/${second.id}`,
        payload: { externalRef: 'crm-1' },
      }),
    );
    expect(steal.statusCode).toBe(409);
    // Setting one's own reference again is no conflict.
    const same = await app.inject(
      asSession(admin, {
        method: 'PATCH',
        url: `/v1/organisations/${first.id}`,
        payload: { externalRef: 'crm-1' },
      }),
    );
    expect(same.statusCode).toBe(200);
    const empty = await post({ name: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0].path).toBe('body.name');
    const noChange = await app.inject(
      asSession(admin, { method: 'PATCH', url: `/v1/organisations/${first.id}`, payload: {} }),
    );
    expect(noChange.statusCode).toBe(400);
    const missing = await app.inject(
      asSession(admin, { method: 'GET', url: '/v1/organisations/org_missing' }),
    );
    expect(missing.statusCode).toBe(404);
    await app.close();
  });

  it('security: a customer sees its own organisation only (another → 404 like a missing one); staff routes → 403', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const own = await createOrganisation(db, 'Own');
    const other = await createOrganisation(db, 'Other');
    const customer = await signInCustomer(db, own, 'customer-user');
    const mine = await app.inject(asSession(customer, { method: 'GET', url: `/v1/organisations/${own}` }));
    expect(mine.json()).toMatchObject({ id: own, name: 'Own' });
    const theirs = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/organisations/${other}` }),
    );
    const none = await app.inject(asSession(customer, { method: 'GET', url: '/v1/organisations/org_none' }));
    expect([theirs.statusCode, none.statusCode]).toEqual([404, 404]);
    expect(theirs.json().error.code).toBe(none.json().error.code);
    for (const request of [
      { method: 'GET' as const, url: '/v1/organisations' },
      { method: 'POST' as const, url: '/v1/organisations', payload: { name: 'X' } },
      { method: 'PATCH' as const, url: `/v1/organisations/${own}`, payload: { name: 'Mine now' } },
    ]) {
      const res = await app.inject(asSession(customer, request));
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(403);
    }
    const readOnly = await apiKeyWith(db, ['customers:read']);
    const refused = await app.inject(
      withKey(readOnly, { method: 'POST', url: '/v1/organisations', payload: { name: 'X' } }),
    );
    expect(refused.statusCode).toBe(403);
    await app.close();
  });
});
