import { expect, it } from 'vitest';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { asSession, makeApp, signIn } from './app-helpers.ts';

describeDb('GET /v1/staff: who a ticket can be given to', (getDb) => {
  it('agents read the active agents and admins, a page at a time; customers and disabled accounts are not listed; customers get 403', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const agent = await signIn(db, 'agent');
    const admin = await signIn(db, 'admin');
    const gone = await signIn(db, 'agent');
    await db
      .updateTable('accounts')
      .set({ disabled_at: new Date() })
      .where('id', '=', gone.accountId)
      .execute();
    const customer = await signInCustomer(db, await createOrganisation(db));

    const first = await app.inject(asSession(agent, { method: 'GET', url: '/v1/staff?limit=1' }));
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(1);
    const rest = await app.inject(
      asSession(agent, { method: 'GET', url: `/v1/staff?cursor=${first.json().nextCursor}` }),
    );
    const ids = [...first.json().items, ...rest.json().items].map((s: { id: string }) => s.id).sort();
    expect(ids).toEqual([agent.accountId, admin.accountId].sort());
    expect(rest.json().items[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      email: expect.any(String),
      role: expect.stringMatching(/^(agent|admin)$/),
    });

    expect((await app.inject(asSession(customer, { method: 'GET', url: '/v1/staff' }))).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/staff' })).statusCode).toBe(401);
    const bad = await app.inject(asSession(agent, { method: 'GET', url: '/v1/staff?limit=0' }));
    expect(bad.statusCode).toBe(400);
    await app.close();
  });
});
