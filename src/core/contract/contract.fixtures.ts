// Shared test data for the contract core tests: one S0 license bought 2026-01-10, lapsed 2027-01-10.
import type { CoverageTerm } from './coverage.types.ts';
import type { Release } from './fallback.ts';

export const term = (
  kind: CoverageTerm['kind'],
  startsOn: string,
  endsOn: string,
  givesService = true,
): CoverageTerm => ({ kind, startsOn, endsOn, givesService });

export const release = (version: string, publishedOn: string, effectiveOn = publishedOn): Release => ({
  id: `rel_${version}`,
  version,
  major: Number(version.split('.')[0]),
  publishedOn,
  effectiveOn,
});

/** Bought 2026-01-10, covered until 2027-01-09, lapsed since 2027-01-10. */
export const LAPSED_S0 = [term('initial', '2026-01-10', '2027-01-10')];

/** The same license renewed on 2027-06-15 after the lapse: a gap, then service. */
export const BACKDATED_S0 = [
  ...LAPSED_S0,
  term('backdated-gap', '2027-01-10', '2027-06-15', false),
  term('renewal', '2027-06-15', '2028-01-10'),
];

export const RELEASES = {
  v4_0: release('4.0.0', '2025-06-01'), // before the purchase: what was bought
  v4_1: release('4.1.0', '2026-05-01'), // published while covered
  v5_0: release('5.0.0', '2026-10-01'), // a new major while covered
  v4_2: release('4.2.0', '2026-12-01'), // covered
  v4_3: release('4.3.0', '2027-03-01'), // after the lapse
  v4_2_1: release('4.2.1', '2027-04-01', '2026-12-01'), // a patch backdated to 4.2's covered date (R0.8)
  v6_0: release('6.0.0', '2027-06-01'), // after the lapse, inside the later backdated gap
};
export const ALL_RELEASES = Object.values(RELEASES);
