import { z } from 'zod';
import { isCivilDate } from '../core/contract/civil-date.ts';

/** Wire schemas shared by several concepts. No server imports here (the web app uses them too). */

/** The years a civil date on the wire may name: far enough for any contract, near enough for date arithmetic. */
export const CIVIL_YEAR_MIN = 1900;
export const CIVIL_YEAR_MAX = 2199;

/** A real calendar date YYYY-MM-DD in the years 1900–2199 (a term added to 9999-12-31 leaves the calendar). */
export function isWireCivilDate(text: string): boolean {
  if (!isCivilDate(text)) return false;
  const year = Number(text.slice(0, 4));
  return year >= CIVIL_YEAR_MIN && year <= CIVIL_YEAR_MAX;
}

/** The civil date every request schema uses; a bad one is 400 VALIDATION_FAILED naming the field. */
export const WireCivilDateSchema = z.string().refine(isWireCivilDate, {
  message: `expected a calendar date YYYY-MM-DD in the years ${CIVIL_YEAR_MIN}–${CIVIL_YEAR_MAX}`,
});
