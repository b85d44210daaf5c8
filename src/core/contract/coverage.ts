import type { Plan } from '../plan/plan.schema.ts';
import { addTerm, type CivilDate, earlierOfInvoiceOrPayment, type MaybeDate } from './civil-date.ts';
import type { CoverageTerm } from './coverage.types.ts';

export * from './coverage.queries.ts';
export type * from './coverage.types.ts';
export * from './renewal.ts';

export interface FirstTermInput {
  plan: Plan;
  /** Civil date of the purchase order (the plan's time zone). */
  purchasedOn: CivilDate;
  invoiceOn?: MaybeDate;
  paidOn?: MaybeDate;
}

/**
 * R0.1: the first term of a purchase, plan.coverage.term long, starting on the purchase date, or (S4, R4.2)
 * on the earlier of the invoice and payment dates.
 * @example firstTerm({ plan: s0, purchasedOn: '2026-01-31' })
 *   // { kind: 'initial', startsOn: '2026-01-31', endsOn: '2027-01-31', givesService: true }
 */
export function firstTerm(input: FirstTermInput): CoverageTerm {
  const { plan, purchasedOn } = input;
  const startsOn =
    plan.coverage.startsAt === 'earlier-of-invoice-or-payment'
      ? earlierOfInvoiceOrPayment(purchasedOn, input.invoiceOn, input.paidOn)
      : purchasedOn;
  return { kind: 'initial', startsOn, endsOn: addTerm(startsOn, plan.coverage.term, 1), givesService: true };
}
