import { type RawBuilder, sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';

/** One calendar month of a report: [start, end) as instants, in the report's time zone. */
export type MonthWindow = { month: string; start: Date; end: Date };

/**
 * The last `count` calendar months in `timeZone`, the one holding `now` last. Each month starts at the
 * first instant of its first day there (DST-safe: Temporal resolves a day that starts in a gap).
 * @example monthWindows(new Date('2026-03-01T00:30:00Z'), 1, 'Europe/Berlin')
 *   // [{ month: '2026-03', start: 2026-02-28T23:00:00Z, end: 2026-03-31T22:00:00Z }]
 */
export function monthWindows(now: Date, count: number, timeZone: string): MonthWindow[] {
  const current = Temporal.Instant.fromEpochMilliseconds(now.getTime())
    .toZonedDateTimeISO(timeZone)
    .toPlainDate()
    .toPlainYearMonth();
  const startOf = (ym: Temporal.PlainYearMonth) =>
    new Date(ym.toPlainDate({ day: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds);
  const windows: MonthWindow[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const ym = current.subtract({ months: back });
    windows.push({ month: ym.toString(), start: startOf(ym), end: startOf(ym.add({ months: 1 })) });
  }
  return windows;
}

/**
 * The months as an SQL table `(month, starts, ends)` to join instants against, so the database counts
 * per month in any time zone without knowing time zones itself.
 */
export function monthsTable(windows: readonly MonthWindow[]): RawBuilder<unknown> {
  const rows = windows.map(
    (w) =>
      sql`(${w.month}::text, ${w.start.toISOString()}::timestamptz, ${w.end.toISOString()}::timestamptz)`,
  );
  return sql`(VALUES ${sql.join(rows)})`;
}
