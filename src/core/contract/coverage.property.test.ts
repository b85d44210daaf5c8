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
          const input = { plan, terms, renewOn, paidOn, invoiceOn: renewOn, count: step.count };
          const result = planRenewal(input);
          if (!result.ok) {
            // R0.4 "renewal is possible at any time": backdate only refuses more terms than the plan sells.
            if (plan.renewal.timing === 'backdate') expect(result.reason).toBe('TOO_MANY_TERMS');
            continue;
          }
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
          expect(served.startsOn).toBe(result.serviceFrom);
          expect(
            compareCivilDates(served.startsOn, minCivilDate(renewOn, paidOn ?? renewOn)),
          ).toBeGreaterThanOrEqual(0);
          // Coverage only grows, and so does its end.
          for (const day of probeDays(terms)) {
            if (isCoveredOn(terms, day)) expect(isCoveredOn(next, day)).toBe(true);
          }
          const after = coveredUntil(next)!.expiresOn;
          expect(compareCivilDates(after, before)).toBeGreaterThanOrEqual(0);
          const left = result.leftUncovered;
          if (plan.renewal.timing === 'backdate') {
            // Backdated to the old expiry, or, after a lapse longer than the terms bought, to an anniversary of it.
            expect(result.startsOn).toBe(left === null ? before : left.endsOn);
            if (left !== null) {
              expect(left.startsOn).toBe(before);
              expect(isCoveredOn(next, before)).toBe(false);
              expect(isCoveredOn(next, addDays(left.endsOn, -1))).toBe(false);
            }
          }
          if (left !== null && step.count < plan.renewal.maxTermsPerRenewal) {
            // One more term backfills one more term: same expiry, earlier start (the skip is minimal).
            const more = planRenewal({ ...input, count: step.count + 1 });
            if (!more.ok) throw new Error(more.message);
            expect(more.expiresOn).toBe(result.expiresOn);
            expect(more.startsOn).toBe(more.leftUncovered?.endsOn ?? left.startsOn);
            expect(compareCivilDates(more.startsOn, result.startsOn)).toBeLessThan(0);
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

  it('R0.4 backdate (S0, S4): any lapse, however long, can be renewed; coverage is contiguous except the whole terms a renewal could not reach back to', () => {
    const backdatePlan = planArb.map((p) => ({
      ...p,
      renewal: { ...p.renewal, timing: 'backdate' as const },
    }));
    const longLapseSteps = fc.array(
      fc.record({
        afterDays: fc.integer({ min: 0, max: 4000 }),
        paidAfter: fc.integer({ min: 0, max: 400 }),
        count: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(scenarioArb, backdatePlan, longLapseSteps, ({ purchasedOn }, plan, steps) => {
        let terms: CoverageTerm[] = [firstTerm({ plan, purchasedOn })];
        let renewOn = purchasedOn;
        const leftUncovered = new Set<string>();
        for (const step of steps) {
          renewOn = addDays(renewOn, step.afterDays);
          const paidOn = addDays(renewOn, step.paidAfter);
          const result = planRenewal({ plan, terms, renewOn, paidOn, count: step.count });
          if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
          expect(compareCivilDates(result.serviceFrom, result.expiresOn)).toBeLessThan(0);
          if (result.leftUncovered) {
            leftUncovered.add(`${result.leftUncovered.startsOn}/${result.leftUncovered.endsOn}`);
          }
          terms = [...terms, ...result.newTerms];
        }
        const effective = effectiveTerms(terms);
        effective.slice(1).forEach((term, i) => {
          const prev = effective[i]!;
          if (term.startsOn !== prev.endsOn) {
            expect(leftUncovered.has(`${prev.endsOn}/${term.startsOn}`)).toBe(true);
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
