import type { FastifyInstance } from 'fastify';
import { expect, it } from 'vitest';
import { KEY_ISSUED_TOPIC } from '../../src/server/licenses/license-keys.service.ts';
import { buy, contractWorld, post, renew } from '../contracts/contract-helpers.ts';
import { signIn } from '../server/app-helpers.ts';
import { signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

const DAY = 24 * 3600 * 1000;

function validate(app: FastifyInstance, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: body }).then((r) => r.json());
}

describeDb('license lifecycle through the API (R0.3, R0.4, S0)', (getDb) => {
  it('R0.3/R0.4 (S0): buy → key VALID; new major keyed while covered; lapse → fallback; renewal → VALID at once', async () => {
    const { db } = getDb();
    // 2026-03-02: the default cache settings (epoch re-read at most once a second).
    const world = await contractWorld(db, {
      planKey: 'annual-maintenance',
    });
    const { app, clock, organisationId, productId } = world;
    let admin = world.admin;
    await signInCustomer(db, organisationId, 'customer-admin');
    const publish = (version: string, publishedOn: string) =>
      post(app, admin, `/v1/products/${productId}/releases`, { version, publishedOn });
    expect((await publish('4.0.0', '2026-01-15')).statusCode).toBe(201);
    const order = await buy(app, admin, { organisationId, productId });
    const key: string = order.licenseKeys[0].key;
    expect(await validate(app, { key, version: '4.0.0' })).toMatchObject({
      valid: true,
      code: 'VALID',
      coveredUntil: '2027-03-01',
      fallbackVersion: '4.0.0',
    });

    // R0.3: 4.1.0 and 5.0.0 ship while covered: a key for 5.x is issued and one notice queued.
    expect((await publish('4.1.0', '2026-05-01')).statusCode).toBe(201);
    expect((await publish('5.0.0', '2026-06-01')).statusCode).toBe(201);
    const keys = await db.selectFrom('license_keys').select('major').orderBy('major').execute();
    expect(keys.map((k) => k.major)).toEqual([4, 5]);
    const notices = await db
      .selectFrom('outbox')
      .select('topic')
      .where('topic', '=', KEY_ISSUED_TOPIC)
      .execute();
    expect(notices).toHaveLength(1);

    // R0.3 after the lapse: the covered 4.1.0 stays VALID, 4.2.0 (published after) is not covered.
    clock.advance(400 * DAY); // 2027-04-06
    admin = await signIn(db, 'admin', clock.now());
    expect((await publish('4.2.0', '2027-04-01')).statusCode).toBe(201);
    expect(await validate(app, { key, version: '4.1.0' })).toMatchObject({
      code: 'VALID',
      fallbackVersion: '4.1.0',
    });
    expect(await validate(app, { key, version: '4.2.0' })).toMatchObject({
      code: 'VERSION_NOT_COVERED',
      fallbackVersion: '4.1.0',
    });

    // R0.4 backdate (S0): the renewal starts at the old expiry; 4.2.0 (published in the gap) is covered now.
    await renew(app, admin, order.contractId);
    expect(await validate(app, { key, version: '4.2.0' })).toMatchObject({
      valid: true,
      code: 'VALID',
      coveredUntil: '2028-03-01',
      fallbackVersion: '4.2.0',
    });
  });
});
