import { expect, it } from 'vitest';
import { asSession } from '../server/app-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { buy, contractWorld, post, storedTerms } from './contract-helpers.ts';

const PARALLEL = 50;

describeDb('contracts: parallel renewals of one contract', (getDb) => {
  it(`R0.4 (S0): ${PARALLEL} parallel renewals give ${PARALLEL} contiguous terms (no overlap, no gap) and ${PARALLEL} invoices numbered consecutively`, async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId, purchasedOn: '2026-01-31' });
    // On PostgreSQL these run on several connections at once; the contract row lock serialises them.
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => post(app, admin, `/v1/contracts/${contractId}/renewals`, {})),
    );
    for (const r of results) expect(r.statusCode, r.body).toBe(201);
    const terms = await storedTerms(db, contractId);
    expect(terms).toHaveLength(PARALLEL + 1);
    for (let i = 1; i < terms.length; i++) {
      expect(terms[i]?.[0]).toBe('renewal');
      expect(terms[i]?.[1], `term ${i + 1} starts where term ${i} ends`).toBe(terms[i - 1]?.[2]);
    }
    // Measured from the purchase date, never chained: Jan 31 stays Jan 31.
    expect(terms.at(-1)?.[2]).toBe(`${2026 + PARALLEL + 1}-01-31`);
    const numbers = results.map((r) => r.json().invoice.number as string).sort();
    expect(new Set(numbers).size).toBe(PARALLEL);
    expect(numbers).toEqual(
      Array.from({ length: PARALLEL }, (_, i) => `INV-${String(i + 2).padStart(6, '0')}`),
    );
    const invoices = await db.selectFrom('invoices').select('number').execute();
    expect(invoices).toHaveLength(PARALLEL + 1);
    await app.close();
  }, 120_000);

  it('R0.7 (S0): 20 parallel renewals with one Idempotency-Key renew once and answer the same body', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    const { contractId } = await buy(app, admin, { organisationId, productId });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        app.inject(
          asSession(admin, {
            method: 'POST',
            url: `/v1/contracts/${contractId}/renewals`,
            payload: {},
            headers: { 'idempotency-key': 'renew-once-1' },
          }),
        ),
      ),
    );
    for (const r of results) expect(r.statusCode, r.body).toBe(201);
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect(await storedTerms(db, contractId)).toHaveLength(2);
    const other = await post(app, admin, `/v1/contracts/${contractId}/renewals`, { terms: 2 });
    expect(other.statusCode).toBe(201);
    const reused = await app.inject(
      asSession(admin, {
        method: 'POST',
        url: `/v1/contracts/${contractId}/renewals`,
        payload: { terms: 3 },
        headers: { 'idempotency-key': 'renew-once-1' },
      }),
    );
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await app.close();
  }, 60_000);
});
