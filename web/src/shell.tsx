import type { ReactNode } from 'react';
import { Link, navigate, useLocation } from './router.tsx';
import { type Kind, useAccount, useSession } from './session.tsx';

type NavItem = { to: string; label: string };

const NAV: Record<Kind, NavItem[]> = {
  customer: [
    { to: '/portal/contracts', label: 'Contracts' },
    { to: '/portal/downloads', label: 'Downloads' },
    { to: '/portal/tickets', label: 'Tickets' },
    { to: '/portal/backups', label: 'Backups' },
    { to: '/portal/notifications', label: 'Notifications' },
  ],
  agent: [
    { to: '/console/queue', label: 'Queue' },
    { to: '/console/tickets', label: 'Tickets' },
    { to: '/console/customers', label: 'Customers' },
    { to: '/console/mail', label: 'Mail' },
    { to: '/console/flags', label: 'Flags' },
    { to: '/console/dashboards', label: 'Dashboards' },
  ],
  admin: [
    { to: '/console/queue', label: 'Queue' },
    { to: '/console/tickets', label: 'Tickets' },
    { to: '/console/customers', label: 'Customers' },
    { to: '/admin/products', label: 'Products' },
    { to: '/admin/plans', label: 'Plans' },
    { to: '/admin/api-keys', label: 'API keys' },
    { to: '/admin/accounts', label: 'Accounts' },
    { to: '/admin/webhooks', label: 'Webhooks' },
    { to: '/admin/outbox', label: 'Outbox' },
    { to: '/console/mail', label: 'Mail' },
    { to: '/console/flags', label: 'Flags' },
    { to: '/console/dashboards', label: 'Dashboards' },
  ],
};

/** The frame of every signed-in page: who you are, where you can go (by role), sign out. */
export function Shell({ kind, children }: { kind: Kind; children: ReactNode }) {
  const { account } = useAccount();
  const { signOut } = useSession();
  const { path } = useLocation();
  const items = NAV[kind];
  const out = async () => {
    await signOut();
    navigate('/sign-in');
  };
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to={items[0]?.to ?? '/'} className="brand">
          Upkeep <span className="area">{kind === 'customer' ? 'Support portal' : 'Console'}</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={path.startsWith(item.to) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <Link to="/account" title={account.email} aria-current={path === '/account' ? 'page' : undefined}>
            {account.name} <small className="muted">({account.role})</small>
          </Link>
          <button type="button" className="small" onClick={out}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
