import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import type { Plan } from '../plan/plan.schema.ts';
import { BACKDATED_S0, LAPSED_S0, RELEASES, release, term } from './contract.fixtures.ts';
import type { CoverageTerm } from './coverage.types.ts';
import { type EntitlementReason, entitled, type Gate, type Restriction } from './entitlement.ts';

const s0 = loadPreset('annual-maintenance');
const s1 = loadPreset('ticket-desk');
const s2 = loadPreset('addon-support');
const s4 = loadPreset('per-user-subscription');

const S4_TERMS = [term('initial', '2026-03-01', '2027-03-01')];
const S4_GAP = [
  ...S4_TERMS,
  term('backdated-gap', '2027-03-01', '2027-05-10', false),
  term('reinstatement', '2027-05-10', '2028-03-01'),
];
const S1_TERMS = [term('initial', '2026-01-15', '2026-07-15')];
const S2_RESTARTED = [
  term('initial', '2026-01-10', '2026-04-10'),
  term('renewal', '2026-06-01', '2026-09-01'),
];

const support: Gate = { kind: 'support' };
const download = (r: (typeof RELEASES)[keyof typeof RELEASES]): Gate => ({ kind: 'download', release: r });
const feature = (key: string): Gate => ({ kind: 'feature', key });
const updates = (major: number, r?: (typeof RELEASES)[keyof typeof RELEASES]): Gate => ({
  kind: 'updates',
  version: { major, minor: 0, patch: 0 },
  release: r,
});

type Row = [string, Plan, CoverageTerm[] | null, Gate, string, boolean, EntitlementReason];

function check(
  plan: Plan,
  terms: CoverageTerm[] | null,
  gate: Gate,
  at: string,
  restrictions: Restriction[] = [],
) {
  const contract =
    terms === null ? null : { terms, purchasedOn: terms[0]?.startsOn ?? '2026-01-10', purchasedMajor: 4 };
  return entitled({ plan, contract, restrictions, gate, at });
}

describe('entitled(): one decision for support, updates, downloads and features', () => {
  it.each<Row>([
    ['R1.1 (S0) support while covered', s0, LAPSED_S0, support, '2026-06-01', true, 'COVERED'],
    ['R1.1 (S0) support before the first term', s0, LAPSED_S0, support, '2026-01-09', false, 'NOT_STARTED'],
    ['R1.1 (S0) support after the lapse', s0, LAPSED_S0, support, '2027-05-01', false, 'LAPSED'],
    [
      'R0.4 (S0) support in the backdated gap (ordered, not paid)',
      s0,
      BACKDATED_S0,
      support,
      '2027-03-01',
      false,
      'IN_BACKDATED_GAP',
    ],
    ['R0.4 (S0) support from the payment date', s0, BACKDATED_S0, support, '2027-06-15', true, 'COVERED'],
    ['R1.1 (S0) no contract', s0, null, support, '2026-06-01', false, 'NO_CONTRACT'],
    ['R1.1 (S0) a contract without terms', s0, [], support, '2026-06-01', false, 'NO_CONTRACT'],
    [
      'R0.8 (S0) download of a covered release while covered',
      s0,
      LAPSED_S0,
      download(RELEASES.v4_1),
      '2026-06-01',
      true,
      'COVERED',
    ],
    [
      'R0.8 (S0) download of a release not yet published',
      s0,
      LAPSED_S0,
      download(RELEASES.v4_2),
      '2026-06-01',
      false,
      'RELEASE_NOT_PUBLISHED',
    ],
    [
      'R0.3 (S0) lapsed: a release published while covered stays licensed',
      s0,
      LAPSED_S0,
      download(RELEASES.v4_1),
      '2027-05-01',
      true,
      'FALLBACK_LICENSE',
    ],
    [
      'R0.3 (S0) lapsed: the purchased version stays licensed',
      s0,
      LAPSED_S0,
      download(RELEASES.v4_0),
      '2027-05-01',
      true,
      'FALLBACK_LICENSE',
    ],
    [
      'R0.3 (S0) lapsed: a release published after the lapse is not',
      s0,
      LAPSED_S0,
      download(RELEASES.v4_3),
      '2027-05-01',
      false,
      'RELEASE_NOT_COVERED',
    ],
    [
      'R0.8 (S0) lapsed: a patch backdated to a covered date is licensed',
      s0,
      LAPSED_S0,
      download(RELEASES.v4_2_1),
      '2027-05-01',
      true,
      'FALLBACK_LICENSE',
    ],
    [
      'R0.3 (S0) updates to a release published after the lapse',
      s0,
      LAPSED_S0,
      updates(4, RELEASES.v4_3),
      '2027-05-01',
      false,
      'RELEASE_NOT_COVERED',
    ],
    [
      'R0.3 (S0) updates without a release after the lapse',
      s0,
      LAPSED_S0,
      updates(4),
      '2027-05-01',
      false,
      'LAPSED',
    ],
    [
      'R0.3 (S0) gap day: a release published in the gap is licensed',
      s0,
      BACKDATED_S0,
      download(RELEASES.v4_3),
      '2027-04-01',
      true,
      'FALLBACK_LICENSE',
    ],
    [
      'R0.8 (S1) downloads: all releases while a contract exists, lapsed too',
      s1,
      S1_TERMS,
      download(RELEASES.v4_3),
      '2027-05-01',
      true,
      'PLAN_ALLOWS_ALL_RELEASES',
    ],
    ['R1.1 (S1) support after 6 months', s1, S1_TERMS, support, '2026-07-15', false, 'LAPSED'],
    [
      'R0.8 (S1) updates are not stopped by the lapse',
      s1,
      S1_TERMS,
      updates(4, RELEASES.v4_3),
      '2027-05-01',
      true,
      'KEPT_AFTER_LAPSE',
    ],
    [
      'R0.8 (S2) lapsed: downloads stop, no fallback',
      s2,
      S2_RESTARTED,
      download(RELEASES.v4_1),
      '2026-05-02',
      false,
      'LAPSED',
    ],
    [
      'R0.8 (S2) renewed after a lapse: a release of the lapse is not covered',
      s2,
      S2_RESTARTED,
      download(release('4.1.5', '2026-05-01')),
      '2026-06-10',
      false,
      'RELEASE_NOT_COVERED',
    ],
    ['R4.3 (S4) features while covered', s4, S4_TERMS, feature('app'), '2026-06-01', true, 'COVERED'],
    [
      'R4.3 (S4) features off after the lapse',
      s4,
      S4_TERMS,
      feature('integrations'),
      '2027-03-01',
      false,
      'LAPSED',
    ],
    [
      'R4.3 (S4) an unknown feature',
      s4,
      S4_TERMS,
      feature('teleport'),
      '2026-06-01',
      false,
      'UNKNOWN_FEATURE',
    ],
    [
      'R4.4 (S4) features off in the reinstatement gap',
      s4,
      S4_GAP,
      feature('app'),
      '2027-04-01',
      false,
      'IN_BACKDATED_GAP',
    ],
    [
      'R4.4 (S4) downloads in the gap: no fallback',
      s4,
      S4_GAP,
      download(RELEASES.v4_2),
      '2027-04-01',
      false,
      'IN_BACKDATED_GAP',
    ],
    ['R4.4 (S4) features back once reinstated', s4, S4_GAP, feature('app'), '2027-05-10', true, 'COVERED'],
    [
      'R4.3 (S4) lapsed: downloads of covered releases stop (no fallback)',
      s4,
      S4_TERMS,
      download(RELEASES.v4_2),
      '2027-04-01',
      false,
      'LAPSED',
    ],
    [
      'R0.3 (S0) features: S0 sells none',
      s0,
      LAPSED_S0,
      feature('app'),
      '2026-06-01',
      false,
      'UNKNOWN_FEATURE',
    ],
  ])('%s', (_name, plan, terms, gate, at, allowed, reason) => {
    const result = check(plan, terms, gate, at);
    expect({ allowed: result.allowed, reason: result.reason }).toEqual({ allowed, reason });
  });

  it('facts: coveredUntil, serviceOn, the term used and the release date counted', () => {
    const r = check(s0, LAPSED_S0, download(RELEASES.v4_2_1), '2027-05-01');
    expect(r.facts).toMatchObject({
      coveredUntil: { expiresOn: '2027-01-10', lastCoveredDay: '2027-01-09' },
      serviceOn: false,
      releaseEffectiveOn: '2026-12-01',
      termUsed: { kind: 'initial', startsOn: '2026-01-10' },
    });
    expect(check(s0, LAPSED_S0, support, '2026-06-01').facts).toMatchObject({
      serviceOn: true,
      termUsed: { index: 0 },
    });
  });
});

describe('R1.3/R1.4 restrictions and what the plan gives at all', () => {
  const abuse: Restriction = { revokes: ['support', 'updates', 'refund'], reason: 'abusive language (R1.3)' };
  const refusal: Restriction = { revokes: ['support'], reason: 'refusing-access (R1.4)' };

  it.each<[string, Plan, CoverageTerm[], Gate, Restriction, boolean, EntitlementReason]>([
    ['R1.3 (S1) abuse revokes support', s1, S1_TERMS, support, abuse, false, 'REVOKED'],
    [
      'R1.3 (S1) abuse revokes updates, so downloads',
      s1,
      S1_TERMS,
      download(RELEASES.v4_1),
      abuse,
      false,
      'REVOKED',
    ],
    [
      'R1.4 (S1) a refusal suspends support only',
      s1,
      S1_TERMS,
      download(RELEASES.v4_1),
      refusal,
      true,
      'PLAN_ALLOWS_ALL_RELEASES',
    ],
    [
      'R1.4 (S4) a refusal does not switch features off',
      s4,
      S4_TERMS,
      feature('app'),
      refusal,
      true,
      'COVERED',
    ],
  ])('%s', (_n, plan, terms, gate, restriction, allowed, reason) => {
    const result = check(plan, terms, gate, '2026-06-01', [restriction]);
    expect({ allowed: result.allowed, reason: result.reason }).toEqual({ allowed, reason });
    if (reason === 'REVOKED') expect(result.facts.revokedBecause).toBe(restriction.reason);
  });

  const edit = (e: Partial<Plan['entitlements']>): Plan => ({
    ...s0,
    entitlements: { ...s0.entitlements, ...e },
  });
  it.each<[string, Plan, Gate, boolean, EntitlementReason]>([
    ['downloads none', edit({ downloads: 'none' }), download(RELEASES.v4_1), false, 'NOT_ENTITLED_BY_PLAN'],
    ['updates none', edit({ updates: 'none' }), updates(4, RELEASES.v4_1), false, 'NOT_ENTITLED_BY_PLAN'],
    ['support false', edit({ support: false }), support, false, 'NOT_ENTITLED_BY_PLAN'],
    [
      'minor-only: a new major is not an update',
      edit({ updates: 'minor-only' }),
      updates(5, RELEASES.v5_0),
      false,
      'NOT_ENTITLED_BY_PLAN',
    ],
    [
      'minor-only: a minor of the bought major is',
      edit({ updates: 'minor-only' }),
      updates(4, RELEASES.v4_1),
      true,
      'COVERED',
    ],
  ])('plan entitlements (S0 edited): %s', (_n, plan, gate, allowed, reason) => {
    const result = check(plan, LAPSED_S0, gate, '2026-06-01');
    expect({ allowed: result.allowed, reason: result.reason }).toEqual({ allowed, reason });
  });

  it('R4.3: a plan whose lapse does not stop features keeps them on (S4 edited)', () => {
    const plan: Plan = { ...s4, lapse: { ...s4.lapse, stops: ['support'] } };
    expect(check(plan, S4_TERMS, feature('app'), '2027-06-01')).toMatchObject({
      allowed: true,
      reason: 'KEPT_AFTER_LAPSE',
    });
    expect(check(plan, S4_TERMS, support, '2027-06-01')).toMatchObject({ allowed: false, reason: 'LAPSED' });
  });
});
