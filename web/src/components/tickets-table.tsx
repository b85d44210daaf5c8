import { useState } from 'react';
import { TICKET_STATUSES } from '../../../src/schema/tickets.schema.ts';
import { productName, useProducts } from '../catalog-names.ts';
import { instant } from '../format.ts';
import { Link } from '../router.tsx';
import type { Ticket } from '../types.ts';
import { Pager, usePaged } from './pager.tsx';
import { Countdown, SlaBadge } from './sla.tsx';
import { Badge, ErrorNotice, Field, Loading } from './ui.tsx';

export const STATUS_TONE = {
  new: 'info',
  open: 'info',
  'waiting-on-customer': 'warn',
  resolved: 'ok',
  closed: 'muted',
  merged: 'muted',
} as const;

/** Tickets, newest first, with search and a status filter; `base` is where a ticket opens. */
export function TicketsTable({ base, query = {} }: { base: string; query?: Record<string, string> }) {
  const products = useProducts();
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const paged = usePaged<Ticket>('/v1/tickets', { ...query, status, q: search });
  return (
    <>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(q.trim());
        }}
      >
        <Field label="Search" name="q">
          {(p) => <input {...p} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}
        </Field>
        <Field label="Status" name="status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              {TICKET_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">Search</button>
      </form>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading what="Loading tickets" />}
      {paged.items?.length === 0 && <p className="muted">No tickets.</p>}
      {paged.items && paged.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Ticket</th>
              <th>Status</th>
              <th>Product</th>
              <th>SLA</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((t) => (
              <tr key={t.id} className={`sla-${t.slaState}`}>
                <td data-label="Ticket">
                  <Link to={`${base}/${encodeURIComponent(t.id)}`}>
                    #{t.number} {t.subject}
                  </Link>
                </td>
                <td data-label="Status">
                  <Badge tone={STATUS_TONE[t.status]}>{t.status}</Badge>
                </td>
                <td data-label="Product">{productName(products, t.productId)}</td>
                <td data-label="SLA">
                  <SlaBadge state={t.slaState} />{' '}
                  {t.nextDueAt && <Countdown dueAt={t.nextDueAt} slaState={t.slaState} />}
                </td>
                <td data-label="Updated">{instant(t.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
    </>
  );
}
