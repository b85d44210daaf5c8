import { addDays, type CivilDate, compareCivilDates, daysBetween } from './civil-date.ts';
import type {
  CoverageSpan,
  CoverageState,
  CoverageTerm,
  CoveredUntil,
  EffectiveTerm,
} from './coverage.types.ts';

/**
 * The effective view every query uses: a later stored term supersedes an earlier one from its start
 * (from-now renewals), so effective terms are sorted and never overlap; emptied terms are dropped.
 * @example effectiveTerms([{ kind:'initial', startsOn:'2026-01-01', endsOn:'2026-07-01', givesService:true },
 *   { kind:'renewal', startsOn:'2026-05-01', endsOn:'2026-11-01', givesService:true }])
 *   // initial becomes [2026-01-01, 2026-05-01), renewal stays [2026-05-01, 2026-11-01)
 */
export function effectiveTerms(terms: readonly CoverageTerm[]): EffectiveTerm[] {
  const result: EffectiveTerm[] = [];
  let laterStart: CivilDate | null = null;
  for (let index = terms.length - 1; index >= 0; index--) {
    const term = terms[index]!;
    const end =
      laterStart !== null && compareCivilDates(laterStart, term.endsOn) < 0 ? laterStart : term.endsOn;
    if (compareCivilDates(term.startsOn, end) < 0) {
      result.push({ ...term, endsOn: end, index, storedEndsOn: term.endsOn });
    }
    if (laterStart === null || compareCivilDates(term.startsOn, laterStart) < 0) laterStart = term.startsOn;
  }
  return result.reverse();
}

/** The effective term covering `date`, if any. @example termOn(terms, '2026-03-01')?.kind // 'initial' */
export function termOn(terms: readonly CoverageTerm[], date: CivilDate): EffectiveTerm | undefined {
  return effectiveTerms(terms).find(
    (t) => compareCivilDates(t.startsOn, date) <= 0 && compareCivilDates(date, t.endsOn) < 0,
  );
}

/** Day `date` lies in a term (a backdated gap counts). @example isCoveredOn(terms, '2026-03-01') // true */
export function isCoveredOn(terms: readonly CoverageTerm[], date: CivilDate): boolean {
  return termOn(terms, date) !== undefined;
}

/** Day `date` lies in a term that gives service (not a backdated gap). @example hasServiceOn(terms, '2026-03-01') // true */
export function hasServiceOn(terms: readonly CoverageTerm[], date: CivilDate): boolean {
  return termOn(terms, date)?.givesService === true;
}

/**
 * Expiry of the last effective term, as expiresOn (half-open end) and lastCoveredDay; null without terms.
 * @example coveredUntil(terms) // { expiresOn: '2027-01-01', lastCoveredDay: '2026-12-31' }
 */
export function coveredUntil(terms: readonly CoverageTerm[]): CoveredUntil | null {
  const last = effectiveTerms(terms).at(-1);
  if (last === undefined) return null;
  return { expiresOn: last.endsOn, lastCoveredDay: addDays(last.endsOn, -1) };
}

/**
 * 'active' inside a term (gap included: use hasServiceOn for service), 'not-started' before the first
 * term (and without terms), 'lapsed' after coverage ended or between two spans.
 * @example coverageState(terms, '2030-01-01') // 'lapsed'
 */
export function coverageState(terms: readonly CoverageTerm[], date: CivilDate): CoverageState {
  const effective = effectiveTerms(terms);
  const first = effective[0];
  if (first === undefined || compareCivilDates(date, first.startsOn) < 0) return 'not-started';
  return isCoveredOn(terms, date) ? 'active' : 'lapsed';
}

/**
 * Uncovered days through `date` since coverage last ended: 1 on the expiry date itself (the first day
 * without coverage); 0 when `date` is covered or before the first term.
 * @example daysLapsed(termsExpiringOn('2026-01-01'), '2026-01-11') // 11
 */
export function daysLapsed(terms: readonly CoverageTerm[], date: CivilDate): number {
  if (coverageState(terms, date) !== 'lapsed') return 0;
  const ended = effectiveTerms(terms).filter((t) => compareCivilDates(t.endsOn, date) <= 0);
  const lastEnd = ended.at(-1)?.endsOn;
  return lastEnd === undefined ? 0 : daysBetween(lastEnd, date) + 1;
}

/**
 * Contiguous covered spans: adjacent effective terms merged, gaps in service ignored.
 * @example mergedCoverage(terms) // [{ startsOn: '2026-01-01', endsOn: '2028-01-01' }]
 */
export function mergedCoverage(terms: readonly CoverageTerm[]): CoverageSpan[] {
  const spans: CoverageSpan[] = [];
  for (const term of effectiveTerms(terms)) {
    const last = spans.at(-1);
    if (last !== undefined && compareCivilDates(last.endsOn, term.startsOn) === 0) {
      last.endsOn = term.endsOn;
    } else {
      spans.push({ startsOn: term.startsOn, endsOn: term.endsOn });
    }
  }
  return spans;
}
