import { useState } from 'react';
import type { z } from 'zod';
import {
  MAIL_STATUSES,
  type MailMessageSchema,
  type MailMessageSummarySchema,
} from '../../../../src/schema/mail.schema.ts';
import { get, post } from '../../api.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { Badge, ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { useSubmit } from '../../forms.ts';
import { Link } from '../../router.tsx';
import { useAccount } from '../../session.tsx';

type MailSummary = z.infer<typeof MailMessageSummarySchema>;
type Mail = z.infer<typeof MailMessageSchema>;
const TONE = { queued: 'info', sent: 'ok', failed: 'bad', suppressed: 'warn' } as const;

/** The mail log: every message the server wrote, its delivery state and its text. */
export function MailPage() {
  const [status, setStatus] = useState('');
  const [to, setTo] = useState('');
  const paged = usePaged<MailSummary>('/v1/mail/messages', { status, to: to.trim() });
  return (
    <section>
      <PageTitle>Mail log</PageTitle>
      <div className="row">
        <Field label="Status" name="status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              {MAIL_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="To" name="to">
          {(p) => <input {...p} type="search" value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
      </div>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading />}
      {paged.items?.length === 0 && <p className="muted">No mail.</p>}
      {paged.items && paged.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Subject</th>
              <th>To</th>
              <th>Status</th>
              <th>Written</th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((m) => (
              <tr key={m.id}>
                <td data-label="Subject">
                  <Link to={`/console/mail/${encodeURIComponent(m.id)}`}>{m.subject}</Link>{' '}
                  <small className="muted">{m.topic}</small>
                </td>
                <td data-label="To">{m.to}</td>
                <td data-label="Status">
                  <Badge tone={TONE[m.status]}>{m.status}</Badge>{' '}
                  {m.lastError && <small className="muted">{m.lastError}</small>}
                </td>
                <td data-label="Written">{instant(m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
    </section>
  );
}

export function MailMessagePage({ id }: { id: string }) {
  const { account } = useAccount();
  const path = `/v1/mail/messages/${encodeURIComponent(id)}`;
  const mail = useLoad(() => get<Mail>(path), path);
  const form = useSubmit();
  if (mail.error) return <ErrorNotice error={mail.error} />;
  const m = mail.data;
  if (!m) return <Loading />;
  const retry = () =>
    void form.run(async () => {
      await post(`${path}/retry`, {});
      mail.reload();
    });
  return (
    <section>
      <PageTitle>{m.subject}</PageTitle>
      <dl className="facts card">
        <dt>To</dt>
        <dd>{m.to}</dd>
        <dt>From</dt>
        <dd>{m.from}</dd>
        <dt>Status</dt>
        <dd>
          <Badge tone={TONE[m.status]}>{m.status}</Badge> after {m.attempts} attempt(s)
          {m.transport && ` via ${m.transport}`} {m.sentAt && `, sent ${instant(m.sentAt)}`}
        </dd>
        {m.lastError && (
          <>
            <dt>Last error</dt>
            <dd>{m.lastError}</dd>
          </>
        )}
      </dl>
      {account.role === 'admin' && m.status === 'failed' && (
        <button type="button" onClick={retry} disabled={form.busy}>
          Send again
        </button>
      )}
      <ErrorNotice error={form.failure} />
      <h2>Text</h2>
      <pre className="card body mail-text">{m.textBody}</pre>
    </section>
  );
}
