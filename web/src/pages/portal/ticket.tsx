import { get, post } from '../../api.ts';
import { TicketView } from '../../components/ticket-view.tsx';
import { Badge, ErrorNotice, useLoad } from '../../components/ui.tsx';
import { instant, minutes } from '../../format.ts';
import { useSubmit } from '../../forms.ts';
import type { Estimate, TicketDetail, TicketTime } from '../../types.ts';

export function CustomerTicketPage({ id }: { id: string }) {
  return (
    <TicketView id={id} staff={false} side={(t, reload) => <EstimatePanel ticket={t} onChange={reload} />} />
  );
}

/**
 * An estimate the agent proposed waits for the customer's agreement before that work is done and
 * logged (R2.10, S3 2.4). Agreeing names the estimate read: one replaced meanwhile answers 409.
 */
function EstimatePanel({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const path = `/v1/tickets/${encodeURIComponent(ticket.id)}/time`;
  const time = useLoad(() => get<TicketTime>(path), `${path}:${ticket.updatedAt}`);
  const form = useSubmit();
  const estimate = time.data?.estimate ?? null;
  if (!estimate) return null;
  const agree = () =>
    void form.run(async () => {
      const agreed = await post<Estimate>(`/v1/tickets/${encodeURIComponent(ticket.id)}/estimate/agree`, {
        estimateId: estimate.id,
      });
      time.setData((d) => (d ? { ...d, estimate: agreed } : d));
      onChange();
    });
  return (
    <div className="card" data-testid="estimate">
      <h2>Estimate</h2>
      <p>
        <strong>{minutes(estimate.minutes)}</strong>{' '}
        {estimate.state === 'agreed' ? (
          <Badge tone="ok">agreed</Badge>
        ) : (
          <Badge tone="warn">waits for you</Badge>
        )}
      </p>
      {estimate.note && <p className="body">{estimate.note}</p>}
      <p className="muted">
        Proposed {instant(estimate.proposedAt)}
        {estimate.agreedAt && <>; you agreed {instant(estimate.agreedAt)}</>}.
      </p>
      {estimate.state === 'proposed' && (
        <>
          <p>The agent does this work once you agree to it.</p>
          <button type="button" className="primary" onClick={agree} disabled={form.busy}>
            Agree to this estimate
          </button>
        </>
      )}
      <ErrorNotice error={form.failure} />
    </div>
  );
}
