import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import { ALL_RELEASES, BACKDATED_S0, LAPSED_S0, RELEASES, release } from './contract.fixtures.ts';
import { compareReleases, fallbackRelease, isReleaseCovered, majorsToKey } from './fallback.ts';

const s0 = loadPreset('annual-maintenance');
const s2 = loadPreset('addon-support');

describe('R0.3 perpetual fallback (S0): releases published while covered stay licensed', () => {
  it.each([
    ['4.1 published while covered', RELEASES.v4_1, true],
    ['4.3 published after the lapse', RELEASES.v4_3, false],
    ['4.2.1 published after the lapse, backdated to a covered date (R0.8)', RELEASES.v4_2_1, true],
    ['4.0 published before the purchase (not in a term)', RELEASES.v4_0, false],
  ])('R0.3 (S0 lapsed 2027-01-10): %s -> covered=%s', (_n, rel, covered) => {
    expect(isReleaseCovered(LAPSED_S0, rel)).toBe(covered);
  });

  it('R0.3 (S0): releases in a backdated gap are licensed once the renewal exists', () => {
    expect(isReleaseCovered(BACKDATED_S0, RELEASES.v4_3)).toBe(true);
  });

  it('R0.3 (S0 lapsed): the fallback release is the latest covered one, per major line', () => {
    expect(fallbackRelease(LAPSED_S0, ALL_RELEASES, 4)?.version).toBe('4.2.1');
    expect(fallbackRelease(LAPSED_S0, ALL_RELEASES)?.version).toBe('5.0.0');
    expect(fallbackRelease(LAPSED_S0, ALL_RELEASES, 6)).toBeUndefined();
    expect(fallbackRelease([], ALL_RELEASES)).toBeUndefined();
  });

  it('versions order numerically, not as text', () => {
    expect(compareReleases(release('4.10.0', '2026-01-01'), release('4.9.3', '2026-02-01'))).toBeGreaterThan(
      0,
    );
    expect(compareReleases(release('4.2', '2026-01-01'), release('4.2.0', '2026-02-01'))).toBeLessThan(0);
  });
});

describe('R0.3 new major keys: automatic (S0) for majors published while covered', () => {
  it.each([
    ['S0 lapsed: 5.0 came out while covered, 6.0 after', s0, LAPSED_S0, [4, 5]],
    ['S0 backdated: 6.0 came out in the gap, which the renewal paid for', s0, BACKDATED_S0, [4, 5, 6]],
    ['S2 (newMajorKeys none): only the purchased major', s2, BACKDATED_S0, [4]],
  ])('R0.3 %s -> keys for %j', (_n, plan, terms, majors) => {
    expect(majorsToKey({ plan, terms, releases: ALL_RELEASES, purchasedMajor: 4 })).toEqual(majors);
  });

  it('R0.3 (S0): older majors than the purchased one never get a key', () => {
    expect(majorsToKey({ plan: s0, terms: LAPSED_S0, releases: ALL_RELEASES, purchasedMajor: 5 })).toEqual([
      5,
    ]);
  });
});
