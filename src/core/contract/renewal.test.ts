import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import type { Plan } from '../plan/plan.schema.ts';
import { coveredUntil, firstTerm, isCoveredOn, planRenewal } from './coverage.ts';
import type { CoverageTerm } from './coverage.types.ts';

const s0 = loadPreset('annual-maintenance');
const s1 = loadPreset('ticket-desk');
const s2 = loadPreset('addon-support');
const s4 = loadPreset('per-user-subscription');

const t = (
  kind: CoverageTerm['kind'],
  startsOn: string,
  endsOn: string,
  givesService = true,
): CoverageTerm => ({
  kind,
  startsOn,
  endsOn,
  givesService,
});

function renewed(result: ReturnType<typeof planRenewal>) {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.message}`);
  return result;
}

describe('R0.4 backdate (S0): the term starts at the old expiry, service on the payment date', () => {
  const s0Initial = [t('initial', '2026-01-10', '2027-01-10')];

  it('R0.4 backdate (S0): a renewal after expiry gives a gap term and a renewal term, contiguous', () => {
    const r = renewed(
      planRenewal({ plan: s0, terms: s0Initial, renewOn: '2027-03-01', paidOn: '2027-03-01' }),
    );
    expect(r.kind).toBe('backdated');
    expect(r.newTerms).toEqual([
      t('backdated-gap', '2027-01-10', '2027-03-01', false),
      t('renewal', '2027-03-01', '2028-01-10'),
    ]);
    expect(r).toMatchObject({ startsOn: '2027-01-10', serviceFrom: '2027-03-01', expiresOn: '2028-01-10' });
    expect(r.lastCoveredDay).toBe('2028-01-09');
    expect(r.needsReinstatementFee).toBe(false);
    expect(r.explanation).toContain('backdated');
    expect(r.explanation).toContain('2027-01-10 to 2027-02-28');
    expect(r.explanation).toContain('Covered until 2028-01-09 (expires 2028-01-10)');
  });

  it('R0.4 backdate (S0): a renewal paid before expiry has no gap', () => {
    const r = renewed(
      planRenewal({ plan: s0, terms: s0Initial, renewOn: '2026-12-01', paidOn: '2026-12-01' }),
    );
    expect(r.kind).toBe('contiguous');
    expect(r.newTerms).toEqual([t('renewal', '2027-01-10', '2028-01-10')]);
    expect(r.explanation).toBe(
      'Renewed for 1 year from the current expiry 2027-01-10. Covered until 2028-01-09 (expires 2028-01-10).',
    );
  });

  it('R0.4 backdate (S0): ordered before expiry but paid after it, service waits for the payment', () => {
    const r = renewed(
      planRenewal({ plan: s0, terms: s0Initial, renewOn: '2027-01-05', paidOn: '2027-01-20' }),
    );
    expect(r.newTerms[0]).toEqual(t('backdated-gap', '2027-01-10', '2027-01-20', false));
  });

  it('R0.4 backdate (S0): no payment date yet counts the order date', () => {
    const r = renewed(planRenewal({ plan: s0, terms: s0Initial, renewOn: '2027-02-01' }));
    expect(r.serviceFrom).toBe('2027-02-01');
  });

  it.each([
    [1, '2028-01-10'],
    [5, '2032-01-10'],
  ])('R0.4 multi-year (S0): %i year(s) at once end at anchor + n years (%s)', (count, expiresOn) => {
    const r = renewed(planRenewal({ plan: s0, terms: s0Initial, renewOn: '2026-12-01', count }));
    expect(r.expiresOn).toBe(expiresOn);
    expect(r.newTerms).toHaveLength(1);
  });

  it.each([
    [6, 'TOO_MANY_TERMS'],
    [0, 'INVALID_COUNT'],
    [1.5, 'INVALID_COUNT'],
  ])('R0.4 multi-year (S0): count %s is refused with %s (maxTermsPerRenewal 5)', (count, reason) => {
    const r = planRenewal({ plan: s0, terms: s0Initial, renewOn: '2026-12-01', count });
    expect(r).toMatchObject({ ok: false, reason });
  });

  // R0.4 "renewal is possible at any time, with no deadline": a lapse longer than the bought terms can
  // backfill is backdated only as far as they reach; the earlier anniversaries stay uncovered.
  const s0LapsedSixYears = { plan: s0, terms: s0Initial, renewOn: '2033-01-05', paidOn: '2033-01-05' };

  it('R0.4 backdate (S0): lapsed 6 years, renewed with 5 terms (the maximum) backdates to the 1st anniversary', () => {
    const r = renewed(planRenewal({ ...s0LapsedSixYears, count: 5 }));
    expect(r.kind).toBe('backdated');
    expect(r.newTerms).toEqual([
      t('backdated-gap', '2028-01-10', '2033-01-05', false),
      t('renewal', '2033-01-05', '2033-01-10'),
    ]);
    expect(r).toMatchObject({ startsOn: '2028-01-10', serviceFrom: '2033-01-05', expiresOn: '2033-01-10' });
    expect(r.leftUncovered).toEqual({
      startsOn: '2027-01-10',
      endsOn: '2028-01-10',
      terms: 1,
      termsToBackfillAll: 6,
    });
    expect(r.explanation).toContain(
      'Coverage lapsed on 2027-01-10; a renewal buys at most 5 years, too little to reach back to it, so the renewal is backdated to 2028-01-10, the 1st anniversary of the expiry; 2027-01-10 to 2028-01-09 stays uncovered',
    );
    expect(r.explanation).toContain('2028-01-10 to 2033-01-04 is covered for licensing but gives no service');
  });

  it('R0.4 backdate (S0): lapsed 6 years, renewed with 1 term backdates to the 5th anniversary', () => {
    const r = renewed(planRenewal(s0LapsedSixYears));
    expect(r.kind).toBe('backdated');
    expect(r.newTerms).toEqual([
      t('backdated-gap', '2032-01-10', '2033-01-05', false),
      t('renewal', '2033-01-05', '2033-01-10'),
    ]);
    expect(r.leftUncovered).toMatchObject({ startsOn: '2027-01-10', endsOn: '2032-01-10', terms: 5 });
    expect(r.explanation).toContain(
      'the 1 year bought cannot reach back to it (a renewal buys at most 5 years), so the renewal is backdated to 2032-01-10, the 5th anniversary of the expiry; 2027-01-10 to 2032-01-09 stays uncovered',
    );
    expect(r.explanation).toContain('Buying 5 years at once would backdate it to 2028-01-10.');
  });

  it('R0.4 backdate (S0): lapsed 2 years, 3 terms backfill the whole lapse; 1 term leaves the 1st year uncovered', () => {
    const lapsed = { plan: s0, terms: s0Initial, renewOn: '2029-03-01', paidOn: '2029-03-01' };
    const all = renewed(planRenewal({ ...lapsed, count: 3 }));
    expect(all.leftUncovered).toBeNull();
    expect(all.newTerms).toEqual([
      t('backdated-gap', '2027-01-10', '2029-03-01', false),
      t('renewal', '2029-03-01', '2030-01-10'),
    ]);
    const one = renewed(planRenewal(lapsed));
    expect(one.newTerms).toEqual([
      t('backdated-gap', '2029-01-10', '2029-03-01', false),
      t('renewal', '2029-03-01', '2030-01-10'),
    ]);
    expect(one.explanation).toContain('Buying 5 years at once would backfill the whole lapse.');
    const terms = [...s0Initial, ...one.newTerms];
    expect(isCoveredOn(terms, '2028-06-01')).toBe(false);
    expect(isCoveredOn(terms, '2029-01-10')).toBe(true);
    expect(coveredUntil(terms)?.expiresOn).toBe('2030-01-10');
  });

  it('R0.4 backdate (S0): paid exactly on an anniversary after a long lapse, the term starts there with service and no gap', () => {
    const r = renewed(planRenewal({ plan: s0, terms: s0Initial, renewOn: '2030-01-10' }));
    expect(r.kind).toBe('backdated');
    expect(r.newTerms).toEqual([t('renewal', '2030-01-10', '2031-01-10')]);
    expect(r.leftUncovered).toMatchObject({ startsOn: '2027-01-10', endsOn: '2030-01-10', terms: 3 });
    expect(r.explanation).toContain('Service resumes on 2030-01-10 (the payment date), with the term.');
  });

  it('month-end (S0): renewals of a Feb 29 purchase stay anchored, back on Feb 29 in 2032', () => {
    let terms: CoverageTerm[] = [firstTerm({ plan: s0, purchasedOn: '2028-02-29' })];
    const expiries: string[] = [terms[0]!.endsOn];
    for (const renewOn of ['2029-01-01', '2030-01-01', '2031-01-01']) {
      const r = renewed(planRenewal({ plan: s0, terms, renewOn }));
      terms = [...terms, ...r.newTerms];
      expiries.push(r.expiresOn);
    }
    expect(expiries).toEqual(['2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29']);
  });

  it('R0.4 backdate (S0 edited to term-start): the backdated term still never serves the past (found by fast-check)', () => {
    const plan: Plan = { ...s0, renewal: { ...s0.renewal, serviceResumesFrom: 'term-start' } };
    const r = renewed(planRenewal({ plan, terms: s0Initial, renewOn: '2027-02-01' }));
    expect(r.newTerms).toEqual([
      t('backdated-gap', '2027-01-10', '2027-02-01', false),
      t('renewal', '2027-02-01', '2028-01-10'),
    ]);
  });

  it('NO_COVERAGE_TO_RENEW: a contract without terms cannot be renewed', () => {
    expect(planRenewal({ plan: s0, terms: [], renewOn: '2026-01-01' })).toMatchObject({
      ok: false,
      reason: 'NO_COVERAGE_TO_RENEW',
    });
  });
});

describe('R0.4 + R4.4 reinstatement (S4): a lapsed subscription backfills to the original expiry', () => {
  const s4Initial = [t('initial', '2026-03-01', '2027-03-01')];

  it('R4.4 (S4): renewal after lapse is a reinstatement with a fee, service from the earlier of invoice/payment', () => {
    const r = renewed(
      planRenewal({
        plan: s4,
        terms: s4Initial,
        renewOn: '2027-05-10',
        invoiceOn: '2027-05-10',
        paidOn: '2027-05-12',
      }),
    );
    expect(r.kind).toBe('reinstatement');
    expect(r.needsReinstatementFee).toBe(true);
    expect(r.newTerms).toEqual([
      t('backdated-gap', '2027-03-01', '2027-05-10', false),
      t('reinstatement', '2027-05-10', '2028-03-01'),
    ]);
    expect(r.explanation).toContain('reinstatement fee');
  });

  it('R4.4 (S4): lapsed 21 months, the 1-term renewal reinstates with the fee, backdated to the 1st anniversary, covering the service date', () => {
    const r = renewed(
      planRenewal({
        plan: s4,
        terms: s4Initial,
        renewOn: '2028-12-01',
        invoiceOn: '2028-12-01',
        paidOn: '2028-12-03',
      }),
    );
    expect(r).toMatchObject({
      kind: 'reinstatement',
      needsReinstatementFee: true,
      serviceFrom: '2028-12-01',
    });
    expect(r.newTerms).toEqual([
      t('backdated-gap', '2028-03-01', '2028-12-01', false),
      t('reinstatement', '2028-12-01', '2029-03-01'),
    ]);
    expect(r.leftUncovered).toMatchObject({ startsOn: '2027-03-01', endsOn: '2028-03-01', terms: 1 });
    expect(r.explanation).toContain(
      'Coverage lapsed on 2027-03-01; a renewal buys at most 1 year, too little to reach back to it, so the renewal is backdated to 2028-03-01, the 1st anniversary of the expiry; 2027-03-01 to 2028-02-29 stays uncovered',
    );
    expect(r.explanation).toContain('A reinstatement fee is due on top of the renewal (R4.4).');
  });

  it('R4.2 (S4): invoiced before expiry, paid after: no gap and no fee', () => {
    const r = renewed(
      planRenewal({
        plan: s4,
        terms: s4Initial,
        renewOn: '2027-02-20',
        invoiceOn: '2027-02-20',
        paidOn: '2027-03-05',
      }),
    );
    expect(r).toMatchObject({ kind: 'contiguous', needsReinstatementFee: false });
    expect(r.newTerms).toEqual([t('renewal', '2027-03-01', '2028-03-01')]);
  });
});

describe('R0.4 extend (S2): active adds after the expiry, expired starts on the renewal date', () => {
  const s2Initial = [t('initial', '2026-01-10', '2026-04-10')];

  it.each([
    ['active', '2026-03-20', 'contiguous', '2026-04-10', '2026-07-10'],
    ['on the expiry date', '2026-04-10', 'restart', '2026-04-10', '2026-07-10'],
    ['expired', '2026-05-20', 'restart', '2026-05-20', '2026-08-20'],
  ])('R0.4 extend (S2) %s: renewal on %s is %s [%s, %s)', (_n, renewOn, kind, startsOn, endsOn) => {
    const r = renewed(planRenewal({ plan: s2, terms: s2Initial, renewOn }));
    expect(r.kind).toBe(kind);
    expect(r.newTerms).toEqual([t('renewal', startsOn, endsOn)]);
    expect(r.forfeitedDays).toBe(0);
  });

  it('month-end (S2): a Jan 31 add-on renewed in time stays on the month end (Apr 30, then Jul 31)', () => {
    const terms = [firstTerm({ plan: s2, purchasedOn: '2026-01-31' })];
    expect(terms[0]?.endsOn).toBe('2026-04-30');
    const r = renewed(planRenewal({ plan: s2, terms, renewOn: '2026-04-01' }));
    expect(r.expiresOn).toBe('2026-07-31');
  });
});

describe('R0.4 from-now (S1): the new term starts on the renewal date', () => {
  const s1Initial = [t('initial', '2026-01-15', '2026-07-15')];

  it('R0.4 from-now (S1): renewing while covered starts today and replaces the rest of the old term', () => {
    const r = renewed(planRenewal({ plan: s1, terms: s1Initial, renewOn: '2026-05-01' }));
    expect(r.kind).toBe('from-now');
    expect(r.newTerms).toEqual([t('renewal', '2026-05-01', '2026-11-01')]);
    expect(r.forfeitedDays).toBe(75);
    expect(r.explanation).toContain('The 75 day(s) left of the current term (2026-05-01 to 2026-07-14)');
    expect(coveredUntil([...s1Initial, ...r.newTerms])?.expiresOn).toBe('2026-11-01');
  });

  it.each([
    ['after a lapse', '2026-09-01', '2027-03-01'],
    ['Aug 31 + 6 months = Feb 28', '2026-08-31', '2027-02-28'],
  ])('R0.4 from-now (S1) %s', (_n, renewOn, endsOn) => {
    const r = renewed(planRenewal({ plan: s1, terms: s1Initial, renewOn }));
    expect(r.newTerms).toEqual([t('renewal', renewOn, endsOn)]);
    expect(r.forfeitedDays).toBe(0);
  });

  it('R0.4 from-now (S1): a renewal dated before the current term starts is refused', () => {
    const r = planRenewal({ plan: s1, terms: s1Initial, renewOn: '2026-01-01' });
    expect(r).toMatchObject({ ok: false, reason: 'RENEWAL_BEFORE_CURRENT_TERM' });
  });

  it('R0.4 from-now (S1 edited to 2 terms): a renewal that would end before the current expiry is refused', () => {
    const plan: Plan = { ...s1, renewal: { ...s1.renewal, maxTermsPerRenewal: 2 } };
    const first = renewed(planRenewal({ plan, terms: s1Initial, renewOn: '2026-05-01', count: 2 }));
    const terms = [...s1Initial, ...first.newTerms];
    expect(planRenewal({ plan, terms, renewOn: '2026-06-01' })).toMatchObject({
      ok: false,
      reason: 'WOULD_SHORTEN_COVERAGE',
    });
  });
});
