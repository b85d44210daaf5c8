import { lineAmount, type PaymentSchedule, type PriceLine } from './invoice-lines.ts';

// The shape every price rule answers with: lines and a payment schedule, or a refusal with its reason.

export type PriceRefusal =
  | 'NO_PRICE_FOR_CATEGORY'
  | 'CURRENCY_MISMATCH'
  | 'LIST_PRICE_REQUIRED'
  | 'SEATS_REQUIRED'
  | 'INVALID_SEATS'
  | 'INVALID_TERMS'
  | 'TOO_MANY_TERMS'
  | 'MONTHLY_BILLING_NOT_OFFERED'
  | 'TERM_NOT_WHOLE_MONTHS'
  | 'INVALID_DISCOUNT'
  | 'DISCOUNT_EXCEEDS_PRICE';

export type Billing = 'annual' | 'monthly';

export type PriceResult =
  | { ok: true; currency: string; lines: PriceLine[]; payment: PaymentSchedule; explanation: string }
  | { ok: false; reason: PriceRefusal; message: string };

/** The refusal half of PriceResult. */
export type PriceRefused = Extract<PriceResult, { ok: false }>;

export const SINGLE: PaymentSchedule = Object.freeze({ kind: 'single' });

/** The rounded amount of a price line. Example: lineAmountOf({ description: '', quantity: 2, unitAmountMinor: 9900 }) === 19800 */
export const lineAmountOf = (line: PriceLine): number => lineAmount(line.quantity, line.unitAmountMinor);

/** A refusal with its reason code and plain words. Example: refuse('SEATS_REQUIRED', 'a per-user plan needs seats') */
export function refuse(reason: PriceRefusal, message: string): PriceRefused {
  return { ok: false, reason, message };
}
