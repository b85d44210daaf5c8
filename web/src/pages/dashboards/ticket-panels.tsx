import { useMemo } from 'react';
import type { BacklogReport, SlaComplianceReport } from '../../../../src/schema/reports.schema.ts';
import { BREACHED, ChartFigure, count, MET, PALETTE } from './chart.tsx';

const METRIC_WORDS: Record<string, string> = {
  assignment: 'assignment',
  firstResponse: 'first response',
  nextResponse: 'next response',
  resolution: 'resolution',
};

export const percent = (met: number, breached: number) =>
  met + breached === 0 ? null : Math.round((1000 * met) / (met + breached)) / 10;

/** SLA compliance per month and category: % of stopped clocks within target, one bar per category. */
export function SlaPanel({ report, metric }: { report: SlaComplianceReport; metric: string }) {
  const categories = useMemo(() => [...new Set(report.rows.map((r) => r.categoryId))].sort(), [report]);
  const totals = useMemo(() => {
    const out = new Map<string, { met: number; breached: number }>();
    for (const r of report.rows) {
      const key = `${r.month} ${r.categoryId}`;
      const t = out.get(key) ?? { met: 0, breached: 0 };
      t.met += r.met;
      t.breached += r.breached;
      out.set(key, t);
    }
    return out;
  }, [report]);
  const data = useMemo(
    () => ({
      labels: report.months,
      datasets: categories.map((category, i) => ({
        label: `Category ${category}`,
        backgroundColor: PALETTE[i % PALETTE.length] ?? MET,
        data: report.months.map((m) => {
          const t = totals.get(`${m} ${category}`);
          return t ? (percent(t.met, t.breached) ?? 0) : 0;
        }),
      })),
    }),
    [report, categories, totals],
  );
  const what = metric ? `the ${METRIC_WORDS[metric] ?? metric} target` : 'their targets';
  const stopped = report.rows.reduce((s, r) => s + r.met + r.breached, 0);
  return (
    <ChartFigure
      testId="chart-sla"
      caption={`SLA compliance by category and month: the share of SLA clocks that stopped within ${what} (${count(stopped, 'clock')} in ${count(report.months.length, 'month')}, ${report.timeZone}).`}
      data={data}
      yTitle="% within target"
      yMax={100}
      table={
        <table data-testid="table-sla">
          <thead>
            <tr>
              <th>Month</th>
              <th>Category</th>
              <th>Metric</th>
              <th>Met</th>
              <th>Breached</th>
              <th>Within target</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.length === 0 && (
              <tr>
                <td colSpan={6}>No SLA clock stopped in these months.</td>
              </tr>
            )}
            {report.rows.map((r) => (
              <tr key={`${r.month}-${r.categoryId}-${r.metric}`}>
                <td data-label="Month">{r.month}</td>
                <td data-label="Category">{r.categoryId}</td>
                <td data-label="Metric">{METRIC_WORDS[r.metric] ?? r.metric}</td>
                <td data-label="Met">{r.met}</td>
                <td data-label="Breached">{r.breached}</td>
                <td data-label="Within target">{percent(r.met, r.breached)} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
const PRIORITY_COLOUR = { urgent: BREACHED, high: '#f59e0b', normal: '#3b82f6', low: '#94a3b8' };
const BUCKET_WORDS: Record<string, string> = {
  '<1d': 'under 1 day',
  '1-3d': '1–3 days',
  '3-7d': '3–7 days',
  '7-30d': '7–30 days',
  '>30d': 'over 30 days',
};

/** Open tickets by age, stacked by priority. */
export function BacklogPanel({ report }: { report: BacklogReport }) {
  const data = useMemo(
    () => ({
      labels: report.buckets.map((b) => BUCKET_WORDS[b.bucket] ?? b.bucket),
      datasets: PRIORITIES.map((p) => ({
        label: p,
        backgroundColor: PRIORITY_COLOUR[p],
        data: report.buckets.map((b) => b.byPriority[p]),
      })),
    }),
    [report],
  );
  return (
    <ChartFigure
      testId="chart-backlog"
      caption={`Backlog by age: ${count(report.total, 'open ticket')} (new, open or waiting on the customer) by time since they were opened, stacked by priority.`}
      data={data}
      stacked
      yTitle="open tickets"
      table={
        <table data-testid="table-backlog">
          <thead>
            <tr>
              <th>Age</th>
              {PRIORITIES.map((p) => (
                <th key={p}>{p}</th>
              ))}
              <th>Total</th>
            </tr>
          </thead>
          <tbody>
            {report.buckets.map((b) => (
              <tr key={b.bucket}>
                <td data-label="Age">{BUCKET_WORDS[b.bucket] ?? b.bucket}</td>
                {PRIORITIES.map((p) => (
                  <td key={p} data-label={p}>
                    {b.byPriority[p]}
                  </td>
                ))}
                <td data-label="Total">{b.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
