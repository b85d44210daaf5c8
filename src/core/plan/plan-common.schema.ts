import { z } from 'zod';

/** ISO 4217 alphabetic code, e.g. EUR. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 currency code like EUR or USD' });

/** Money is exact (R0.6): integer minor units plus the currency they are in. */
export const moneySchema = z
  .strictObject({
    amountMinor: z
      .number({ message: 'expected an integer amount in minor units (cents), e.g. 4900 for 49.00' })
      .int({ message: 'expected an integer amount in minor units (cents), e.g. 4900 for 49.00' })
      .nonnegative({ message: 'expected a non-negative amount' }),
    currency: currencySchema,
  })
  .describe('An exact amount: integer minor units (cents) and an ISO 4217 currency (R0.6).');
export type Money = z.infer<typeof moneySchema>;

const count = (what: string) =>
  z
    .number({ message: `expected a whole number of ${what}` })
    .int({ message: `expected a whole number of ${what}` })
    .nonnegative({ message: `expected a non-negative number of ${what}` });

/** A calendar term such as a year or 3 months; months are added from the anchor with end-of-month clamping. */
export const termSchema = z
  .strictObject({
    years: count('years').optional(),
    months: count('months').optional(),
    days: count('days').optional(),
  })
  .refine((t) => (t.years ?? 0) + (t.months ?? 0) + (t.days ?? 0) > 0, {
    message: 'expected a positive term, e.g. { years: 1 } or { months: 6 }',
  })
  .describe('A calendar term, e.g. { years: 1 } or { months: 3 }.');
export type Term = z.infer<typeof termSchema>;

/** Identifier used for keys that people type: lowercase words joined by hyphens. */
export const slugSchema = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
  message: 'expected lowercase words joined by hyphens, e.g. ticket-desk',
});

export const positiveInt = (what: string) =>
  z
    .number({ message: `expected a whole number of ${what}` })
    .int({ message: `expected a whole number of ${what}` })
    .positive({ message: `expected a positive number of ${what}` });

/** A keyed, described item (features, reasons): the key is what code and data refer to. */
export const keyedItemSchema = z.strictObject({
  key: slugSchema,
  description: z.string().min(1, { message: 'expected a non-empty description' }),
});
export type KeyedItem = z.infer<typeof keyedItemSchema>;
