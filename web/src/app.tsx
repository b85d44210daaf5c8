import { lazy, Suspense } from 'react';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { NotHere } from './components/not-here.tsx';
import { Loading } from './components/ui.tsx';
import { AccountPage } from './pages/account.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { Redirect, useLocation } from './router.tsx';
import { kindOf, SessionProvider, useSession } from './session.tsx';
import { Shell } from './shell.tsx';

// Each area is its own chunk: the sign-in page loads none of them (bench/web-size.ts).
const Portal = lazy(() => import('./pages/portal/portal.tsx'));
const Console = lazy(() => import('./pages/console/console.tsx'));
const Admin = lazy(() => import('./pages/admin/admin.tsx'));
// Chart.js comes with the dashboards only: a chunk of its own, not part of the console's.
const Dashboards = lazy(() => import('./pages/dashboards/dashboards.tsx'));

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}

function Routes() {
  const { session, loading } = useSession();
  const { path } = useLocation();
  if (loading) return <Loading what="Starting" />;
  if (!session) {
    if (path !== '/sign-in')
      return <Redirect to={`/sign-in${path === '/' ? '' : `?next=${encodeURIComponent(path)}`}`} />;
    return <SignInPage />;
  }
  const kind = kindOf(session.account);
  const home = kind === 'customer' ? '/portal/contracts' : '/console/queue';
  if (path === '/' || path === '/sign-in') return <Redirect to={home} />;
  const area = path.split('/')[1];
  const allowed =
    kind === 'customer' ? area === 'portal' : area === 'console' || (area === 'admin' && kind === 'admin');
  return (
    <Shell kind={kind}>
      <ErrorBoundary key={path}>
        <Suspense fallback={<Loading />}>
          {area === 'account' ? (
            <AccountPage />
          ) : !allowed ? (
            <NotHere home={home} />
          ) : area === 'portal' ? (
            <Portal />
          ) : path === '/console/dashboards' ? (
            <Dashboards />
          ) : area === 'console' ? (
            <Console />
          ) : (
            <Admin />
          )}
        </Suspense>
      </ErrorBoundary>
    </Shell>
  );
}
