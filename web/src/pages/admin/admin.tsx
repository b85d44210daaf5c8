import { NotHere } from '../../components/not-here.tsx';
import { pick, type RouteTable, useLocation } from '../../router.tsx';
import { AccountsPage } from './accounts.tsx';
import { ApiKeysPage } from './api-keys.tsx';
import { PlanCalendarPage } from './calendar.tsx';
import { InboundMailDetailPage, InboundMailPage, OutboxPage, SuppressionsPage } from './outbox.tsx';
import { PlanPage, PlansPage } from './plans.tsx';
import { ProductPage } from './product.tsx';
import { ProductsPage } from './products.tsx';
import { WebhookPage, WebhooksPage } from './webhooks.tsx';

const ROUTES: RouteTable = [
  ['/admin/products', () => <ProductsPage />],
  ['/admin/products/:id', (p) => <ProductPage id={p.id ?? ''} />],
  ['/admin/plans', () => <PlansPage />],
  ['/admin/plans/:key', (p) => <PlanPage planKey={p.key ?? ''} />],
  ['/admin/plans/:key/calendar', (p) => <PlanCalendarPage planKey={p.key ?? ''} />],
  ['/admin/api-keys', () => <ApiKeysPage />],
  ['/admin/accounts', () => <AccountsPage />],
  ['/admin/webhooks', () => <WebhooksPage />],
  ['/admin/webhooks/:id', (p) => <WebhookPage id={p.id ?? ''} />],
  ['/admin/outbox', () => <OutboxPage />],
  ['/admin/suppressions', () => <SuppressionsPage />],
  ['/admin/inbound-mail', () => <InboundMailPage />],
  ['/admin/inbound-mail/:id', (p) => <InboundMailDetailPage id={p.id ?? ''} />],
];

/** Admin: products and releases, plans and calendars, API keys, accounts, webhooks, outbox and mail (docs/web.md). */
export default function Admin() {
  const { path } = useLocation();
  return pick(path, ROUTES, <NotHere home="/console/queue" />);
}
