import { Pager, usePaged } from '../../components/pager.tsx';
import { TicketsTable } from '../../components/tickets-table.tsx';
import { ErrorNotice, PageTitle } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { IntakeRefusal } from '../../types.ts';

export function TicketsPage() {
  return (
    <section>
      <PageTitle
        actions={
          <Link to="/portal/tickets/new" className="button primary">
            Open a ticket
          </Link>
        }
      >
        Your tickets
      </PageTitle>
      <TicketsTable base="/portal/tickets" />
      <Refusals />
    </section>
  );
}

/** Requests the intake gate refused, with what the customer was told: nothing is silently lost. */
function Refusals() {
  const paged = usePaged<IntakeRefusal>('/v1/ticket-refusals', {}, 10);
  if (!paged.items || paged.items.length === 0) return <ErrorNotice error={paged.error} />;
  return (
    <section aria-labelledby="refusals-title">
      <h2 id="refusals-title">Requests we could not accept</h2>
      <ul className="plain">
        {paged.items.map((r) => (
          <li key={r.id}>
            <strong>{r.subject}</strong> <small className="muted">({instant(r.createdAt)})</small>:{' '}
            {r.message}
          </li>
        ))}
      </ul>
      <Pager paged={paged} />
    </section>
  );
}
