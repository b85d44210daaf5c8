import { useState } from 'react';
import type { z } from 'zod';
import type { PlanCalendarSchema } from '../../../../src/schema/plan-api.schema.ts';
import { get } from '../../api.ts';
import { Badge, ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { civil, instant } from '../../format.ts';
import { Link } from '../../router.tsx';

type PlanCalendar = z.infer<typeof PlanCalendarSchema>;

const DAY_NAMES: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** The gaps between a day's working intervals: its breaks ("13:00-14:00"). */
export function breaksOf(hours: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < hours.length; i++) {
    const end = hours[i - 1]?.split('-')[1]?.replace('+1', '');
    const start = hours[i]?.split('-')[0];
    if (end && start && end !== start) out.push(`${end}-${start}`);
  }
  return out;
}

const hoursText = (hours: string[]) => (hours.length === 0 ? 'closed' : hours.join(', '));

/** A plan's business calendar, read-only: weekly hours and breaks, holidays, exceptions, maintenance windows. */
export function PlanCalendarPage({ planKey }: { planKey: string }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const path = `/v1/plans/${encodeURIComponent(planKey)}/calendar`;
  const query = { from, to };
  const data = useLoad(() => get<PlanCalendar>(path, query), `${path}?${from}&${to}`);
  const planLink = `/admin/plans/${encodeURIComponent(planKey)}`;
  const c = data.data?.calendar;
  return (
    <section>
      <PageTitle>Business calendar</PageTitle>
      <p>
        <Link to={planLink}>← Plan {planKey}</Link>
      </p>
      <p className="notice info">
        This page only shows the calendar. To change hours, holidays, exceptions or maintenance windows, edit
        the plan's <code>calendar</code> section in the <Link to={planLink}>plan editor</Link> and save a new
        version.
      </p>
      <div className="row">
        <Field label="From" name="from" hint="Default: today in the plan's time zone">
          {(p) => <input {...p} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field label="To" name="to" hint="Default: 12 months on">
          {(p) => <input {...p} type="date" value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
      </div>
      <ErrorNotice error={data.error} />
      {!data.data && !data.error && <Loading />}
      {data.data && !c && (
        <p className="muted" data-testid="no-calendar">
          Plan {planKey} (version {data.data.version}) has no business calendar: all its targets run in
          calendar time, around the clock.
        </p>
      )}
      {data.data && c && (
        <>
          <p className="muted">
            Version {data.data.version}, {civil(data.data.from)} to {civil(data.data.to)} · time zone{' '}
            <strong>{c.timeZone}</strong> · a working day is {c.workingDayLength}.
          </p>
          <h2>Working hours</h2>
          <table data-testid="week">
            <thead>
              <tr>
                <th>Day</th>
                <th>Working hours</th>
                <th>Breaks</th>
              </tr>
            </thead>
            <tbody>
              {c.week.map((d) => (
                <tr key={d.day}>
                  <td data-label="Day">{DAY_NAMES[d.day] ?? d.day}</td>
                  <td data-label="Working hours">{hoursText(d.hours)}</td>
                  <td data-label="Breaks">{breaksOf(d.hours).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>Public holidays</h2>
          {c.holidaySource ? (
            <p className="muted">
              From date-holidays for {c.holidaySource.country}
              {c.holidaySource.region ? `-${c.holidaySource.region}` : ''}
              {c.holidaySource.subregion ? `-${c.holidaySource.subregion}` : ''} (
              {c.holidaySource.types.join(', ')}). A dated exception on the same day wins.
            </p>
          ) : (
            <p className="muted">The plan names no holiday region: no public holidays.</p>
          )}
          {c.holidays.length > 0 && (
            <table data-testid="holidays">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Holiday</th>
                  <th>Working hours that day</th>
                </tr>
              </thead>
              <tbody>
                {c.holidays.map((h) => (
                  <tr key={h.date}>
                    <td data-label="Date">{civil(h.date)}</td>
                    <td data-label="Holiday">{h.name}</td>
                    <td data-label="Working hours that day">{hoursText(h.hours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h2>Dated exceptions</h2>
          {c.exceptions.length === 0 ? (
            <p className="muted">None in this range.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Date</th>
                  <th>What</th>
                  <th>Working hours that day</th>
                </tr>
              </thead>
              <tbody>
                {c.exceptions.map((e) => (
                  <tr key={e.date}>
                    <td data-label="Date">{civil(e.date)}</td>
                    <td data-label="What">{e.name ?? '—'}</td>
                    <td data-label="Working hours that day">{hoursText(e.hours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h2>Maintenance windows</h2>
          <p className="muted">
            No working time during a window;{' '}
            {c.maintenancePausesClocks ? (
              <Badge tone="info">the SLA clocks pause</Badge>
            ) : (
              'the plan does not pause calendar-time clocks for them'
            )}
            .
          </p>
          {c.maintenanceWindows.length === 0 ? (
            <p className="muted">None in this range.</p>
          ) : (
            <table data-testid="windows">
              <thead>
                <tr>
                  <th>From</th>
                  <th>Until</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {c.maintenanceWindows.map((w) => (
                  <tr key={w.start}>
                    <td data-label="From">{instant(w.start)}</td>
                    <td data-label="Until">{instant(w.end)}</td>
                    <td data-label="Why">{w.reason ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
