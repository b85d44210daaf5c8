import type { Plan } from '../plan/plan.schema.ts';
import { type CivilDate, compareCivilDates } from './civil-date.ts';
import { isCoveredOn, termOn } from './coverage.queries.ts';
import type { CoverageTerm, EffectiveTerm } from './coverage.types.ts';

/**
 * A published release. `effectiveOn` is the date licensing counts it from: the publication date, or the
 * covered date a patch was backdated to (R0.8: a fix for 4.2 published after a lapse may count as of 4.2).
 */
export interface Release {
  id: string;
  /** Dotted version text, e.g. '5.1.2'. */
  version: string;
  major: number;
  publishedOn: CivilDate;
  effectiveOn: CivilDate;
}

/**
 * R0.3/R0.8: a release is covered when its effectiveOn lies inside any term, a backdated gap included
 * (the customer paid for the gap).
 * @example isReleaseCovered(terms, { id:'r1', version:'4.2.0', major:4, publishedOn:'2026-05-01', effectiveOn:'2026-05-01' }) // true
 */
export function isReleaseCovered(terms: readonly CoverageTerm[], release: Release): boolean {
  return isCoveredOn(terms, release.effectiveOn);
}

/** The term a release is covered by, if any. @example releaseTerm(terms, release)?.kind // 'renewal' */
export function releaseTerm(terms: readonly CoverageTerm[], release: Release): EffectiveTerm | undefined {
  return termOn(terms, release.effectiveOn);
}

/**
 * Orders releases by major, then dotted version numbers, then publication date.
 * @example compareReleases(v('4.10.0'), v('4.9.3')) // > 0
 */
export function compareReleases(a: Release, b: Release): number {
  if (a.major !== b.major) return a.major - b.major;
  const pa = versionParts(a.version);
  const pb = versionParts(b.version);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return compareCivilDates(a.publishedOn, b.publishedOn);
}

function versionParts(version: string): number[] {
  return version.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : 0));
}

/**
 * R0.3 perpetual fallback: the latest covered release (of one major line when `major` is given), the one a
 * lapsed license keeps working on; undefined when none is covered.
 * @example fallbackRelease(terms, releases, 4)?.version // '4.2.1'
 */
export function fallbackRelease(
  terms: readonly CoverageTerm[],
  releases: readonly Release[],
  major?: number,
): Release | undefined {
  let best: Release | undefined;
  for (const release of releases) {
    if (major !== undefined && release.major !== major) continue;
    if (!isReleaseCovered(terms, release)) continue;
    if (best === undefined || compareReleases(release, best) > 0) best = release;
  }
  return best;
}

export interface MajorsToKeyInput {
  plan: Plan;
  terms: readonly CoverageTerm[];
  releases: readonly Release[];
  purchasedMajor: number;
}

/**
 * R0.3: the major lines this license should have a key for, ascending: the purchased major always; with
 * plan.entitlements.newMajorKeys 'automatic', also every later major published on a covered day. Gap days
 * count: once a backdated renewal exists, the customer has paid for the gap, so a major published in it gets
 * its key (issued when the renewal is recorded). Older majors than the purchased one are never added.
 * @example majorsToKey({ plan: s0, terms, releases, purchasedMajor: 4 }) // [4, 5]
 */
export function majorsToKey(input: MajorsToKeyInput): number[] {
  const majors = new Set<number>([input.purchasedMajor]);
  if (input.plan.entitlements.newMajorKeys === 'automatic') {
    for (const release of input.releases) {
      if (release.major > input.purchasedMajor && isCoveredOn(input.terms, release.publishedOn)) {
        majors.add(release.major);
      }
    }
  }
  return [...majors].sort((a, b) => a - b);
}
