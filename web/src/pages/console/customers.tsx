import { useState } from 'react';
import { get } from '../../api.ts';
import { CoverageTimeline } from '../../components/coverage-timeline.tsx';
import { Pager, usePaged } from '../../components/pager.tsx';
import { TicketsTable } from '../../components/tickets-table.tsx';
import { Badge, ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { civil, instant, money } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { ContractDetail, ContractSummary, Organisation, Restriction } from '../../types.ts';
import { ContractsTable } from '../portal/contracts.tsx';

type Invoice = {
  id: string;
  number: string;
  currency: string;
  totalMinor: number;
  amountDueMinor: number;
  issuedOn: string;
  dueOn: string;
  status: string;
};

export function CustomersPage() {
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const paged = usePaged<Organisation>('/v1/organisations', { q: search });
  return (
    <section>
      <PageTitle>Customers</PageTitle>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(q.trim());
        }}
      >
        <Field label="Name" name="q">
          {(p) => <input {...p} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}
        </Field>
        <button type="submit">Search</button>
      </form>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading />}
      <ul className="plain">
        {paged.items?.map((o) => (
          <li key={o.id}>
            <Link to={`/console/customers/${encodeURIComponent(o.id)}`}>{o.name}</Link>{' '}
            {o.externalRef && <small className="muted">({o.externalRef})</small>}
          </li>
        ))}
      </ul>
      <Pager paged={paged} />
    </section>
  );
}

/** The customer at a glance: contracts and coverage, suspensions, invoices and tickets. */
export function CustomerPage({ id }: { id: string }) {
  const path = `/v1/organisations/${encodeURIComponent(id)}`;
  const org = useLoad(() => get<Organisation>(path), path);
  const restrictions = useLoad(() => get<{ items: Restriction[] }>(`${path}/restrictions`), `${path}/r`);
  if (org.error) return <ErrorNotice error={org.error} />;
  if (!org.data) return <Loading />;
  const active = restrictions.data?.items.filter((r) => r.active) ?? [];
  return (
    <section>
      <PageTitle>{org.data.name}</PageTitle>
      <p className="muted">
        Customer since {instant(org.data.createdAt)} · <code>{org.data.id}</code>
      </p>
      {active.map((r) => (
        <p key={r.id} className="notice error" role="status">
          <strong>{r.kind === 'revocation' ? 'Revoked' : 'Suspended'}</strong> ({r.revokes.join(', ')}) since{' '}
          {instant(r.startsAt)}: {r.reason}
          {r.note && ` — ${r.note}`}
        </p>
      ))}
      <h2>Contracts</h2>
      <ContractsTable query={{ organisationId: id }} base="/console/contracts" />
      <h2>Coverage over time</h2>
      <ContractTimelines organisationId={id} />
      <h2>Invoices</h2>
      <Invoices organisationId={id} />
      <h2>Tickets</h2>
      <TicketsTable base="/console/tickets" query={{ organisationId: id }} />
      {restrictions.data && restrictions.data.items.length > active.length && (
        <>
          <h2>Past restrictions</h2>
          <ul className="plain">
            {restrictions.data.items
              .filter((r) => !r.active)
              .map((r) => (
                <li key={r.id}>
                  {r.kind} {r.reason}: {instant(r.startsAt)} – {instant(r.liftedAt)}
                </li>
              ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Invoices({ organisationId }: { organisationId: string }) {
  const paged = usePaged<Invoice>('/v1/invoices', { organisationId }, 10);
  if (paged.error) return <ErrorNotice error={paged.error} />;
  if (!paged.items) return <Loading />;
  if (paged.items.length === 0) return <p className="muted">No invoices.</p>;
  return (
    <>
      <table>
        <thead>
          <tr>
            <th>Invoice</th>
            <th>Issued</th>
            <th>Total</th>
            <th>Due</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {paged.items.map((i) => (
            <tr key={i.id}>
              <td data-label="Invoice">{i.number}</td>
              <td data-label="Issued">{civil(i.issuedOn)}</td>
              <td data-label="Total">{money(i.totalMinor, i.currency)}</td>
              <td data-label="Due">
                {money(i.amountDueMinor, i.currency)} by {civil(i.dueOn)}
              </td>
              <td data-label="Status">
                <Badge tone={i.status === 'paid' ? 'ok' : i.amountDueMinor > 0 ? 'warn' : 'muted'}>
                  {i.status}
                </Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager paged={paged} />
    </>
  );
}

/** Each contract's coverage terms as bars over time: backdated gaps and lapses show at a glance. */
function ContractTimelines({ organisationId }: { organisationId: string }) {
  const paged = usePaged<ContractSummary>('/v1/contracts', { organisationId }, 10);
  if (paged.error) return <ErrorNotice error={paged.error} />;
  if (!paged.items) return <Loading what="Loading coverage" />;
  if (paged.items.length === 0) return <p className="muted">No contracts.</p>;
  return (
    <>
      {paged.items.map((c) => (
        <ContractTimeline key={c.id} contractId={c.id} />
      ))}
      <Pager paged={paged} />
    </>
  );
}

function ContractTimeline({ contractId }: { contractId: string }) {
  const path = `/v1/contracts/${encodeURIComponent(contractId)}`;
  const detail = useLoad(() => get<ContractDetail>(path), path);
  if (detail.error) return <ErrorNotice error={detail.error} />;
  if (!detail.data) return <Loading what="Loading coverage" />;
  const c = detail.data;
  return <CoverageTimeline contract={c} title={`${c.productName} (${c.plan.key}): ${c.state}`} />;
}
