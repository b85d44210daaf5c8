import { type ReactNode, useState } from 'react';
import { get } from '../api.ts';
import { productName, useProducts } from '../catalog-names.ts';
import { instant } from '../format.ts';
import type { TicketDetail } from '../types.ts';
import { Budgets, SlaBadge, SlaClocks } from './sla.tsx';
import { Attachments, ReplyForm, Thread } from './thread.tsx';
import { STATUS_TONE } from './tickets-table.tsx';
import { Badge, ErrorNotice, Loading, PageTitle, useLoad } from './ui.tsx';

/**
 * One ticket: its facts, maintenance banner, SLA targets and clocks, hour budgets, the
 * conversation, a reply form and attachments. Staff pages add their tools in `side`.
 */
export function TicketView({
  id,
  staff,
  side,
}: {
  id: string;
  staff: boolean;
  side?: (ticket: TicketDetail, reload: () => void) => ReactNode;
}) {
  const path = `/v1/tickets/${encodeURIComponent(id)}`;
  const ticket = useLoad(() => get<TicketDetail>(path), path);
  const [version, setVersion] = useState(0);
  const products = useProducts();
  const reload = () => {
    ticket.reload();
    setVersion((v) => v + 1);
  };
  if (ticket.error) return <ErrorNotice error={ticket.error} />;
  const t = ticket.data;
  if (!t) return <Loading what="Loading the ticket" />;
  return (
    <section>
      <PageTitle>{`#${t.number} ${t.subject}`}</PageTitle>
      <p>
        <Badge tone={STATUS_TONE[t.status]}>{t.status}</Badge> <SlaBadge state={t.slaState} />{' '}
        <Badge tone={t.priority === 'urgent' || t.priority === 'high' ? 'warn' : 'muted'}>{t.priority}</Badge>{' '}
        {t.billable && <Badge tone="warn">billable</Badge>}
      </p>
      {t.maintenance && (
        <p className={`notice ${t.maintenance.active ? 'warn' : 'info'}`} role="status">
          {t.maintenance.active ? 'Maintenance in progress' : 'Maintenance announced'}:{' '}
          {instant(t.maintenance.start)} to {instant(t.maintenance.end)}
          {t.maintenance.reason ? ` (${t.maintenance.reason})` : ''}. No support then; SLA clocks pause.
        </p>
      )}
      {t.mergedIntoId && (
        <p className="notice info">
          This ticket was merged into{' '}
          <a href={`${staff ? '/console' : '/portal'}/tickets/${encodeURIComponent(t.mergedIntoId)}`}>
            another ticket
          </a>
          .
        </p>
      )}
      <div className="layout-side">
        <div>
          <Thread ticketId={t.id} version={version} />
          {t.status !== 'merged' && <ReplyForm ticketId={t.id} staff={staff} onPosted={reload} />}
          <Attachments ticketId={t.id} />
        </div>
        <aside>
          <div className="card">
            <h2>Details</h2>
            <dl className="facts">
              <dt>Product</dt>
              <dd>{productName(products, t.productId)}</dd>
              <dt>Category</dt>
              <dd>{t.categoryId}</dd>
              {t.impact && (
                <>
                  <dt>Impact</dt>
                  <dd>{t.impact}</dd>
                </>
              )}
              {t.platform && (
                <>
                  <dt>Platform</dt>
                  <dd>
                    {t.platform.platform} {t.platform.version}
                  </dd>
                </>
              )}
              {Object.entries(t.environment).map(([k, v]) => (
                <Fact key={k} label={k} value={v} />
              ))}
              <dt>Opened</dt>
              <dd>{instant(t.createdAt)}</dd>
              <dt>Channel</dt>
              <dd>{t.channel}</dd>
            </dl>
          </div>
          <div className="card">
            <h2>SLA targets</h2>
            <SlaClocks clocks={t.sla} />
          </div>
          {t.budgets.length > 0 && (
            <div className="card">
              <h2>Hour budget</h2>
              <Budgets budgets={t.budgets} />
            </div>
          )}
          {side?.(t, reload)}
        </aside>
      </div>
    </section>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}
