import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database-types.ts';

/** A numbered series of money documents: invoices `INV-000001`, credit notes `CN-000001`. */
export type NumberSeries = 'invoice' | 'credit-note';

const PREFIX: Record<NumberSeries, string> = { invoice: 'INV', 'credit-note': 'CN' };

/**
 * The next number of a series, without gaps. The UPDATE locks the counter row until the caller's
 * transaction ends: a concurrent issuer waits, and a rollback gives the number back, so the numbers
 * that exist are always 1..n. Call it inside the transaction that writes the document, as late as possible.
 */
export async function nextNumber(trx: Kysely<Database>, series: NumberSeries): Promise<string> {
  await trx
    .insertInto('number_sequences')
    .values({ name: series, next_value: 1 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await sql<{ value: string | number }>`
    UPDATE number_sequences SET next_value = next_value + 1
    WHERE name = ${series} RETURNING next_value - 1 AS value`
    .execute(trx)
    .then((r) => r.rows[0]);
  if (!row) throw new Error(`number sequence ${series} is missing`);
  return formatNumber(series, Number(row.value));
}

/** Example: formatNumber('invoice', 42) === 'INV-000042' (more digits once past 999999). */
export function formatNumber(series: NumberSeries, value: number): string {
  return `${PREFIX[series]}-${String(value).padStart(6, '0')}`;
}
