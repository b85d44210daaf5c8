import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTerm, compareCivilDates, maxCivilDate, toPlainDate } from '../../src/core/contract/civil-date.ts';
import type { CoverageTerm } from '../../src/core/contract/coverage.types.ts';
import { planSchema } from '../../src/core/plan/plan.schema.ts';
import { NO_TAX, type TaxRate } from '../../src/core/pricing/index.ts';
import { quotePurchase, quoteRenewal } from '../../src/server/contracts/contract-quote.ts';
import { PRESET, presetPlan } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { buy, contractWorld, renew } from './contract-helpers.ts';

/** What a renewal order stores as its inputs (contract-renewal.service.ts). */
type RenewalInputs = {
  planVersionId: string;
  productCategory: string;
  listPriceMinor: number;
  termsBefore: CoverageTerm[];
  renewOn: string;
  paidOn?: string;
  terms?: number;
  seats: number | null;
  billing?: 'annual' | 'monthly';
  tax: TaxRate;
};

describeDb('contracts: R0.6 every price is reproducible from the order’s inputs', (getDb) => {
  it('R0.6 (S4 reinstatement, monthly): the stored inputs and the pinned plan version give the stored quote again', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S4 });
    const { contractId } = await buy(app, admin, {
      organisationId,
      productId,
      seats: 9,
      purchasedOn: '2026-01-31',
    });
    const renewal = await renew(app, admin, contractId, { renewOn: '2027-04-15', billing: 'monthly' });
    const order = await db
      .selectFrom('orders')
      .select('quote')
      .where('id', '=', renewal.orderId)
      .executeTakeFirstOrThrow();
    const { inputs, quote } = order.quote as { inputs: RenewalInputs; quote: unknown };
    const version = await db
      .selectFrom('plan_versions')
      .select('document')
      .where('id', '=', inputs.planVersionId)
      .executeTakeFirstOrThrow();
    const again = quoteRenewal({
      plan: planSchema.parse(version.document),
      productCategory: inputs.productCategory,
      currency: 'USD',
      listPriceMinor: inputs.listPriceMinor,
      terms: inputs.termsBefore,
      renewOn: inputs.renewOn,
      paidOn: inputs.paidOn,
      count: inputs.terms ?? 1,
      seats: inputs.seats ?? undefined,
      billing: inputs.billing,
      tax: inputs.tax,
    });
    expect(again.ok && again.quote).toEqual(quote);
    expect(renewal.quote.kind).toBe('reinstatement');
    await app.close();
  });
});

describe('contract quotes: money properties', () => {
  it('R0.6/R4.2 (S4): totals are the sum of the rounded lines and the instalments add up to the total, for any seats, billing, date and tax', async () => {
    const plan = await presetPlan(PRESET.S4);
    const start = '2026-01-01';
    await fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom('annual' as const, 'monthly' as const),
        fc.integer({ min: 0, max: 800 }),
        fc.constantFrom('0', '7.7', '19', '20'),
        fc.constantFrom('exclusive' as const, 'inclusive' as const),
        (seats, billing, dayOffset, ratePercent, mode) => {
          const tax = { ratePercent, mode };
          const purchasedOn = addTerm(start, { days: 1 }, dayOffset);
          const bought = quotePurchase({
            plan,
            productName: 'P',
            productCategory: 'standard',
            listPriceMinor: null,
            purchasedOn,
            seats,
            billing,
            tax,
          });
          if (!bought.ok) throw new Error(bought.message);
          const terms = bought.quote.newTerms;
          const renewOn = addTerm(purchasedOn, { days: 1 }, 400); // lapsed: a reinstatement with its fee
          const renewed = quoteRenewal({
            plan,
            productCategory: 'x',
            currency: 'USD',
            listPriceMinor: 0,
            terms,
            renewOn,
            count: 1,
            seats,
            billing,
            tax,
          });
          if (!renewed.ok) throw new Error(renewed.message);
          for (const q of [bought.quote, renewed.quote]) {
            const sum = (pick: (l: (typeof q.lines)[number]) => number) =>
              q.lines.reduce((a, l) => a + pick(l), 0);
            expect(q.totals.totalMinor).toBe(sum((l) => l.totalMinor));
            expect(q.totals.taxMinor).toBe(sum((l) => l.taxMinor));
            expect(q.instalments.reduce((a, i) => a + i.amountMinor, 0)).toBe(q.totals.totalMinor);
            // R4.2: monthly instalments run over the served term, one per whole month, from its start.
            const served = q.newTerms.find((t) => t.givesService);
            if (served === undefined) throw new Error('no served term');
            const months = toPlainDate(served.startsOn).until(toPlainDate(served.endsOn), {
              largestUnit: 'months',
            }).months;
            expect(q.instalments).toHaveLength(billing === 'monthly' ? Math.max(1, months) : 1);
            expect(q.instalments[0]?.dueOn).toBe(maxCivilDate(served.startsOn, q.orderedOn));
            expect(compareCivilDates(q.instalments.at(-1)?.dueOn ?? '', served.endsOn)).toBeLessThan(0);
          }
          expect(renewed.quote.kind).toBe('reinstatement');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('R0.1 (S0/S1/S2): the quoted first term ends one plan term after the purchase date, month ends clamped', async () => {
    for (const [key, term] of [
      [PRESET.S0, { years: 1 }],
      [PRESET.S1, { months: 6 }],
      [PRESET.S2, { months: 3 }],
    ] as const) {
      const plan = await presetPlan(key);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 3000 }), (offset) => {
          const purchasedOn = addTerm('2024-01-01', { days: 1 }, offset);
          const q = quotePurchase({
            plan,
            productName: 'P',
            productCategory: 'standard',
            listPriceMinor: 1000,
            purchasedOn,
            tax: NO_TAX,
          });
          if (!q.ok) throw new Error(q.message);
          expect(q.quote.newTerms).toEqual([
            {
              kind: 'initial',
              startsOn: purchasedOn,
              endsOn: addTerm(purchasedOn, term, 1),
              givesService: true,
            },
          ]);
        }),
        { numRuns: 100 },
      );
    }
  });
});
