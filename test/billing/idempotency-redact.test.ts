import { expect, it } from 'vitest';
import { contractWorld } from '../contracts/contract-helpers.ts';
import { asSession } from '../server/app-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

describeDb('Idempotency-Key replays of orders carry no license key (R0.3)', (getDb) => {
  it('R0.3 shown once (S0): a purchase replay answers key null + keyShownOnce; no full key rests in idempotency_keys', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const purchase = () =>
      app.inject(
        asSession(admin, {
          method: 'POST',
          url: '/v1/contracts',
          payload: { organisationId, productId },
          headers: { 'idempotency-key': 'buy-once' },
        }),
      );
    const first = await purchase();
    expect(first.statusCode, first.body).toBe(201);
    const [issued] = first.json().licenseKeys;
    expect(issued.key).toMatch(/^\S{20,}$/);
    const replay = await purchase();
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().licenseKeys).toEqual([
      { id: issued.id, major: issued.major, prefix: issued.prefix, key: null, keyShownOnce: true },
    ]);
    expect(replay.json().contractId).toBe(first.json().contractId);
    const rows = await db.selectFrom('idempotency_keys').select('response').execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(issued.key);
    await app.close();
  });
});
