import { type FormEvent, useState } from 'react';
import {
  AssignRequestSchema,
  CloseRequestSchema,
  LinkRequestSchema,
  MergeRequestSchema,
} from '../../../../src/schema/tickets.schema.ts';
import { get, type Page, post } from '../../api.ts';
import { useProducts } from '../../catalog-names.ts';
import { ErrorNotice, Field, useLoad } from '../../components/ui.tsx';
import { useSubmit, validate } from '../../forms.ts';
import { Link } from '../../router.tsx';
import type { Ticket, TicketDetail } from '../../types.ts';

type StaffAccount = { id: string; name: string; email: string; role: string };
const LINK_WORDS: Record<string, [outgoing: string, incoming: string]> = {
  'duplicate-of': ['Merged into (same issue)', 'Merged here (same issue)'],
  'follow-up-of': ['Follow-up of', 'Followed up by'],
  related: ['Related:', 'Related:'],
};
type PlanDoc = { document: { outOfScope?: { key: string; description: string }[] } };

/** Staff who can be given a ticket (GET /v1/staff: every agent may read it). */
async function staffAccounts(): Promise<StaffAccount[]> {
  const out: StaffAccount[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<Page<StaffAccount>>('/v1/staff', { limit: 100, cursor });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < 1000);
  return out;
}

/** Dispatch to another agent, link a related ticket, merge as the same issue, close out of scope. */
export function TicketTools({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const closed = ticket.status === 'closed' || ticket.status === 'merged';
  return (
    <>
      {!closed && <AssignPanel ticket={ticket} onChange={onChange} />}
      <LinksPanel ticket={ticket} onChange={onChange} closed={closed} />
      {!closed && <ClosePanel ticket={ticket} onChange={onChange} />}
    </>
  );
}

function AssignPanel({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const staff = useLoad(() => staffAccounts(), 'staff');
  const [assignee, setAssignee] = useState('');
  const form = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(AssignRequestSchema, { assigneeAccountId: assignee || undefined });
    if (!checked.ok || !assignee) return form.setErrors({ assigneeAccountId: 'Choose an agent.' });
    void form.run(async () => {
      await post(`/v1/tickets/${encodeURIComponent(ticket.id)}/assign`, checked.value);
      setAssignee('');
      onChange();
    });
  };
  const current = staff.data?.find((a) => a.id === ticket.assigneeAccountId);
  return (
    <div className="card">
      <h2>Dispatch</h2>
      <form onSubmit={submit} noValidate className="row">
        {current && <p>Assigned to {current.name}.</p>}
        <Field label="Assign to" name="assigneeAccountId" error={form.errors.assigneeAccountId}>
          {(p) => (
            <select {...p} value={assignee} onChange={(e) => setAssignee(e.target.value)}>
              <option value="">Choose an agent…</option>
              {staff.data?.map((a) => (
                <option key={a.id} value={a.id} disabled={a.id === ticket.assigneeAccountId}>
                  {a.name} ({a.role})
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={form.busy}>
          Assign
        </button>
      </form>
      <ErrorNotice error={staff.error ?? form.failure} />
    </div>
  );
}

function LinksPanel({
  ticket,
  onChange,
  closed,
}: {
  ticket: TicketDetail;
  onChange: () => void;
  closed: boolean;
}) {
  // Candidates: the same customer's other tickets (links and merges stay within one organisation).
  const others = useLoad(
    () =>
      get<Page<Ticket>>('/v1/tickets', { organisationId: ticket.organisationId, limit: 100 }).then((p) =>
        p.items.filter((t) => t.id !== ticket.id),
      ),
    `others:${ticket.id}:${ticket.updatedAt}`,
  );
  const [other, setOther] = useState('');
  const form = useSubmit();
  const numberOf = (id: string) => others.data?.find((t) => t.id === id);
  const act = (verb: 'links' | 'merge') => (event?: FormEvent) => {
    event?.preventDefault();
    const checked =
      verb === 'links'
        ? validate(LinkRequestSchema, { ticketId: other })
        : validate(MergeRequestSchema, { intoTicketId: other });
    if (!checked.ok || !other) return form.setErrors({ other: 'Choose a ticket of this customer.' });
    void form.run(async () => {
      await post(`/v1/tickets/${encodeURIComponent(ticket.id)}/${verb}`, checked.value);
      setOther('');
      onChange();
    });
  };
  return (
    <div className="card">
      <h2>Related tickets</h2>
      {ticket.links.length === 0 ? (
        <p className="muted">No linked tickets.</p>
      ) : (
        <ul className="plain" data-testid="ticket-links">
          {ticket.links.map((l) => {
            const t = numberOf(l.ticketId);
            return (
              <li key={`${l.kind}-${l.direction}-${l.ticketId}`}>
                {LINK_WORDS[l.kind]?.[l.direction === 'outgoing' ? 0 : 1] ?? 'Linked:'}{' '}
                <Link to={`/console/tickets/${encodeURIComponent(l.ticketId)}`}>
                  {t ? `#${t.number} ${t.subject}` : l.ticketId}
                </Link>{' '}
                <small className="muted">({l.kind})</small>
              </li>
            );
          })}
        </ul>
      )}
      {!closed && (
        <form onSubmit={act('links')} noValidate>
          <Field
            label="Another ticket of this customer"
            name="other"
            error={form.errors.other ?? form.errors.ticketId ?? form.errors.intoTicketId}
            hint="Merge when it is the same issue: this ticket closes into the other (R2.8)."
          >
            {(p) => (
              <select {...p} value={other} onChange={(e) => setOther(e.target.value)}>
                <option value="">Choose a ticket…</option>
                {others.data?.map((t) => (
                  <option key={t.id} value={t.id}>
                    #{t.number} {t.subject} ({t.status})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="row">
            <button type="submit" disabled={form.busy}>
              Link as related
            </button>
            <button type="button" onClick={() => act('merge')()} disabled={form.busy}>
              Merge into it
            </button>
          </div>
        </form>
      )}
      <ErrorNotice error={others.error ?? form.failure} />
    </div>
  );
}

function ClosePanel({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const products = useProducts();
  const planKey = products.find((p) => p.id === ticket.productId)?.planKey;
  // The reasons of the product's plan (GET /v1/plans/:key, its latest version); the server checks
  // the key against the ticket's own plan version and names the allowed ones if they differ.
  const plan = useLoad(
    () => (planKey ? get<PlanDoc>(`/v1/plans/${encodeURIComponent(planKey)}`) : Promise.resolve(null)),
    `plan:${planKey ?? ''}`,
  );
  const reasons = plan.data?.document.outOfScope ?? [];
  const [key, setKey] = useState('');
  const [note, setNote] = useState('');
  const form = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(CloseRequestSchema, {
      reason: 'out-of-scope',
      outOfScopeKey: key || undefined,
      ...(note.trim() && { note }),
    });
    if (!checked.ok) return form.setErrors(checked.errors);
    if (!key) return form.setErrors({ outOfScopeKey: 'Choose one of the plan’s reasons.' });
    void form.run(async () => {
      await post(`/v1/tickets/${encodeURIComponent(ticket.id)}/close`, checked.value);
      onChange();
    });
  };
  return (
    <div className="card">
      <h2>Out of scope</h2>
      {plan.data && reasons.length === 0 ? (
        <p className="muted">This plan lists no out-of-scope reasons (R1.6).</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field label="Reason from the plan" name="outOfScopeKey" error={form.errors.outOfScopeKey}>
            {(p) => (
              <select {...p} value={key} onChange={(e) => setKey(e.target.value)}>
                <option value="">Choose a reason…</option>
                {reasons.map((r) => (
                  <option key={r.key} value={r.key}>
                    {r.description}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Note (optional)" name="note" error={form.errors.note}>
            {(p) => <textarea {...p} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <button type="submit" disabled={form.busy}>
            Close as out of scope
          </button>
        </form>
      )}
      <ErrorNotice error={plan.error ?? form.failure} />
    </div>
  );
}
