import { type FormEvent, useState } from 'react';
import { FlagDecisionRequestSchema, type TicketFlag } from '../../../../src/schema/ticket-conduct.schema.ts';
import { get, type Page, post } from '../../api.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { Badge, ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { useSubmit, validate } from '../../forms.ts';
import { Link } from '../../router.tsx';
import type { TicketDetail, TicketMessage } from '../../types.ts';
import { orgName, useOrganisations } from './org-names.ts';

const KIND_WORDS = {
  abuse:
    'Possible abusive language (R1.3): confirming revokes what the plan says (support, updates, refund).',
  flooding: 'Flooding (R1.5): confirming suspends support where the plan says so.',
} as const;

/** Conduct and flooding flags waiting for an agent (GET /v1/ticket-flags), oldest first. */
export function FlagsPage() {
  const [status, setStatus] = useState<'open' | 'confirmed' | 'dismissed'>('open');
  const paged = usePaged<TicketFlag>('/v1/ticket-flags', { status }, 10);
  const orgs = useOrganisations();
  return (
    <section>
      <PageTitle>Conduct flags</PageTitle>
      <p className="muted">
        The desk flags likely abuse and floods; nothing is recorded against a customer until an agent
        confirms.
      </p>
      <div className="row">
        <Field label="Show" name="status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
              <option value="open">Open flags</option>
              <option value="confirmed">Confirmed</option>
              <option value="dismissed">Dismissed</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading what="Loading flags" />}
      {paged.items?.length === 0 && <p className="muted">No {status} flags.</p>}
      <ul className="plain">
        {paged.items?.map((f) => (
          <li key={f.id} className="card" data-testid="flag">
            <h2>
              <Badge tone={f.kind === 'abuse' ? 'bad' : 'warn'}>{f.kind}</Badge>{' '}
              <Link to={`/console/customers/${encodeURIComponent(f.organisationId)}`}>
                {orgName(orgs, f.organisationId)}
              </Link>
            </h2>
            <p className="muted">
              Flagged {instant(f.createdAt)}
              {f.ticketId && (
                <>
                  {' on '}
                  <Link to={`/console/tickets/${encodeURIComponent(f.ticketId)}`}>the ticket</Link>
                </>
              )}
              . {KIND_WORDS[f.kind]}
            </p>
            <FlaggedText flag={f} />
            {f.status === 'open' ? (
              <Decide flag={f} onDecided={paged.reload} />
            ) : (
              <p>
                <Badge tone={f.status === 'confirmed' ? 'bad' : 'muted'}>{f.status}</Badge>{' '}
                {f.decidedAt && instant(f.decidedAt)}
                {f.decisionNote && <> — {f.decisionNote}</>}
              </p>
            )}
          </li>
        ))}
      </ul>
      <Pager paged={paged} />
    </section>
  );
}

/** The text the detector saw: the flagged message, else the ticket's first message; the matched terms. */
function FlaggedText({ flag }: { flag: TicketFlag }) {
  const key = `${flag.ticketId}:${flag.messageId}`;
  const text = useLoad(async () => {
    if (!flag.ticketId) return null;
    const path = `/v1/tickets/${encodeURIComponent(flag.ticketId)}`;
    const [ticket, messages] = await Promise.all([
      get<TicketDetail>(path),
      get<Page<TicketMessage>>(`${path}/messages`, { limit: 100 }),
    ]);
    const message = flag.messageId
      ? messages.items.find((m) => m.id === flag.messageId)
      : messages.items.find((m) => m.authorKind === 'customer');
    return { subject: `#${ticket.number} ${ticket.subject}`, body: message?.body ?? null };
  }, key);
  const terms = Array.isArray(flag.detail.terms) ? (flag.detail.terms as unknown[]).map(String) : [];
  return (
    <div>
      {text.data && (
        <>
          <p>
            <strong>{text.data.subject}</strong>
          </p>
          {text.data.body !== null && (
            <blockquote className="body" data-testid="flagged-text">
              {text.data.body}
            </blockquote>
          )}
        </>
      )}
      {terms.length > 0 && (
        <p>
          Matched: <code>{terms.join(', ')}</code>
        </p>
      )}
      {!flag.ticketId && (
        <p className="muted">
          A flood of new tickets: no ticket was created. What the desk saw: {JSON.stringify(flag.detail)}
        </p>
      )}
      <ErrorNotice error={text.error} />
    </div>
  );
}

function Decide({ flag, onDecided }: { flag: TicketFlag; onDecided: () => void }) {
  const [note, setNote] = useState('');
  const form = useSubmit();
  const decide = (verdict: 'confirm' | 'dismiss') => (event?: FormEvent) => {
    event?.preventDefault();
    const checked = validate(FlagDecisionRequestSchema, { note });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      await post(`/v1/ticket-flags/${encodeURIComponent(flag.id)}/${verdict}`, checked.value);
      onDecided();
    });
  };
  return (
    <form onSubmit={decide('dismiss')} noValidate>
      <Field label="Decision note" name="note" error={form.errors.note} hint="Why: kept with the decision.">
        {(p) => <textarea {...p} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <div className="row">
        <button type="button" className="primary" onClick={() => decide('confirm')()} disabled={form.busy}>
          Confirm the flag
        </button>
        <button type="submit" disabled={form.busy}>
          Dismiss
        </button>
      </div>
      <ErrorNotice error={form.failure} />
    </form>
  );
}
