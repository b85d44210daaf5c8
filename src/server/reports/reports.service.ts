import { type Kysely, sql } from 'kysely';
import {
  BACKLOG_BUCKETS,
  type BacklogReport,
  type RevenueMonth,
  type RevenueQuery,
  type RevenueReport,
  SLA_METRICS,
  type SlaComplianceQuery,
  type SlaComplianceReport,
  TICKET_PRIORITIES,
} from '../../schema/reports.schema.ts';
import type { Database } from '../db/database-types.ts';
import { monthsTable, monthWindows } from './report-months.ts';

// Staff reports (docs/reports.md). Each one is a few grouped queries: the database counts, this file
// names the buckets and fills the empty ones, so every chart gets every month.

const OPEN_STATUSES = ['new', 'open', 'waiting-on-customer'] as const;
const DAY_MS = 86_400_000;

/**
 * SLA compliance: per month (the clock's stop instant in the time zone), ticket category and metric,
 * the stopped clocks that met their target and those that missed it — the same rule as the ticket
 * view's met/missed (consumed ≤ target, src/core/ticket/sla-clock.ts wasMet).
 */
export async function slaComplianceReport(
  db: Kysely<Database>,
  query: SlaComplianceQuery,
  now: Date,
): Promise<SlaComplianceReport> {
  const windows = monthWindows(now, query.months, query.timeZone);
  const metricFilter = query.metric === undefined ? sql`` : sql`AND c.metric = ${query.metric}`;
  const result = await sql<{
    month: string;
    category_id: string;
    metric: string;
    met: number;
    breached: number;
  }>`
    SELECT m.month, t.category_id, c.metric,
      count(*) FILTER (WHERE c.consumed_seconds <= c.target_seconds)::int AS met,
      count(*) FILTER (WHERE c.consumed_seconds > c.target_seconds)::int AS breached
    FROM ${monthsTable(windows)} AS m(month, starts, ends)
    JOIN sla_clocks c ON c.stopped_at >= m.starts AND c.stopped_at < m.ends ${metricFilter}
    JOIN tickets t ON t.id = c.ticket_id
    GROUP BY m.month, t.category_id, c.metric
    ORDER BY m.month, t.category_id, c.metric`.execute(db);
  return {
    timeZone: query.timeZone,
    months: windows.map((w) => w.month),
    rows: result.rows.map((r) => ({
      month: r.month,
      categoryId: r.category_id,
      metric: SLA_METRICS.find((m) => m === r.metric) ?? 'resolution',
      met: r.met,
      breached: r.breached,
    })),
  };
}

/** Open tickets (new, open, waiting on the customer) by age since they were opened, and by priority. */
export async function backlogReport(db: Kysely<Database>, now: Date): Promise<BacklogReport> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const result = await sql<{ bucket: string; priority: string; n: number }>`
    SELECT CASE
        WHEN created_at > ${ago(1)}::timestamptz THEN '<1d'
        WHEN created_at > ${ago(3)}::timestamptz THEN '1-3d'
        WHEN created_at > ${ago(7)}::timestamptz THEN '3-7d'
        WHEN created_at > ${ago(30)}::timestamptz THEN '7-30d'
        ELSE '>30d' END AS bucket,
      priority, count(*)::int AS n
    FROM tickets
    WHERE status IN (${sql.join(OPEN_STATUSES)})
    GROUP BY 1, 2`.execute(db);
  const buckets = BACKLOG_BUCKETS.map((bucket) => {
    const byPriority = { low: 0, normal: 0, high: 0, urgent: 0 };
    for (const row of result.rows) {
      const priority = TICKET_PRIORITIES.find((p) => p === row.priority);
      if (row.bucket === bucket && priority) byPriority[priority] += row.n;
    }
    const total = byPriority.low + byPriority.normal + byPriority.high + byPriority.urgent;
    return { bucket, total, byPriority };
  });
  return { asOf: now.toISOString(), total: buckets.reduce((s, b) => s + b.total, 0), buckets };
}

type MoneyRow = { month: string; currency: string; amount: number; tax: number; n: number };

/**
 * Revenue per month and currency: invoices issued (totals with tax), credit notes issued, payments
 * received, each by its instant in the time zone. Currencies are separate series, never added.
 */
export async function revenueReport(
  db: Kysely<Database>,
  query: RevenueQuery,
  now: Date,
): Promise<RevenueReport> {
  const windows = monthWindows(now, query.months, query.timeZone);
  const months = monthsTable(windows);
  const invoiced = await sql<MoneyRow>`
    SELECT m.month, i.currency, sum(i.total_minor)::bigint AS amount, sum(i.tax_minor)::bigint AS tax,
      count(*)::int AS n
    FROM ${months} AS m(month, starts, ends)
    JOIN invoices i ON i.issued_at >= m.starts AND i.issued_at < m.ends
    GROUP BY m.month, i.currency`.execute(db);
  const credited = await sql<MoneyRow>`
    SELECT m.month, c.currency, sum(c.amount_minor)::bigint AS amount, 0 AS tax, count(*)::int AS n
    FROM ${months} AS m(month, starts, ends)
    JOIN credit_notes c ON c.issued_at >= m.starts AND c.issued_at < m.ends
    GROUP BY m.month, c.currency`.execute(db);
  const paid = await sql<MoneyRow>`
    SELECT m.month, p.currency, sum(p.amount_minor)::bigint AS amount, 0 AS tax, count(*)::int AS n
    FROM ${months} AS m(month, starts, ends)
    JOIN payments p ON p.received_at >= m.starts AND p.received_at < m.ends
    GROUP BY m.month, p.currency`.execute(db);
  const currencies = [
    ...new Set([...invoiced.rows, ...credited.rows, ...paid.rows].map((r) => r.currency)),
  ].sort();
  const find = (rows: MoneyRow[], month: string, currency: string) =>
    rows.find((r) => r.month === month && r.currency === currency);
  return {
    timeZone: query.timeZone,
    months: windows.map((w) => w.month),
    currencies: currencies.map((currency) => {
      const series: RevenueMonth[] = windows.map(({ month }) => {
        const inv = find(invoiced.rows, month, currency);
        return {
          month,
          invoiceCount: inv?.n ?? 0,
          invoicedMinor: Number(inv?.amount ?? 0),
          taxMinor: Number(inv?.tax ?? 0),
          creditedMinor: Number(find(credited.rows, month, currency)?.amount ?? 0),
          paidMinor: Number(find(paid.rows, month, currency)?.amount ?? 0),
        };
      });
      const sum = (key: Exclude<keyof RevenueMonth, 'month'>) => series.reduce((s, m) => s + m[key], 0);
      return {
        currency,
        months: series,
        totals: {
          invoiceCount: sum('invoiceCount'),
          invoicedMinor: sum('invoicedMinor'),
          taxMinor: sum('taxMinor'),
          creditedMinor: sum('creditedMinor'),
          paidMinor: sum('paidMinor'),
        },
      };
    }),
  };
}
