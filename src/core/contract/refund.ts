import type { Plan } from '../plan/plan.schema.ts';
import type { Money } from '../plan/plan-common.schema.ts';
import type { CivilDate } from './civil-date.ts';
import type { Restriction } from './entitlement.ts';

export interface RefundInput {
  plan: Plan;
  /** The purchase (license or add-on order) the refund would credit. */
  purchase: { invoiceTotal: Money; paidOn: CivilDate | null };
  /** When support resolved the first ticket of this purchase (S1), or null/absent. */
  firstTicketResolvedAt?: Date | null | undefined;
  /** When a defect of this purchase breached its correction target (S2: 30 working days), or null/absent. */
  uncorrectedDefectBreachedAt?: Date | null | undefined;
  /** Active restrictions on the customer (R1.3 conduct can revoke 'refund'). */
  restrictions: readonly Restriction[];
}

export type RefundReason =
  | 'S4_NEVER'
  | 'REVOKED'
  | 'NOT_PAID'
  | 'FIRST_TICKET_RESOLVED'
  | 'NO_TICKET_RESOLVED_YET'
  | 'DEFECT_UNCORRECTED_30_WORKING_DAYS'
  | 'NO_UNCORRECTED_DEFECT'
  | 'VENDOR_TERMS';

export interface RefundEligibility {
  eligible: boolean;
  reason: RefundReason;
  /** What the credit note would be for, when eligible: the purchase's invoice total. */
  amountMinor?: number;
  currency?: string;
  /** VENDOR_TERMS: the plan sets no rule; a person decides under the vendor's general terms. */
  decidedByHand?: true;
}

/**
 * R5.1: may this purchase be refunded (as a credit note)? Checks, in order: a 'never' plan (S4), a conduct
 * revocation of 'refund' (R1.3), an unpaid purchase (nothing to credit), then the plan's policy: S1 until the
 * first ticket is resolved; S2 once a defect stays uncorrected past its target; S0/S3 vendor terms, by hand.
 * @example refundEligibility({ plan: s1, purchase: { invoiceTotal: { amountMinor: 2900, currency: 'USD' }, paidOn: '2026-01-10' },
 *   firstTicketResolvedAt: null, restrictions: [] }) // { eligible: true, reason: 'NO_TICKET_RESOLVED_YET', amountMinor: 2900, currency: 'USD' }
 */
export function refundEligibility(input: RefundInput): RefundEligibility {
  const { plan, purchase } = input;
  const policy = plan.refunds.policy;
  if (policy === 'never') return { eligible: false, reason: 'S4_NEVER' };
  if (input.restrictions.some((r) => r.revokes.includes('refund')))
    return { eligible: false, reason: 'REVOKED' };
  if (purchase.paidOn === null) return { eligible: false, reason: 'NOT_PAID' };
  const due = (reason: RefundReason): RefundEligibility => ({
    eligible: true,
    reason,
    amountMinor: purchase.invoiceTotal.amountMinor,
    currency: purchase.invoiceTotal.currency,
  });
  switch (policy) {
    case 'until-first-ticket-resolved':
      return input.firstTicketResolvedAt
        ? { eligible: false, reason: 'FIRST_TICKET_RESOLVED' }
        : due('NO_TICKET_RESOLVED_YET');
    case 'uncorrected-defect':
      return input.uncorrectedDefectBreachedAt
        ? due('DEFECT_UNCORRECTED_30_WORKING_DAYS')
        : { eligible: false, reason: 'NO_UNCORRECTED_DEFECT' };
    case 'vendor-terms':
      return { eligible: false, reason: 'VENDOR_TERMS', decidedByHand: true };
  }
}
