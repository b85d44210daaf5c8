import { Pager, usePaged } from '../../components/pager.tsx';
import { Badge, ErrorNotice, Loading, PageTitle } from '../../components/ui.tsx';
import { civil } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { ContractSummary } from '../../types.ts';

export const STATE_TONE = { active: 'ok', lapsed: 'bad', 'not-started': 'info' } as const;

/** What the organisation bought and whether it is covered today. Staff see every contract. */
export function ContractsTable({ query = {}, base }: { query?: Record<string, string>; base: string }) {
  const paged = usePaged<ContractSummary>('/v1/contracts', query);
  if (paged.error) return <ErrorNotice error={paged.error} />;
  if (!paged.items) return <Loading what="Loading contracts" />;
  if (paged.items.length === 0) return <p className="muted">No contracts yet.</p>;
  return (
    <>
      <table>
        <thead>
          <tr>
            <th>Product</th>
            <th>Plan</th>
            <th>Coverage today</th>
            <th>Covered until</th>
            <th>Purchased</th>
          </tr>
        </thead>
        <tbody>
          {paged.items.map((c) => (
            <tr key={c.id}>
              <td data-label="Product">
                <Link to={`${base}/${encodeURIComponent(c.id)}`}>{c.productName}</Link>
              </td>
              <td data-label="Plan">{c.plan.key}</td>
              <td data-label="Coverage today">
                <Badge tone={STATE_TONE[c.state]}>{c.state}</Badge>
              </td>
              <td data-label="Covered until">
                {c.lastCoveredDay ? civil(c.lastCoveredDay) : '—'}
                {c.state === 'lapsed' && c.expiresOn && (
                  <small className="muted"> (lapsed {civil(c.expiresOn)})</small>
                )}
              </td>
              <td data-label="Purchased">{civil(c.purchasedOn)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager paged={paged} />
    </>
  );
}

export function ContractsPage() {
  return (
    <section>
      <PageTitle>Your contracts</PageTitle>
      <p className="muted">Open a contract for what it covers, its license keys and to renew it.</p>
      <ContractsTable base="/portal/contracts" />
    </section>
  );
}
