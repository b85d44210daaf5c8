import type { CivilDate } from './civil-date.ts';

/** Why a term exists: the first purchase, a renewal, the unserved gap of a backdated renewal, or an S4 reinstatement. */
export type TermKind = 'initial' | 'renewal' | 'backdated-gap' | 'reinstatement';

/**
 * One stored coverage term, HALF-OPEN: day D is covered iff startsOn <= D < endsOn. `endsOn` is the expiry
 * date people see; the last covered day is endsOn - 1. givesService=false only for a 'backdated-gap' term.
 */
export interface CoverageTerm {
  kind: TermKind;
  startsOn: CivilDate;
  endsOn: CivilDate;
  givesService: boolean;
}

/**
 * A term as it counts: [startsOn, min(endsOn, every later term's startsOn)). `index` points at the stored
 * term; `storedEndsOn` is its end before a later term superseded it (from-now renewals).
 */
export interface EffectiveTerm extends CoverageTerm {
  index: number;
  storedEndsOn: CivilDate;
}

/** The end of coverage, both ways people say it: expiresOn = the half-open end, lastCoveredDay = expiresOn - 1. */
export interface CoveredUntil {
  expiresOn: CivilDate;
  lastCoveredDay: CivilDate;
}

/** A contiguous covered span (adjacent effective terms merged), with or without service. */
export interface CoverageSpan {
  startsOn: CivilDate;
  endsOn: CivilDate;
}

/** Where a day stands: inside a term, before the first one, or after coverage ended (or between spans). */
export type CoverageState = 'active' | 'lapsed' | 'not-started';
