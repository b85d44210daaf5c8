import { type FormEvent, useState } from 'react';
import { MessageCreateRequestSchema } from '../../../src/schema/tickets.schema.ts';
import { api, post } from '../api.ts';
import { bytes, instant } from '../format.ts';
import { useSubmit, validate } from '../forms.ts';
import type { Ticket, TicketAttachment, TicketMessage } from '../types.ts';
import { Pager, usePaged } from './pager.tsx';
import { ErrorNotice, Field, Loading } from './ui.tsx';

const AUTHOR = { customer: 'Customer', agent: 'Support', system: 'System' } as const;

/** The conversation, oldest first, a page at a time; internal notes only reach staff (the API filters). */
export function Thread({ ticketId, version }: { ticketId: string; version: number }) {
  const paged = usePaged<TicketMessage>(
    `/v1/tickets/${encodeURIComponent(ticketId)}/messages`,
    { v: version },
    50,
  );
  if (paged.error) return <ErrorNotice error={paged.error} />;
  if (!paged.items) return <Loading what="Loading the conversation" />;
  return (
    <section aria-labelledby="thread-title">
      <h2 id="thread-title">Conversation</h2>
      <ol className="thread">
        {paged.items.map((m) => (
          <li key={m.id} className={`${m.authorKind} ${m.visibility}`}>
            <div className="meta">
              {AUTHOR[m.authorKind]}
              {m.visibility === 'internal' && <strong> · internal note</strong>} ·{' '}
              <time dateTime={m.createdAt}>{instant(m.createdAt)}</time>
            </div>
            <div className="body">{m.body}</div>
          </li>
        ))}
      </ol>
      <Pager paged={paged} />
    </section>
  );
}

type Posted = {
  message: TicketMessage;
  ticket: Ticket;
  routed: 'posted' | 'to-survivor' | 'new-follow-up' | 'reopened';
};

const ROUTED: Record<Posted['routed'], string | null> = {
  posted: null,
  reopened: 'Your reply reopened the ticket.',
  'to-survivor': 'This ticket was merged: your reply went to the ticket it was merged into.',
  'new-follow-up': 'This ticket was closed: your reply opened a follow-up ticket.',
};

/** Reply (and, for staff, an internal note), validated with the API's MessageCreateRequestSchema. */
export function ReplyForm({
  ticketId,
  staff,
  onPosted,
}: {
  ticketId: string;
  staff: boolean;
  onPosted: (posted: Posted) => void;
}) {
  const [body, setBody] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'internal'>('public');
  const [notice, setNotice] = useState<string | null>(null);
  const form = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(MessageCreateRequestSchema, { body, visibility });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      const posted = await post<Posted>(
        `/v1/tickets/${encodeURIComponent(ticketId)}/messages`,
        checked.value,
      );
      setBody('');
      setNotice(ROUTED[posted.routed]);
      onPosted(posted);
    });
  };
  const internal = visibility === 'internal';
  return (
    <form onSubmit={submit} noValidate className="card" aria-labelledby="reply-title">
      <h2 id="reply-title">{internal ? 'Internal note' : 'Reply'}</h2>
      {staff && (
        <fieldset className="tabs">
          <legend className="muted">Who sees it</legend>
          <label>
            <input
              type="radio"
              name="visibility"
              checked={!internal}
              onChange={() => setVisibility('public')}
            />{' '}
            Reply to the customer
          </label>
          <label>
            <input
              type="radio"
              name="visibility"
              checked={internal}
              onChange={() => setVisibility('internal')}
            />{' '}
            Internal note (staff only)
          </label>
        </fieldset>
      )}
      <Field label={internal ? 'Note' : 'Message'} name="body" error={form.errors.body}>
        {(p) => <textarea {...p} value={body} onChange={(e) => setBody(e.target.value)} />}
      </Field>
      <ErrorNotice error={form.failure} />
      {notice && (
        <p className="notice info" role="status">
          {notice}
        </p>
      )}
      <button type="submit" className="primary" disabled={form.busy}>
        {internal ? 'Add note' : 'Send reply'}
      </button>
    </form>
  );
}

/** Uploads files to a ticket as raw bytes (the API detects the type from the bytes). */
export async function uploadAttachments(ticketId: string, files: readonly File[]): Promise<void> {
  for (const file of files) {
    const path = `/v1/tickets/${encodeURIComponent(ticketId)}/attachments?name=${encodeURIComponent(file.name)}`;
    await api('POST', path, { raw: file });
  }
}

export function Attachments({ ticketId }: { ticketId: string }) {
  const base = `/v1/tickets/${encodeURIComponent(ticketId)}/attachments`;
  const paged = usePaged<TicketAttachment>(base, {}, 50);
  const form = useSubmit();
  const [files, setFiles] = useState<File[]>([]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (files.length === 0) return form.setErrors({ file: 'Choose a file first' });
    void form.run(async () => {
      await uploadAttachments(ticketId, files);
      setFiles([]);
      (event.target as HTMLFormElement).reset();
      paged.reload();
    });
  };
  return (
    <section aria-labelledby="files-title">
      <h2 id="files-title">Attachments</h2>
      <ErrorNotice error={paged.error} />
      {paged.items?.length === 0 && <p className="muted">No files yet.</p>}
      <ul className="plain">
        {paged.items?.map((a) => (
          <li key={a.id}>
            <a href={`${base}/${encodeURIComponent(a.id)}`} download={a.downloadName}>
              {a.name}
            </a>{' '}
            <small className="muted">
              {a.contentType}, {bytes(a.sizeBytes)}
            </small>
          </li>
        ))}
      </ul>
      <Pager paged={paged} />
      <form onSubmit={submit} noValidate className="row">
        <Field
          label="Add a file"
          name="file"
          error={form.errors.file}
          hint="Screenshots, logs; up to 10 MB each."
        >
          {(p) => (
            <input {...p} type="file" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} />
          )}
        </Field>
        <button type="submit" disabled={form.busy}>
          Upload
        </button>
      </form>
      <ErrorNotice error={form.failure} />
    </section>
  );
}
