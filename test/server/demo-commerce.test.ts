import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const config = { ...testConfig, artifactDir: await mkdtemp(join(tmpdir(), 'upkeep-demo-')) };
    const first = await seedDemoCommerce(db, config, now, testSealingKey);
    const again = await seedDemoCommerce(db, config, now, testSealingKey);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(first.customerLoginToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again.customerLoginToken).not.toBe(first.customerLoginToken);
    const contracts = await db.selectFrom('contracts').select('id').execute();
    expect(contracts).toHaveLength(4);
    // Every demo release has a file to download from the portal.
    const files = await db.selectFrom('release_artifacts').select(['file_name', 'size_bytes']).execute();
    expect(files.map((f) => f.file_name)).toContain('acme-reports-2.1.0-demo.txt');
    expect(files).toHaveLength(
      await db
        .selectFrom('releases')
        .select('id')
        .execute()
        .then((r) => r.length),
    );

    const app = await makeApp(db, { now: () => now, advance: () => {} });
    const signIn = await app.inject({ method: 'POST', url: `/v1/auth/one-time/${again.customerLoginToken}` });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    const list = await app.inject({ method: 'GET', url: '/v1/contracts', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    // The demo customer sees its own contracts only: the lapsed S0 one (a backdated renewal to quote)
    // and the active S3 business SLA.
    const mine = list.json().items as { productName: string; productId: string; state: string }[];
    expect(mine).toHaveLength(2);
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          productName: 'Acme Reports',
          state: 'lapsed',
          purchasedOn: '2025-09-23',
          expiresOn: '2026-09-23',
        }),
        expect.objectContaining({ productName: 'Acme Integration Suite', state: 'active' }),
      ]),
    );
    // The README's help-desk tour: a ticket on the lapsed product is refused, plainly; on the S3 one it
    // is accepted and its clocks run; the seeded ticket is there too.
    const me = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie } });
    const csrf = me.json().csrfToken as string;
    const open = (productId: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/tickets',
        headers: { cookie, 'x-csrf-token': csrf },
        payload: {
          productId,
          categoryId: productId === suiteId ? '3.1' : 'support',
          subject: 'Help',
          description: 'It fails.',
        },
      });
    const reportsId = mine.find((c) => c.productName === 'Acme Reports')?.productId ?? '';
    const suiteId = mine.find((c) => c.productName === 'Acme Integration Suite')?.productId ?? '';
    const refused = await open(reportsId);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'TICKET_REFUSED',
      details: { reason: 'CONTRACT_LAPSED' },
    });
    const accepted = await open(suiteId);
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json().sla.map((c: { metric: string }) => c.metric)).toEqual([
      'assignment',
      'resolution',
    ]);
    const tickets = await app.inject({ method: 'GET', url: '/v1/tickets', headers: { cookie } });
    expect(tickets.json().items).toHaveLength(2);
    await app.close();
  });
});
