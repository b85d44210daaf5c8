import { type FormEvent, useState } from 'react';
import { TimeEntryCreateSchema } from '../../../../src/schema/ticket-work.schema.ts';
import { StatusChangeRequestSchema } from '../../../../src/schema/tickets.schema.ts';
import { get, post } from '../../api.ts';
import { Budgets } from '../../components/sla.tsx';
import { TicketView } from '../../components/ticket-view.tsx';
import { TicketsTable } from '../../components/tickets-table.tsx';
import { ErrorNotice, Field, PageTitle, useLoad } from '../../components/ui.tsx';
import { civil, minutes } from '../../format.ts';
import { useSubmit, validate } from '../../forms.ts';
import { Link } from '../../router.tsx';
import { useAccount } from '../../session.tsx';
import type { TicketDetail, TicketTime } from '../../types.ts';
import { TicketTools } from './ticket-tools.tsx';

export function AgentTicketsPage() {
  return (
    <section>
      <PageTitle>All tickets</PageTitle>
      <TicketsTable base="/console/tickets" />
    </section>
  );
}

/** The ticket with the agent's tools beside it: status, assignment, time against the budget, the customer. */
export function AgentTicketPage({ id }: { id: string }) {
  return (
    <TicketView
      id={id}
      staff
      side={(t, reload) => (
        <>
          <WorkPanel ticket={t} onChange={reload} />
          <TicketTools ticket={t} onChange={reload} />
          <TimePanel ticket={t} onChange={reload} />
          <div className="card">
            <h2>Customer</h2>
            <Link to={`/console/customers/${encodeURIComponent(t.organisationId)}`}>
              Customer at a glance
            </Link>
            {t.contractId && (
              <>
                {' · '}
                <Link to={`/console/contracts/${encodeURIComponent(t.contractId)}`}>Contract</Link>
              </>
            )}
          </div>
        </>
      )}
    />
  );
}

function WorkPanel({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const { account } = useAccount();
  const [status, setStatus] = useState('');
  const form = useSubmit();
  const base = `/v1/tickets/${encodeURIComponent(ticket.id)}`;
  const changeStatus = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(StatusChangeRequestSchema, { status });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      await post(`${base}/status`, checked.value);
      setStatus('');
      onChange();
    });
  };
  const takeIt = () =>
    void form.run(async () => {
      await post(`${base}/assign`, {});
      onChange();
    });
  const closed = ticket.status === 'closed' || ticket.status === 'merged';
  return (
    <div className="card">
      <h2>Work</h2>
      <p>
        {ticket.assigneeAccountId === null
          ? 'Nobody is assigned.'
          : ticket.assigneeAccountId === account.id
            ? 'Assigned to you.'
            : 'Assigned to another agent.'}{' '}
        {ticket.assigneeAccountId !== account.id && !closed && (
          <button type="button" className="small" onClick={takeIt} disabled={form.busy}>
            Assign to me
          </button>
        )}
      </p>
      {!closed && (
        <form onSubmit={changeStatus} noValidate className="row">
          <Field label="Set status" name="status" error={form.errors.status}>
            {(p) => (
              <select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
                <option value="">Choose…</option>
                {StatusChangeRequestSchema.shape.status.options.map((s) => (
                  <option key={s} value={s} disabled={s === ticket.status}>
                    {s}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={form.busy}>
            Set
          </button>
        </form>
      )}
      <ErrorNotice error={form.failure} />
    </div>
  );
}

function TimePanel({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const path = `/v1/tickets/${encodeURIComponent(ticket.id)}/time`;
  const time = useLoad(() => get<TicketTime>(path), `${path}:${ticket.updatedAt}`);
  const [mins, setMins] = useState('');
  const [note, setNote] = useState('');
  const form = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(TimeEntryCreateSchema, {
      minutes: mins === '' ? undefined : Number(mins),
      ...(note.trim() && { note }),
    });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      await post(path, checked.value);
      setMins('');
      setNote('');
      time.reload();
      onChange();
    });
  };
  return (
    <div className="card">
      <h2>Time</h2>
      {time.data && (
        <>
          <p>
            Logged: <strong>{minutes(time.data.totalMinutes)}</strong>
            {time.data.estimate && (
              <>
                {' '}
                of an estimate of {minutes(time.data.estimate.minutes)} ({time.data.estimate.state})
              </>
            )}
          </p>
          <Budgets budgets={time.data.budgets} />
          {time.data.entries.length > 0 && (
            <ul className="plain">
              {time.data.entries.slice(-5).map((e) => (
                <li key={e.id}>
                  {civil(e.workDate)}: {minutes(e.minutes)}{' '}
                  {e.note && <small className="muted">— {e.note}</small>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <ErrorNotice error={time.error} />
      <form onSubmit={submit} noValidate>
        <Field label="Minutes worked" name="minutes" error={form.errors.minutes}>
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              min={1}
              max={1440}
              value={mins}
              onChange={(e) => setMins(e.target.value)}
            />
          )}
        </Field>
        <Field label="What was done" name="note" error={form.errors.note} hint="The customer sees it.">
          {(p) => <input {...p} value={note} onChange={(e) => setNote(e.target.value)} />}
        </Field>
        <ErrorNotice error={form.failure} />
        <button type="submit" disabled={form.busy}>
          Log time
        </button>
      </form>
    </div>
  );
}
