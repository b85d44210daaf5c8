import { useState } from 'react';
import { api, get, type Page } from '../../api.ts';
import { Badge, ErrorNotice, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { useSubmit } from '../../forms.ts';
import type { ContractDetail, ContractSummary } from '../../types.ts';

type Subscriptions = { productUpdates: boolean; changedAt: string | null };

/**
 * Products whose contract's plan requires the product-update list (R1.1, S1): the contract read says
 * so (`productUpdateListRequired`). Lapsed contracts count too: renewing them needs the list again.
 */
async function productsRequiringList(): Promise<string[]> {
  const page = await get<Page<ContractSummary>>('/v1/contracts', { limit: 100 });
  const details = await Promise.all(
    page.items.map((c) => get<ContractDetail>(`/v1/contracts/${encodeURIComponent(c.id)}`)),
  );
  const names = details.filter((d) => d.productUpdateListRequired).map((d) => d.productName);
  return [...new Set(names)];
}

/** The product-update mailing list (GET/PUT /v1/me/subscriptions); leaving it may end support (R1.1). */
export function NotificationsPage() {
  const subs = useLoad(() => get<Subscriptions>('/v1/me/subscriptions'), 'subscriptions');
  const requiring = useLoad(productsRequiringList, 'requiring');
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useSubmit();

  const save = (productUpdates: boolean) =>
    void form.run(async () => {
      const next = await api<Subscriptions>('PUT', '/v1/me/subscriptions', { body: { productUpdates } });
      subs.setData(next);
      setConfirming(false);
      setSaved(productUpdates ? 'You are on the product-update list.' : 'You left the product-update list.');
    });

  const leave = () => {
    setSaved(null);
    // Where a plan requires the list, leaving it is confirmed first: it ends support (R1.1).
    if ((requiring.data?.length ?? 0) > 0) setConfirming(true);
    else save(false);
  };

  if (subs.error) return <ErrorNotice error={subs.error} />;
  const s = subs.data;
  if (!s || (!requiring.data && !requiring.error)) return <Loading what="Loading your notifications" />;
  const products = requiring.data ?? [];
  return (
    <section>
      <PageTitle>Notifications</PageTitle>
      <div className="card">
        <h2>Product-update mailing list</h2>
        <p>
          {s.productUpdates ? (
            <Badge tone="ok">subscribed</Badge>
          ) : (
            <Badge tone="muted">not subscribed</Badge>
          )}{' '}
          News of new versions and fixes of the products you use.
          {s.changedAt && <small className="muted"> Last changed {instant(s.changedAt)}.</small>}
        </p>
        {products.length > 0 && (
          <p className="notice warn" data-testid="list-required">
            The support plan of {products.join(', ')} requires this list: without it you get no support for{' '}
            {products.length === 1 ? 'it' : 'them'}.
          </p>
        )}
        <ErrorNotice error={requiring.error} title="Could not check your plans." />
        {confirming ? (
          <div
            className="notice error"
            role="alertdialog"
            aria-labelledby="leave-title"
            data-testid="confirm-leave"
          >
            <p id="leave-title">
              <strong>Leaving the product-update list ends your support</strong> for {products.join(', ')}:
              new tickets will be refused until you subscribe again.
            </p>
            <div className="row">
              <button type="button" className="danger" onClick={() => save(false)} disabled={form.busy}>
                Leave the list and lose support
              </button>
              <button type="button" onClick={() => setConfirming(false)} disabled={form.busy}>
                Stay subscribed
              </button>
            </div>
          </div>
        ) : s.productUpdates ? (
          <button type="button" onClick={leave} disabled={form.busy}>
            Unsubscribe
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => save(true)} disabled={form.busy}>
            Subscribe
          </button>
        )}
        {saved && <p role="status">{saved}</p>}
        <ErrorNotice error={form.failure} />
      </div>
    </section>
  );
}
