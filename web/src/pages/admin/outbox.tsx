import { useState } from 'react';
import type { z } from 'zod';
import {
  INBOUND_MAIL_STATUSES,
  type InboundMail,
  type InboundMailDetail,
} from '../../../../src/schema/inbound-mail.schema.ts';
import type { MailSuppressionSchema, OutboxNoticeSchema } from '../../../../src/schema/mail.schema.ts';
import { api, get } from '../../api.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { Badge, ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { bytes, instant } from '../../format.ts';
import { useSubmit } from '../../forms.ts';
import { Link, useLocation } from '../../router.tsx';

type OutboxNotice = z.infer<typeof OutboxNoticeSchema>;
type Suppression = z.infer<typeof MailSuppressionSchema>;

/** The pages of mail and notices: the outbox, suppressions, inbound mail; the mail log is the console's. */
function MailTabs() {
  const { path } = useLocation();
  const tabs = [
    { to: '/admin/outbox', label: 'Outbox' },
    { to: '/admin/suppressions', label: 'Suppressed addresses' },
    { to: '/admin/inbound-mail', label: 'Inbound and quarantine' },
    { to: '/console/mail', label: 'Sent-mail log' },
  ];
  return (
    <nav aria-label="Mail and notices" className="tabs">
      {tabs.map((t) => (
        <Link
          key={t.to}
          to={t.to}
          className="button"
          aria-current={path.startsWith(t.to) ? 'page' : undefined}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

/** The transactional outbox: every notice, and whether it became mails and webhook deliveries yet. */
export function OutboxPage() {
  const [pending, setPending] = useState('');
  const paged = usePaged<OutboxNotice>('/v1/outbox', { pending }, 25);
  return (
    <section>
      <PageTitle>Outbox</PageTitle>
      <MailTabs />
      <p className="muted">
        Each change that tells someone something writes a notice here in its own transaction; the dispatcher
        fans it out to mail (see the <Link to="/console/mail">sent-mail log</Link>) and webhooks.
      </p>
      <div className="row">
        <Field label="Show" name="pending">
          {(p) => (
            <select {...p} value={pending} onChange={(e) => setPending(e.target.value)}>
              <option value="">Every notice</option>
              <option value="true">Only pending (not fanned out yet)</option>
              <option value="false">Only fanned out</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading />}
      {paged.items?.length === 0 && <p className="muted">No notices.</p>}
      {paged.items && paged.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Topic</th>
              <th>Written</th>
              <th>State</th>
              <th>Attempts</th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((n) => (
              <tr key={n.id} data-testid="outbox-row">
                <td data-label="Topic">
                  {n.topic} <small className="muted">{n.id}</small>
                </td>
                <td data-label="Written">{instant(n.createdAt)}</td>
                <td data-label="State">
                  {n.fannedOutAt ? (
                    <Badge tone="ok">fanned out {instant(n.fannedOutAt)}</Badge>
                  ) : (
                    <Badge tone="warn">pending, due {instant(n.availableAt)}</Badge>
                  )}
                  {n.lastError && <small className="muted"> {n.lastError}</small>}
                </td>
                <td data-label="Attempts">{n.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
    </section>
  );
}

/** Addresses no mail goes to (a permanent failure); an admin lifts one. */
export function SuppressionsPage() {
  const paged = usePaged<Suppression>('/v1/mail/suppressions', {}, 25);
  const action = useSubmit();
  const [lifted, setLifted] = useState<string | null>(null);
  const lift = (address: string) =>
    void action.run(async () => {
      await api('DELETE', `/v1/mail/suppressions/${encodeURIComponent(address)}`);
      setLifted(address);
      paged.reload();
    });
  return (
    <section>
      <PageTitle>Suppressed addresses</PageTitle>
      <MailTabs />
      <p className="muted">
        Each answered a permanent (5xx) failure, so no mail is sent to it. Lift a suppression once the address
        works again, then send its failed mail again from the <Link to="/console/mail">sent-mail log</Link>.
      </p>
      <ErrorNotice error={action.failure} />
      {lifted && (
        <p className="notice ok" role="status">
          Mail goes to {lifted} again.
        </p>
      )}
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading />}
      {paged.items?.length === 0 && <p className="muted">No suppressed addresses.</p>}
      {paged.items && paged.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Address</th>
              <th>Why</th>
              <th>Since</th>
              <th>
                <span className="muted">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((s) => (
              <tr key={s.address}>
                <td data-label="Address">{s.address}</td>
                <td data-label="Why">
                  {s.reason}{' '}
                  {s.mailId && <Link to={`/console/mail/${encodeURIComponent(s.mailId)}`}>the mail</Link>}
                </td>
                <td data-label="Since">{instant(s.createdAt)}</td>
                <td data-label="Action">
                  <button
                    type="button"
                    className="small"
                    disabled={action.busy}
                    onClick={() => lift(s.address)}
                    aria-label={`Lift the suppression of ${s.address}`}
                  >
                    Lift
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
    </section>
  );
}

const INBOUND_TONE = {
  'ticket-opened': 'ok',
  'reply-added': 'ok',
  quarantined: 'bad',
  'portal-pointer-sent': 'info',
  'auto-reply-ignored': 'muted',
  refused: 'warn',
} as const;

/** Mail received at the support address and what became of it; the quarantine is one filter. */
export function InboundMailPage() {
  const { search } = useLocation();
  const [status, setStatus] = useState(search.get('status') ?? '');
  const paged = usePaged<InboundMail>('/v1/inbound-mail', { status }, 25);
  return (
    <section>
      <PageTitle>Inbound mail</PageTitle>
      <MailTabs />
      <div className="row">
        <Field label="Outcome" name="status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              {INBOUND_MAIL_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s === 'quarantined' ? 'quarantined (the quarantine)' : s}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading />}
      {paged.items?.length === 0 && <p className="muted">No mail received.</p>}
      {paged.items && paged.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Subject</th>
              <th>From</th>
              <th>Outcome</th>
              <th>Received</th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((m) => (
              <tr key={m.id} data-testid="inbound-row">
                <td data-label="Subject">
                  <Link to={`/admin/inbound-mail/${encodeURIComponent(m.id)}`}>
                    {m.subject ?? '(no subject)'}
                  </Link>
                </td>
                <td data-label="From">{m.fromAddress ?? m.envelopeFrom ?? '<>'}</td>
                <td data-label="Outcome">
                  <Badge tone={INBOUND_TONE[m.status]}>{m.status}</Badge>{' '}
                  {m.reason && <small className="muted">{m.reason}</small>}
                </td>
                <td data-label="Received">{instant(m.receivedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
    </section>
  );
}

/** One received mail: outcome, reason, links, its headers as received, and the source for admins. */
export function InboundMailDetailPage({ id }: { id: string }) {
  const path = `/v1/inbound-mail/${encodeURIComponent(id)}`;
  const mail = useLoad(() => get<InboundMailDetail>(path), path);
  if (mail.error) return <ErrorNotice error={mail.error} />;
  const m = mail.data;
  if (!m) return <Loading />;
  return (
    <section>
      <PageTitle>{m.subject ?? '(no subject)'}</PageTitle>
      <p>
        <Link to="/admin/inbound-mail">← Inbound mail</Link>
      </p>
      <dl className="facts card">
        <dt>Outcome</dt>
        <dd>
          <Badge tone={INBOUND_TONE[m.status]}>{m.status}</Badge>
        </dd>
        {m.reason && (
          <>
            <dt>Why</dt>
            <dd>{m.reason}</dd>
          </>
        )}
        <dt>From (header)</dt>
        <dd>{m.fromAddress ?? '—'}</dd>
        <dt>Envelope</dt>
        <dd>
          {m.envelopeFrom ?? '<>'} → {m.envelopeTo.join(', ')}
        </dd>
        <dt>Received</dt>
        <dd>{instant(m.receivedAt)}</dd>
        <dt>Size</dt>
        <dd>{bytes(m.sizeBytes)}</dd>
        {m.ticketId && (
          <>
            <dt>Ticket</dt>
            <dd>
              <Link to={`/console/tickets/${encodeURIComponent(m.ticketId)}`}>{m.ticketId}</Link>
            </dd>
          </>
        )}
        {m.organisationId && (
          <>
            <dt>Customer</dt>
            <dd>
              <Link to={`/console/customers/${encodeURIComponent(m.organisationId)}`}>
                {m.organisationId}
              </Link>
            </dd>
          </>
        )}
        <dt>Source</dt>
        <dd>
          {m.sourceKept === 'full' ? (
            <a className="button" href={`${path}/source`} download={`${m.id}.eml`}>
              Download the source (.eml)
            </a>
          ) : (
            <span className="muted">Only the headers were kept (it was handled normally).</span>
          )}
        </dd>
      </dl>
      <h2>Headers as received</h2>
      {m.headers.length === 0 ? (
        <p className="muted">None kept.</p>
      ) : (
        <table className="headers">
          <tbody>
            {m.headers.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: headers repeat (Received) and keep their order.
              <tr key={i}>
                <th scope="row">{h.name}</th>
                <td data-label={h.name} className="mono">
                  {h.value}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
