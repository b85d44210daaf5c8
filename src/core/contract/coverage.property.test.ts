import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import type { Plan } from '../plan/plan.schema.ts';
import { addDays, compareCivilDates, minCivilDate } from './civil-date.ts';
import {
  coveredUntil,
  effectiveTerms,
  firstTerm,
  hasServiceOn,
  isCoveredOn,
  planRenewal,
} from './coverage.ts';
import type { CoverageTerm } from './coverage.types.ts';

const presets = [
  loadPreset('annual-maintenance'),
  loadPreset('ticket-desk'),
  loadPreset('addon-support'),
  loadPreset('per-user-subscription'),
];

const planArb = fc
  .record({
    base: fc.constantFrom(...presets),
    timing: fc.constantFrom('backdate', 'extend', 'from-now'),
    service: fc.constantFrom('payment-date', 'earlier-of-invoice-or-payment', 'term-start'),
    term: fc.constantFrom({ years: 1 }, { months: 6 }, { months: 3 }, { months: 1 }, { days: 30 }),
  })
  .map(
    ({ base, timing, service, term }): Plan => ({
      ...base,
      coverage: { ...base.coverage, term },
      renewal: { ...base.renewal, timing, serviceResumesFrom: service, term, maxTermsPerRenewal: 3 },
    }),
  );

const stepArb = fc.record({
  afterDays: fc.integer({ min: 0, max: 900 }),
  paidAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  count: fc.integer({ min: 1, max: 4 }),
});

const scenarioArb = fc.record({
  plan: planArb,
  purchasedOn: fc.integer({ min: 0, max: 3000 }).map((d) => addDays('2019-12-31', d)),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 8 }),
});

/** Days worth probing: every term edge and the day before it. */
function probeDays(terms: readonly CoverageTerm[]): string[] {
  return terms.flatMap((t) => [t.startsOn, t.endsOn, addDays(t.startsOn, -1), addDays(t.endsOn, -1)]);
}

describe('R0.4 properties: any sequence of renewals, any timing rule', () => {
  it('effective terms stay sorted and never overlap; coveredUntil never decreases; covered days stay covered; no retroactive service', () => {
    fc.assert(
      fc.property(scenarioArb, ({ plan, purchasedOn, steps }) => {
        let terms: CoverageTerm[] = [firstTerm({ plan, purchasedOn })];
        let renewOn = purchasedOn;
        for (const step of steps) {
          renewOn = addDays(renewOn, step.afterDays);
          const paidOn = step.paidAfter === undefined ? undefined : addDays(renewOn, step.paidAfter);
          const before = coveredUntil(terms)!.expiresOn;
          const result = planRenewal({ plan, terms, renewOn, paidOn, invoiceOn: renewOn, count: step.count });
          if (!result.ok) continue;
          const next = [...terms, ...result.newTerms];
          // Contiguous inside one renewal, gap term first, only the last term gives service.
          result.newTerms.forEach((term, i) => {
            expect(compareCivilDates(term.startsOn, term.endsOn)).toBeLessThan(0);
            const following = result.newTerms[i + 1];
            if (following) expect(following.startsOn).toBe(term.endsOn);
            expect(term.givesService).toBe(term.kind !== 'backdated-gap');
          });
          // No service before the customer ordered or paid.
          const served = result.newTerms.at(-1)!;
          expect(
            compareCivilDates(served.startsOn, minCivilDate(renewOn, paidOn ?? renewOn)),
          ).toBeGreaterThanOrEqual(0);
          // Coverage only grows, and so does its end.
          for (const day of probeDays(terms)) {
            if (isCoveredOn(terms, day)) expect(isCoveredOn(next, day)).toBe(true);
          }
          const after = coveredUntil(next)!.expiresOn;
          expect(compareCivilDates(after, before)).toBeGreaterThanOrEqual(0);
          if (plan.renewal.timing === 'backdate') {
            expect(result.startsOn).toBe(before);
          }
          terms = next;
        }
        const effective = effectiveTerms(terms);
        for (let i = 0; i < effective.length; i++) {
          const cur = effective[i]!;
          expect(compareCivilDates(cur.startsOn, cur.endsOn)).toBeLessThan(0);
          const nxt = effective[i + 1];
          if (nxt) expect(compareCivilDates(cur.endsOn, nxt.startsOn)).toBeLessThanOrEqual(0);
        }
        for (const day of probeDays(terms)) {
          if (hasServiceOn(terms, day)) expect(isCoveredOn(terms, day)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('R0.4 backdate (S0, S4): coverage stays one contiguous span whatever the lapses', () => {
    const backdatePlan = planArb.map((p) => ({
      ...p,
      renewal: { ...p.renewal, timing: 'backdate' as const },
    }));
    fc.assert(
      fc.property(scenarioArb, backdatePlan, ({ purchasedOn, steps }, plan) => {
        let terms: CoverageTerm[] = [firstTerm({ plan, purchasedOn })];
        let renewOn = purchasedOn;
        for (const step of steps) {
          renewOn = addDays(renewOn, step.afterDays);
          const result = planRenewal({ plan, terms, renewOn, paidOn: renewOn, count: step.count });
          if (result.ok) terms = [...terms, ...result.newTerms];
        }
        const effective = effectiveTerms(terms);
        effective.slice(1).forEach((term, i) => {
          expect(term.startsOn).toBe(effective[i]!.endsOn);
        });
      }),
      { numRuns: 300 },
    );
  });
});
