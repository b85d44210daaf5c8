import { multiplyRational } from '../../core/pricing/index.ts';

/**
 * The tax part of a credit note: the invoice's tax share of everything credited so far (this note
 * included), rounded once half-up, minus the tax earlier notes already took. Rounding the running
 * total rather than each note keeps the credited tax at exactly the invoice's tax once the invoice is
 * fully credited, and never above it (two half notes of a 1-cent tax would otherwise take 1 + 1).
 * @example creditNoteTax({ totalMinor: 2, taxMinor: 1 }, { amountMinor: 1, taxMinor: 1 }, 1) === 0
 */
export function creditNoteTax(
  invoice: { totalMinor: number; taxMinor: number },
  creditedBefore: { amountMinor: number; taxMinor: number },
  amountMinor: number,
): number {
  if (invoice.totalMinor === 0) return 0;
  const cumulative = multiplyRational(
    creditedBefore.amountMinor + amountMinor,
    invoice.taxMinor,
    invoice.totalMinor,
  );
  return cumulative - creditedBefore.taxMinor;
}
