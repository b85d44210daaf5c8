import { describe, expect, it } from 'vitest';
import { loadPreset, type PresetName } from '../../../test/plan/plan-helpers.ts';
import type { Restriction } from './entitlement.ts';
import { type RefundEligibility, refundEligibility } from './refund.ts';

const paid = { invoiceTotal: { amountMinor: 4900, currency: 'USD' }, paidOn: '2026-01-10' };
const resolved = new Date('2026-02-01T10:00:00Z');
const breached = new Date('2026-03-15T18:00:00Z');
const abuse: Restriction = { revokes: ['support', 'updates', 'refund'], reason: 'threats (R1.3)' };
const refusal: Restriction = { revokes: ['support'], reason: 'flooding (R1.4)' };

type Case = {
  resolvedAt?: Date | null;
  breachedAt?: Date | null;
  restrictions?: Restriction[];
  paidOn?: string | null;
};

describe('R5.1 refund eligibility per preset', () => {
  it.each<[string, PresetName, Case, RefundEligibility]>([
    [
      'S0: vendor terms, decided by hand',
      'annual-maintenance',
      {},
      { eligible: false, reason: 'VENDOR_TERMS', decidedByHand: true },
    ],
    [
      'S1: no ticket resolved yet',
      'ticket-desk',
      { resolvedAt: null },
      { eligible: true, reason: 'NO_TICKET_RESOLVED_YET', amountMinor: 4900, currency: 'USD' },
    ],
    [
      'S1: the first ticket was resolved',
      'ticket-desk',
      { resolvedAt: resolved },
      { eligible: false, reason: 'FIRST_TICKET_RESOLVED' },
    ],
    [
      'S1: abuse revoked the refund (R1.3)',
      'ticket-desk',
      { restrictions: [abuse] },
      { eligible: false, reason: 'REVOKED' },
    ],
    [
      'S1: a refusal reason suspends support, not the refund (R1.4)',
      'ticket-desk',
      { restrictions: [refusal] },
      { eligible: true, reason: 'NO_TICKET_RESOLVED_YET', amountMinor: 4900, currency: 'USD' },
    ],
    [
      'S1: an unpaid purchase has nothing to refund',
      'ticket-desk',
      { paidOn: null },
      { eligible: false, reason: 'NOT_PAID' },
    ],
    [
      'S2: a defect uncorrected for 30 working days refunds the add-on price',
      'addon-support',
      { breachedAt: breached },
      { eligible: true, reason: 'DEFECT_UNCORRECTED_30_WORKING_DAYS', amountMinor: 4900, currency: 'USD' },
    ],
    [
      'S2: no breached defect',
      'addon-support',
      { breachedAt: null },
      { eligible: false, reason: 'NO_UNCORRECTED_DEFECT' },
    ],
    [
      'S2: conduct revocation bars even a due refund',
      'addon-support',
      { breachedAt: breached, restrictions: [abuse] },
      { eligible: false, reason: 'REVOKED' },
    ],
    [
      'S3: vendor terms, decided by hand',
      'business-sla',
      {},
      { eligible: false, reason: 'VENDOR_TERMS', decidedByHand: true },
    ],
    [
      'S4: never, not even after a breach',
      'per-user-subscription',
      { breachedAt: breached },
      { eligible: false, reason: 'S4_NEVER' },
    ],
    [
      'S4: never, before any ticket',
      'per-user-subscription',
      { resolvedAt: null },
      { eligible: false, reason: 'S4_NEVER' },
    ],
  ])('R5.1 %s', (_name, preset, c, expected) => {
    const result = refundEligibility({
      plan: loadPreset(preset),
      purchase: { ...paid, paidOn: c.paidOn === undefined ? paid.paidOn : c.paidOn },
      firstTicketResolvedAt: c.resolvedAt,
      uncorrectedDefectBreachedAt: c.breachedAt,
      restrictions: c.restrictions ?? [],
    });
    expect(result).toEqual(expected);
  });
});
