import { type ReactNode, useState } from 'react';
import type {
  BacklogReport,
  LapsedReport,
  RenewalsDueReport,
  RevenueReport,
  SlaComplianceReport,
} from '../../../../src/schema/reports.schema.ts';
import { ApiError, get } from '../../api.ts';
import { ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { LapsedPanel, RenewalsPanel, RevenuePanels } from './commerce-panels.tsx';
import { BacklogPanel, SlaPanel } from './ticket-panels.tsx';
import './dashboards.css';

// Its own lazily loaded chunk (web/src/app.tsx): Chart.js is loaded only when an agent opens it.

const MONTHS = [3, 6, 12, 24] as const;
const DAYS = [30, 60, 90, 180] as const;
const METRICS = [
  ['', 'All metrics'],
  ['assignment', 'Assignment'],
  ['firstResponse', 'First response'],
  ['nextResponse', 'Next response'],
  ['resolution', 'Resolution'],
] as const;

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The staff dashboards: SLA compliance, backlog, renewals due, revenue and lapsed contracts. */
export default function DashboardsPage() {
  const [months, setMonths] = useState(12);
  const [days, setDays] = useState(90);
  const [metric, setMetric] = useState('');
  const [zoneText, setZoneText] = useState(browserZone);
  const [timeZone, setTimeZone] = useState(browserZone);
  const monthsQuery = { months, timeZone };
  const sla = useLoad(
    () => get<SlaComplianceReport>('/v1/reports/sla-compliance', { ...monthsQuery, metric }),
    `${months} ${timeZone} ${metric}`,
  );
  const backlog = useLoad(() => get<BacklogReport>('/v1/reports/backlog'), 'backlog');
  const renewals = useLoad(
    () => get<RenewalsDueReport>('/v1/reports/renewals-due', { days, timeZone }),
    `${days} ${timeZone}`,
  );
  const revenue = useLoad(
    () => get<RevenueReport>('/v1/reports/revenue', monthsQuery),
    `${months} ${timeZone}`,
  );
  const lapsed = useLoad(
    () => get<LapsedReport>('/v1/reports/lapsed', { days, timeZone }),
    `${days} ${timeZone}`,
  );
  const zoneError = [sla.error, revenue.error].find((e) => e instanceof ApiError)?.fieldIssues().timeZone;
  return (
    <section className="dashboards">
      <PageTitle>Dashboards</PageTitle>
      <form
        className="row dash-controls"
        onSubmit={(e) => {
          e.preventDefault();
          setTimeZone(zoneText.trim());
        }}
      >
        <Field label="Months" name="months">
          {(p) => (
            <select {...p} value={months} onChange={(e) => setMonths(Number(e.target.value))}>
              {MONTHS.map((m) => (
                <option key={m} value={m}>
                  last {m} months
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Contracts window" name="days">
          {(p) => (
            <select {...p} value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {DAYS.map((d) => (
                <option key={d} value={d}>
                  {d} days
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="SLA metric" name="metric">
          {(p) => (
            <select {...p} value={metric} onChange={(e) => setMetric(e.target.value)}>
              {METRICS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Time zone" name="timeZone" error={zoneError} hint="IANA name, e.g. Europe/Berlin">
          {(p) => <input {...p} value={zoneText} onChange={(e) => setZoneText(e.target.value)} />}
        </Field>
        <button type="submit">Apply</button>
      </form>

      <div className="dash-grid">
        <Panel title="SLA compliance" state={sla}>
          {(r) => <SlaPanel report={r} metric={metric} />}
        </Panel>
        <Panel title="Backlog by age" state={backlog}>
          {(r) => <BacklogPanel report={r} />}
        </Panel>
        <Panel title="Renewals due" state={renewals}>
          {(r) => <RenewalsPanel report={r} days={days} />}
        </Panel>
        <Panel title="Lapsed contracts" state={lapsed}>
          {(r) => <LapsedPanel report={r} days={days} />}
        </Panel>
        <Panel title="Revenue by month" state={revenue} wide>
          {(r) => <RevenuePanels report={r} />}
        </Panel>
      </div>
    </section>
  );
}

function Panel<T>({
  title,
  state,
  wide,
  children,
}: {
  title: string;
  state: { data: T | null; error: Error | null };
  wide?: boolean;
  children: (data: T) => ReactNode;
}) {
  return (
    <section className={wide ? 'dash-panel wide' : 'dash-panel'} aria-label={title}>
      <h2>{title}</h2>
      <ErrorNotice error={state.error} />
      {!state.data && !state.error && <Loading />}
      {state.data && children(state.data)}
    </section>
  );
}
