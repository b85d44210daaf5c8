import { expect, it } from 'vitest';
import { seedDemo } from '../../src/server/demo/demo.seed.ts';
import { seedDemoCommerce } from '../../src/server/demo/demo-commerce.seed.ts';
import { describeDb } from '../support/db-harness.ts';
import { makeApp, testConfig, testSealingKey } from './app-helpers.ts';

describeDb('demo commerce data (npm start)', (getDb) => {
  it('seeds products, customers and contracts once, dated from today: one S0 contract lapsed, one active, one S4', async () => {
    const { db } = getDb();
    const now = new Date('2026-11-23T10:00:00Z');
    await seedDemo(db, now);
    const first = await seedDemoCommerce(db, testConfig, now, testSealingKey);
    const again = await seedDemoCommerce(db, testConfig, now, testSealingKey);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(first.customerLoginToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again.customerLoginToken).not.toBe(first.customerLoginToken);
    const contracts = await db.selectFrom('contracts').select('id').execute();
    expect(contracts).toHaveLength(3);

    const app = await makeApp(db, { now: () => now, advance: () => {} });
    const signIn = await app.inject({ method: 'POST', url: `/v1/auth/one-time/${again.customerLoginToken}` });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    const list = await app.inject({ method: 'GET', url: '/v1/contracts', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    // The demo customer sees its own lapsed S0 contract only, with a backdated renewal to quote.
    expect(list.json().items).toMatchObject([
      { productName: 'Acme Reports', state: 'lapsed', purchasedOn: '2025-09-23', expiresOn: '2026-09-23' },
    ]);
    await app.close();
  });
});
