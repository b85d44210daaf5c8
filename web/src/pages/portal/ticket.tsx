import { TicketView } from '../../components/ticket-view.tsx';

export function CustomerTicketPage({ id }: { id: string }) {
  return <TicketView id={id} staff={false} />;
}
