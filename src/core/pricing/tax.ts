import { z } from 'zod';
import { assertSafeMinor, decimalToRational, multiplyRational } from './money.ts';

// Tax is computed once per line from the rate snapshot stored with the line (a rate change later never
// changes an issued invoice), and rounded once, half-up, like every other amount.

export const taxRateSchema = z
  .strictObject({
    ratePercent: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,4})?$/, { message: 'expected a percent as decimal text, e.g. "19" or "7.7"' })
      .refine((t) => Number(t) <= 100, { message: 'expected a percent from 0 to 100' })
      .describe('The tax rate in percent as exact decimal text, e.g. "19" or "7.7".'),
    mode: z
      .enum(['exclusive', 'inclusive'])
      .describe(
        'exclusive: tax is added to the net amount; inclusive: the amount entered already contains it.',
      ),
  })
  .describe('A tax rate snapshot kept with each invoice line.');
export type TaxRate = z.infer<typeof taxRateSchema>;

/** No tax: an explicit zero rate, for vendors or lines that charge none. */
export const NO_TAX: TaxRate = Object.freeze({ ratePercent: '0', mode: 'exclusive' });

export interface LineTax {
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
}

/**
 * A line's net, tax and gross from the amount entered and a rate snapshot, rounded once half-up.
 * exclusive: the amount is net, tax = round(net × rate), gross = net + tax.
 * inclusive: the amount is gross, net = round(gross / (1 + rate)), tax = gross − net.
 * Example: taxForLine(10000, { ratePercent: '19', mode: 'exclusive' }) → { netMinor: 10000, taxMinor: 1900, grossMinor: 11900 }
 */
export function taxForLine(amountMinor: number, rate: TaxRate): LineTax {
  assertSafeMinor(amountMinor);
  const parsed = taxRateSchema.safeParse(rate);
  if (!parsed.success) {
    throw new RangeError(`invalid tax rate ${JSON.stringify(rate)}: ${parsed.error.issues[0]?.message}`);
  }
  const r = decimalToRational(rate.ratePercent);
  if (rate.mode === 'exclusive') {
    const taxMinor = multiplyRational(amountMinor, r.num, r.den * 100n);
    return { netMinor: amountMinor, taxMinor, grossMinor: assertSafeMinor(amountMinor + taxMinor) };
  }
  // gross / (1 + num/(100·den)) = gross × 100·den / (100·den + num)
  const netMinor = multiplyRational(amountMinor, r.den * 100n, r.den * 100n + r.num);
  return { netMinor, taxMinor: amountMinor - netMinor, grossMinor: amountMinor };
}
