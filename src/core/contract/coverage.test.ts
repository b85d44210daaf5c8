import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import {
  coverageState,
  coveredUntil,
  daysLapsed,
  effectiveTerms,
  firstTerm,
  hasServiceOn,
  isCoveredOn,
  mergedCoverage,
} from './coverage.ts';
import type { CoverageTerm } from './coverage.types.ts';

const s0 = loadPreset('annual-maintenance');
const s1 = loadPreset('ticket-desk');
const s2 = loadPreset('addon-support');
const s3 = loadPreset('business-sla');
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

describe('R0.1 first term: starts on the purchase date, plan.coverage.term long', () => {
  it.each([
    ['S0 1 year', s0, '2026-01-31', '2027-01-31'],
    ['S0 1 year from Feb 29', s0, '2028-02-29', '2029-02-28'],
    ['S1 6 months', s1, '2026-08-31', '2027-02-28'],
    ['S2 3 months', s2, '2026-11-30', '2027-02-28'],
    ['S3 1 year (subscription)', s3, '2026-05-05', '2027-05-05'],
  ])('%s: purchase %s -> expires %s', (_name, plan, purchasedOn, endsOn) => {
    expect(firstTerm({ plan, purchasedOn })).toEqual(t('initial', purchasedOn, endsOn));
  });

  it.each([
    ['invoice before payment', '2026-03-10', '2026-03-01', '2026-03-05', '2026-03-01', '2027-03-01'],
    ['payment before invoice', '2026-03-10', '2026-03-08', '2026-03-02', '2026-03-02', '2027-03-02'],
    ['unpaid: the invoice date', '2026-03-10', '2026-03-04', null, '2026-03-04', '2027-03-04'],
  ])(
    'R4.2 (S4) %s: starts on the earlier date',
    (_name, purchasedOn, invoiceOn, paidOn, startsOn, endsOn) => {
      expect(firstTerm({ plan: s4, purchasedOn, invoiceOn, paidOn })).toEqual(t('initial', startsOn, endsOn));
    },
  );

  it('R0.1 (S0): the invoice and payment dates do not move a purchase-date start', () => {
    expect(firstTerm({ plan: s0, purchasedOn: '2026-03-10', invoiceOn: '2026-03-01' }).startsOn).toBe(
      '2026-03-10',
    );
  });
});

describe('coverage queries on half-open terms (R0.4 gap semantics)', () => {
  // S0 backdated: initial, then a gap from the old expiry to the payment date, then the renewal.
  const terms = [
    t('initial', '2026-01-10', '2027-01-10'),
    t('backdated-gap', '2027-01-10', '2027-03-01', false),
    t('renewal', '2027-03-01', '2028-01-10'),
  ];

  it.each([
    ['before the first term', '2026-01-09', false, false, 'not-started', 0],
    ['first day', '2026-01-10', true, true, 'active', 0],
    ['last covered day of the initial term', '2027-01-09', true, true, 'active', 0],
    ['old expiry: first gap day', '2027-01-10', true, false, 'active', 0],
    ['last gap day', '2027-02-28', true, false, 'active', 0],
    ['payment date: service resumes', '2027-03-01', true, true, 'active', 0],
    ['last covered day', '2028-01-09', true, true, 'active', 0],
    ['expiry date: first lapsed day', '2028-01-10', false, false, 'lapsed', 1],
    ['ten days later', '2028-01-19', false, false, 'lapsed', 10],
  ])('%s (%s): covered=%s service=%s state=%s daysLapsed=%i', (_n, date, covered, service, state, lapsed) => {
    expect(isCoveredOn(terms, date)).toBe(covered);
    expect(hasServiceOn(terms, date)).toBe(service);
    expect(coverageState(terms, date)).toBe(state);
    expect(daysLapsed(terms, date)).toBe(lapsed);
  });

  it('coveredUntil names both the expiry date and the last covered day', () => {
    expect(coveredUntil(terms)).toEqual({ expiresOn: '2028-01-10', lastCoveredDay: '2028-01-09' });
    expect(coveredUntil([])).toBeNull();
  });

  it('mergedCoverage joins contiguous terms and keeps a real lapse apart (S2 restart)', () => {
    expect(mergedCoverage(terms)).toEqual([{ startsOn: '2026-01-10', endsOn: '2028-01-10' }]);
    const restarted = [t('initial', '2026-01-10', '2026-04-10'), t('renewal', '2026-06-01', '2026-09-01')];
    expect(mergedCoverage(restarted)).toEqual([
      { startsOn: '2026-01-10', endsOn: '2026-04-10' },
      { startsOn: '2026-06-01', endsOn: '2026-09-01' },
    ]);
    expect(coverageState(restarted, '2026-05-01')).toBe('lapsed');
    expect(daysLapsed(restarted, '2026-05-01')).toBe(22);
  });

  it('R0.4 from-now (S1): a later term supersedes an earlier one from its start (effective view)', () => {
    const stored = [t('initial', '2026-01-15', '2026-07-15'), t('renewal', '2026-05-01', '2026-11-01')];
    expect(effectiveTerms(stored).map((e) => [e.startsOn, e.endsOn, e.storedEndsOn, e.index])).toEqual([
      ['2026-01-15', '2026-05-01', '2026-07-15', 0],
      ['2026-05-01', '2026-11-01', '2026-11-01', 1],
    ]);
    expect(coveredUntil(stored)?.expiresOn).toBe('2026-11-01');
  });

  it('a stored term wholly superseded disappears from the effective view', () => {
    const stored = [t('initial', '2026-03-01', '2026-09-01'), t('renewal', '2026-03-01', '2026-10-01')];
    expect(effectiveTerms(stored)).toHaveLength(1);
    expect(effectiveTerms(stored)[0]?.index).toBe(1);
  });
});
