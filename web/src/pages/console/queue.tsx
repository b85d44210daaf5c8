import { useState } from 'react';
import { productName, useProducts } from '../../catalog-names.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { Countdown } from '../../components/sla.tsx';
import { STATUS_TONE } from '../../components/tickets-table.tsx';
import { Badge, ErrorNotice, Field, Loading, PageTitle } from '../../components/ui.tsx';
import { Link } from '../../router.tsx';
import { useAccount } from '../../session.tsx';
import type { Ticket } from '../../types.ts';
import { orgName, useOrganisations } from './org-names.ts';

/**
 * The queue in the API's order: top priority first, then the next SLA instant. Countdowns tick
 * live; a row turns amber within the hour and red once its SLA is breached.
 */
export function QueuePage() {
  const { account } = useAccount();
  const products = useProducts();
  const orgs = useOrganisations();
  const [productId, setProductId] = useState('');
  const [mine, setMine] = useState(false);
  const paged = usePaged<Ticket>('/v1/tickets/queue', {
    productId,
    assigneeAccountId: mine ? account.id : undefined,
  });
  return (
    <section>
      <PageTitle>Queue</PageTitle>
      <div className="row">
        <Field label="Product" name="product">
          {(p) => (
            <select {...p} value={productId} onChange={(e) => setProductId(e.target.value)}>
              <option value="">All products</option>
              {products.map((pr) => (
                <option key={pr.id} value={pr.id}>
                  {pr.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="check">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Only mine
        </label>
      </div>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading what="Loading the queue" />}
      {paged.items?.length === 0 && <p className="muted">The queue is empty.</p>}
      {paged.items && paged.items.length > 0 && (
        <table aria-label="Queue">
          <thead>
            <tr>
              <th>Next due</th>
              <th>Ticket</th>
              <th>Customer</th>
              <th>Product</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((t) => (
              <tr key={t.id} className={`sla-${t.slaState}`} data-testid="queue-row">
                <td data-label="Next due">
                  <Countdown dueAt={t.nextDueAt} slaState={t.slaState} />
                  {t.topPriority && <Badge tone="bad">top priority</Badge>}
                </td>
                <td data-label="Ticket">
                  <Link to={`/console/tickets/${encodeURIComponent(t.id)}`}>
                    #{t.number} {t.subject}
                  </Link>{' '}
                  <small className="muted">{t.priority}</small>
                </td>
                <td data-label="Customer">
                  <Link to={`/console/customers/${encodeURIComponent(t.organisationId)}`}>
                    {orgName(orgs, t.organisationId)}
                  </Link>
                </td>
                <td data-label="Product">{productName(products, t.productId)}</td>
                <td data-label="Status">
                  <Badge tone={STATUS_TONE[t.status]}>{t.status}</Badge>
                  {t.assigneeAccountId === account.id && <small className="muted"> · yours</small>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
    </section>
  );
}
