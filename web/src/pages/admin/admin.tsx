import { NotHere } from '../../components/not-here.tsx';
import { pick, type RouteTable, useLocation } from '../../router.tsx';
import { ApiKeysPage } from './api-keys.tsx';
import { PlanPage, PlansPage } from './plans.tsx';
import { ProductPage } from './product.tsx';
import { ProductsPage } from './products.tsx';

const ROUTES: RouteTable = [
  ['/admin/products', () => <ProductsPage />],
  ['/admin/products/:id', (p) => <ProductPage id={p.id ?? ''} />],
  ['/admin/plans', () => <PlansPage />],
  ['/admin/plans/:key', (p) => <PlanPage planKey={p.key ?? ''} />],
  ['/admin/api-keys', () => <ApiKeysPage />],
];

/** Admin: products and releases, plans, API keys (docs/web.md). */
export default function Admin() {
  const { path } = useLocation();
  return pick(path, ROUTES, <NotHere home="/console/queue" />);
}
