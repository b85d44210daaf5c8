import type { Term } from '../plan/plan-common.schema.ts';
import { minorToDecimalString } from './money.ts';

// Plain words for invoice line descriptions and price explanations. Amounts are written as exact decimal
// text with the ISO code ("99.00 USD"), never locale-formatted, so a stored description never changes.

/** "99.00 USD". Example: amountText(9900, 'USD') === '99.00 USD' */
export function amountText(amountMinor: number, currency: string): string {
  return `${minorToDecimalString(amountMinor, currency)} ${currency}`;
}

/** A count with its noun. Example: plural(3, 'user') === '3 users' */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "1 year", "3 months", "1 year 6 months". Example: termText({ months: 3 }) === '3 months' */
export function termText(term: Term): string {
  const parts: string[] = [];
  if (term.years) parts.push(plural(term.years, 'year'));
  if (term.months) parts.push(plural(term.months, 'month'));
  if (term.days) parts.push(plural(term.days, 'day'));
  return parts.join(' ');
}

/** "year" for a one-unit term, else the term: "per year", "per 3 months". Example: perTermText({ years: 1 }) === 'year' */
export function perTermText(term: Term): string {
  const set = Object.entries(term).filter(([, n]) => n !== undefined && n !== 0);
  if (set.length === 1 && set[0]![1] === 1) return set[0]![0].replace(/s$/, '');
  return termText(term);
}

/** The terms of one order. Example: termsText({ years: 1 }, 3) === '3 × 1 year' */
export function termsText(term: Term, terms: number): string {
  return terms === 1 ? termText(term) : `${terms} × ${termText(term)}`;
}

/** Whole months in a term, or null when it has days (per-user prices are per month). Example: termMonths({ years: 1 }) === 12 */
export function termMonths(term: Term): number | null {
  if (term.days) return null;
  return (term.years ?? 0) * 12 + (term.months ?? 0);
}
