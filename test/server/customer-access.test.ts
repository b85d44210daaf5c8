import { expect, it } from 'vitest';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { asSession, makeApp } from './app-helpers.ts';

describeDb('customer accounts and access', (getDb) => {
  it('a customer session shows its role and organisation on /v1/auth/me', async () => {
    const { db } = getDb();
    const orgId = await createOrganisation(db, 'Globex');
    const customer = await signInCustomer(db, orgId, 'customer-user');
    const app = await makeApp(db);
    const me = await app.inject(asSession(customer, { method: 'GET', url: '/v1/auth/me' }));
    expect(me.statusCode).toBe(200);
    expect(me.json().account).toMatchObject({ role: 'customer-user', organisationId: orgId });
    await app.close();
  });

  it('a customer-admin is not staff: admin and staff-scope routes answer 403', async () => {
    const { db } = getDb();
    const customer = await signInCustomer(db, await createOrganisation(db), 'customer-admin');
    const app = await makeApp(db);
    for (const url of ['/v1/accounts', '/v1/api-keys', '/v1/plans']) {
      const res = await app.inject(asSession(customer, { method: 'GET', url }));
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code, url).toBe('FORBIDDEN');
    }
    await app.close();
  });

  it('the database refuses a customer account without an organisation and a staff account with one', async () => {
    const { db } = getDb();
    const orgId = await createOrganisation(db);
    const row = { email: 'x@example.test', name: 'X', password_hash: null, created_at: new Date() };
    await expect(
      db
        .insertInto('accounts')
        .values({ ...row, id: 'acc_1', role: 'customer-user' })
        .execute(),
    ).rejects.toThrow(/accounts_customer_has_organisation/);
    await expect(
      db
        .insertInto('accounts')
        .values({ ...row, id: 'acc_2', role: 'agent', organisation_id: orgId })
        .execute(),
    ).rejects.toThrow(/accounts_customer_has_organisation/);
  });
});
