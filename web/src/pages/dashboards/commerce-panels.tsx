import { useMemo } from 'react';
import type {
  LapsedReport,
  RenewalsDueReport,
  ReportContract,
  RevenueReport,
} from '../../../../src/schema/reports.schema.ts';
import { civil, minorDigits, money } from '../../format.ts';
import { Link } from '../../router.tsx';
import { BREACHED, ChartFigure, count, MET, PALETTE } from './chart.tsx';

function ContractsTable({
  contracts,
  group,
  testId,
  empty,
}: {
  contracts: { group: string; contract: ReportContract & { daysLapsed?: number } }[];
  group: string;
  testId: string;
  empty: string;
}) {
  const lapsed = contracts.some((c) => c.contract.daysLapsed !== undefined);
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th>{group}</th>
          <th>Organisation</th>
          <th>Product</th>
          <th>Expires</th>
          {lapsed && <th>Days lapsed</th>}
        </tr>
      </thead>
      <tbody>
        {contracts.length === 0 && (
          <tr>
            <td colSpan={lapsed ? 5 : 4}>{empty}</td>
          </tr>
        )}
        {contracts.map(({ group: g, contract: c }) => (
          <tr key={c.contractId}>
            <td data-label={group}>{g}</td>
            <td data-label="Organisation">
              <Link to={`/console/customers/${encodeURIComponent(c.organisationId)}`}>
                {c.organisationName}
              </Link>
            </td>
            <td data-label="Product">
              <Link to={`/console/contracts/${encodeURIComponent(c.contractId)}`}>{c.productName}</Link>{' '}
              <small className="muted">{c.planKey}</small>
            </td>
            <td data-label="Expires">
              <time dateTime={c.expiresOn}>{c.expiresOn}</time>{' '}
              <small className="muted">(last covered day {civil(c.lastCoveredDay)})</small>
            </td>
            {lapsed && <td data-label="Days lapsed">{c.daysLapsed}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Contracts whose coverage expires in the coming days, per week. */
export function RenewalsPanel({ report, days }: { report: RenewalsDueReport; days: number }) {
  const data = useMemo(
    () => ({
      labels: report.weeks.map((w) => `week of ${w.weekStartsOn}`),
      datasets: [
        { label: 'contracts expiring', backgroundColor: PALETTE[0], data: report.weeks.map((w) => w.count) },
      ],
    }),
    [report],
  );
  const rows = report.weeks.flatMap((w) =>
    w.contracts.map((contract) => ({ group: w.weekStartsOn, contract })),
  );
  return (
    <ChartFigure
      testId="chart-renewals"
      caption={`Renewals due in the next ${days} days: ${count(report.total, 'contract')} covered today whose coverage expires after ${civil(report.today)} and by ${civil(report.until)}, by week.`}
      data={data}
      yTitle="contracts"
      table={
        <ContractsTable contracts={rows} group="Week of" testId="table-renewals" empty="No renewal due." />
      }
    />
  );
}

/** Contracts that lapsed in the last days and were not renewed, per month. */
export function LapsedPanel({ report, days }: { report: LapsedReport; days: number }) {
  const data = useMemo(
    () => ({
      labels: report.months.map((m) => m.month),
      datasets: [
        { label: 'contracts lapsed', backgroundColor: BREACHED, data: report.months.map((m) => m.count) },
      ],
    }),
    [report],
  );
  const rows = report.months.flatMap((m) => m.contracts.map((contract) => ({ group: m.month, contract })));
  return (
    <ChartFigure
      testId="chart-lapsed"
      caption={`Lapsed contracts: ${count(report.total, 'contract')} whose coverage ended in the last ${days} days (since ${civil(report.since)}) and that are not renewed, by month.`}
      data={data}
      yTitle="contracts"
      table={
        <ContractsTable contracts={rows} group="Month" testId="table-lapsed" empty="No contract lapsed." />
      }
    />
  );
}

/** One chart per currency: amounts in different currencies are never drawn on one axis. */
export function RevenuePanels({ report }: { report: RevenueReport }) {
  if (report.currencies.length === 0)
    return (
      <p className="muted" data-testid="chart-revenue-none">
        No invoices, credit notes or payments in these months.
      </p>
    );
  return (
    <>
      {report.currencies.map((series) => (
        <CurrencyRevenue key={series.currency} report={report} series={series} />
      ))}
    </>
  );
}

function CurrencyRevenue({
  report,
  series,
}: {
  report: RevenueReport;
  series: RevenueReport['currencies'][number];
}) {
  const { currency } = series;
  const digits = 10 ** minorDigits(currency);
  const data = useMemo(
    () => ({
      labels: series.months.map((m) => m.month),
      datasets: [
        {
          label: 'invoiced',
          backgroundColor: PALETTE[0],
          data: series.months.map((m) => m.invoicedMinor / digits),
        },
        { label: 'paid', backgroundColor: MET, data: series.months.map((m) => m.paidMinor / digits) },
        {
          label: 'credited',
          backgroundColor: BREACHED,
          data: series.months.map((m) => m.creditedMinor / digits),
        },
      ],
    }),
    [series, digits],
  );
  const t = series.totals;
  return (
    <ChartFigure
      testId={`chart-revenue-${currency}`}
      caption={`Revenue in ${currency} by month (${report.timeZone}): ${money(t.invoicedMinor, currency)} invoiced in ${count(t.invoiceCount, 'invoice')}, ${money(t.paidMinor, currency)} paid, ${money(t.creditedMinor, currency)} credited.`}
      data={data}
      yTitle={currency}
      table={
        <table data-testid={`table-revenue-${currency}`}>
          <thead>
            <tr>
              <th>Month</th>
              <th>Invoices</th>
              <th>Invoiced</th>
              <th>Tax in it</th>
              <th>Paid</th>
              <th>Credited</th>
            </tr>
          </thead>
          <tbody>
            {series.months.map((m) => (
              <tr key={m.month}>
                <td data-label="Month">{m.month}</td>
                <td data-label="Invoices">{m.invoiceCount}</td>
                <td data-label="Invoiced" data-minor={m.invoicedMinor}>
                  {money(m.invoicedMinor, currency)}
                </td>
                <td data-label="Tax in it" data-minor={m.taxMinor}>
                  {money(m.taxMinor, currency)}
                </td>
                <td data-label="Paid" data-minor={m.paidMinor}>
                  {money(m.paidMinor, currency)}
                </td>
                <td data-label="Credited" data-minor={m.creditedMinor}>
                  {money(m.creditedMinor, currency)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
