import { NotHere } from '../../components/not-here.tsx';
import { pick, type RouteTable, useLocation } from '../../router.tsx';
import { BackupsPage } from './backups.tsx';
import { ContractPage } from './contract.tsx';
import { ContractsPage } from './contracts.tsx';
import { DownloadsPage } from './downloads.tsx';
import { NotificationsPage } from './notifications.tsx';
import { CustomerTicketPage } from './ticket.tsx';
import { NewTicketPage } from './ticket-new.tsx';
import { TicketsPage } from './tickets.tsx';

const ROUTES: RouteTable = [
  ['/portal/contracts', () => <ContractsPage />],
  ['/portal/contracts/:id', (p) => <ContractPage id={p.id ?? ''} />],
  ['/portal/downloads', () => <DownloadsPage />],
  ['/portal/backups', () => <BackupsPage />],
  ['/portal/notifications', () => <NotificationsPage />],
  ['/portal/tickets', () => <TicketsPage />],
  ['/portal/tickets/new', () => <NewTicketPage />],
  ['/portal/tickets/:id', (p) => <CustomerTicketPage id={p.id ?? ''} />],
];

/** The customer portal: contracts, licenses, downloads, tickets (docs/web.md). */
export default function Portal() {
  const { path } = useLocation();
  return pick(path, ROUTES, <NotHere home="/portal/contracts" />);
}
