import { expect, it } from 'vitest';
import { contractWorld, post } from '../contracts/contract-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

describeDb('wire civil dates are bounded to 1900–2199 (never a 500)', (getDb) => {
  it('R0.1 quote (S0): purchasedOn 9999-12-31 or 1899-12-31 is 400 naming body.purchasedOn; 2199-01-01 quotes', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    for (const purchasedOn of ['9999-12-31', '1899-12-31', '2200-01-01']) {
      const res = await post(app, admin, '/v1/contracts/quote', { organisationId, productId, purchasedOn });
      expect(res.statusCode, purchasedOn).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'body.purchasedOn' })],
      });
    }
    const edge = await post(app, admin, '/v1/contracts/quote', {
      organisationId,
      productId,
      purchasedOn: '2199-01-01',
    });
    expect(edge.statusCode, edge.body).toBe(200);
    expect(edge.json().expiresOn).toBe('2200-01-01');
    await app.close();
  });
});
