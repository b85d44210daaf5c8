import { NotHere } from '../../components/not-here.tsx';
import { pick, type RouteTable, useLocation } from '../../router.tsx';
import { ContractPage } from '../portal/contract.tsx';
import { CustomerPage, CustomersPage } from './customers.tsx';
import { FlagsPage } from './flags.tsx';
import { MailMessagePage, MailPage } from './mail.tsx';
import { QueuePage } from './queue.tsx';
import { AgentTicketPage, AgentTicketsPage } from './ticket.tsx';

const ROUTES: RouteTable = [
  ['/console/queue', () => <QueuePage />],
  ['/console/tickets', () => <AgentTicketsPage />],
  ['/console/tickets/:id', (p) => <AgentTicketPage id={p.id ?? ''} />],
  ['/console/customers', () => <CustomersPage />],
  ['/console/customers/:id', (p) => <CustomerPage id={p.id ?? ''} />],
  ['/console/contracts/:id', (p) => <ContractPage id={p.id ?? ''} staff />],
  ['/console/flags', () => <FlagsPage />],
  ['/console/mail', () => <MailPage />],
  ['/console/mail/:id', (p) => <MailMessagePage id={p.id ?? ''} />],
];

/** The agent console: queue, tickets, customers, mail log (docs/web.md). */
export default function Console() {
  const { path } = useLocation();
  return pick(path, ROUTES, <NotHere home="/console/queue" />);
}
