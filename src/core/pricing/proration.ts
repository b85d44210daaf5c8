import type { Money } from '../plan/plan-common.schema.ts';
import { lineAmount, type PriceLine, parseCivilDate } from './invoice-lines.ts';
import { multiplyRational } from './money.ts';
import { amountText, plural } from './price-words.ts';

// R4.2 (S4): users added mid-term are prorated to the end of the term. Decision: by whole DAYS, not by
// seconds as Stripe does: a term is a half-open range of civil dates [termStart, termEnd), the added users
// pay for the days from addedOn to termEnd over the days in the term, at the yearly price per user, rounded
// once half-up. Adding on termStart costs the full term; adding on the last day (termEnd − 1) costs one day.

export interface ProrationInput {
  pricePerUserPerMonth: Money;
  addedSeats: number;
  /** YYYY-MM-DD, the day the users were added; the day itself is charged. */
  addedOn: string;
  /** YYYY-MM-DD, first day of the term. */
  termStart: string;
  /** YYYY-MM-DD, the day after the last day of the term (half-open), e.g. 2027-01-01 for the year 2026. */
  termEnd: string;
}

export type ProrationResult =
  | {
      ok: true;
      amountMinor: number;
      currency: string;
      daysRemaining: number;
      daysInTerm: number;
      line: PriceLine;
      explanation: string;
    }
  | { ok: false; reason: 'INVALID_SEATS' | 'INVALID_TERM' | 'ADDED_OUTSIDE_TERM'; message: string };

/**
 * The charge for users added mid-term: seats × price per user per month × months in term × days remaining /
 * days in term, rounded once. The term's months are whole calendar months from termStart (12 for a year).
 * Example: prorateAddedUsers({ pricePerUserPerMonth: money(800, 'USD'), addedSeats: 3, addedOn: '2026-03-01',
 *   termStart: '2026-01-01', termEnd: '2027-01-01' }) → amountMinor 24145 (3 × 96.00 × 306/365 = 241.4466 → 241.45)
 */
export function prorateAddedUsers(input: ProrationInput): ProrationResult {
  const { addedSeats, pricePerUserPerMonth: price } = input;
  if (!Number.isSafeInteger(addedSeats) || addedSeats < 1) {
    return {
      ok: false,
      reason: 'INVALID_SEATS',
      message: `addedSeats must be a positive whole number, got ${addedSeats}`,
    };
  }
  const start = parseCivilDate(input.termStart);
  const end = parseCivilDate(input.termEnd);
  const added = parseCivilDate(input.addedOn);
  const daysInTerm = start.until(end, { largestUnit: 'day' }).days;
  if (daysInTerm < 1) {
    return {
      ok: false,
      reason: 'INVALID_TERM',
      message: `the term ${input.termStart}–${input.termEnd} has no days`,
    };
  }
  const daysRemaining = added.until(end, { largestUnit: 'day' }).days;
  if (daysRemaining < 1 || daysRemaining > daysInTerm) {
    return {
      ok: false,
      reason: 'ADDED_OUTSIDE_TERM',
      message: `${input.addedOn} is outside the term ${input.termStart} to ${input.termEnd} (end exclusive)`,
    };
  }
  const months = termMonthsBetween(input.termStart, input.termEnd);
  const unit = multiplyRational(price.amountMinor, months, 1);
  const quantity = { num: addedSeats * daysRemaining, den: daysInTerm };
  const amountMinor = lineAmount(quantity, unit);
  const money = (n: number) => amountText(n, price.currency);
  const line: PriceLine = {
    description: `${plural(addedSeats, 'added user')} from ${input.addedOn} to the term end (${daysRemaining} of ${daysInTerm} days) at ${money(unit)} per user per term`,
    quantity,
    unitAmountMinor: unit,
    periodStart: input.addedOn,
    periodEnd: input.termEnd,
  };
  const explanation = `R4.2 proration by days: ${addedSeats} × ${money(unit)} × ${daysRemaining}/${daysInTerm} = ${money(amountMinor)} (rounded half-up once).`;
  return { ok: true, amountMinor, currency: price.currency, daysRemaining, daysInTerm, line, explanation };
}

/** Whole calendar months from start to end (clamped month ends count: Jan 31 → Feb 28 is one month); at least 1. */
function termMonthsBetween(startText: string, endText: string): number {
  const months = parseCivilDate(startText).until(parseCivilDate(endText), { largestUnit: 'month' });
  return Math.max(1, months.years * 12 + months.months + (months.days > 0 ? 1 : 0));
}
