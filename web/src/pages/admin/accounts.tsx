import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import {
  AccountCreateRequestSchema,
  type AccountDetailsSchema,
  type LoginLinkSchema,
} from '../../../../src/schema/accounts.schema.ts';
import { ROLES } from '../../../../src/schema/auth.schema.ts';
import { ApiError, api, post } from '../../api.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { Badge, CopyButton, ErrorNotice, Field, Loading, PageTitle } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { useSubmit, validate } from '../../forms.ts';
import { useAccount } from '../../session.tsx';

type AccountDetails = z.infer<typeof AccountDetailsSchema>;
type LoginLink = z.infer<typeof LoginLinkSchema>;
type Shown = { who: string; link: LoginLink };

const isStaff = (role: string) => (ROLES as readonly string[]).includes(role);

/** The API's refusals in words a person acts on; the API's own message otherwise. */
function inWords(error: Error | null): Error | null {
  if (!(error instanceof ApiError)) return error;
  if (error.code === 'LAST_ADMIN')
    return new ApiError(
      error.status,
      error.code,
      'This is the last active admin. Make another account an admin first, then change or disable this one.',
      error.details,
      error.requestId,
    );
  return error;
}

/** Agents and admins: list, create (a one-time sign-in link shown once), change role, disable, new link. */
export function AccountsPage() {
  const accounts = usePaged<AccountDetails>('/v1/accounts', {}, 50, 'after');
  const [shown, setShown] = useState<Shown | null>(null);
  const action = useSubmit();
  const me = useAccount().account;

  const change = (a: AccountDetails, body: { role?: string; disabled?: boolean }) =>
    void action.run(async () => {
      await api('PATCH', `/v1/accounts/${encodeURIComponent(a.id)}`, { body });
      accounts.reload();
    });
  const newLink = (a: AccountDetails) =>
    void action.run(async () => {
      const link = await post<LoginLink>(`/v1/accounts/${encodeURIComponent(a.id)}/login-link`);
      setShown({ who: a.name, link });
    });

  return (
    <section>
      <PageTitle>Agents and admins</PageTitle>
      <p className="muted">
        Every account, staff and customer. A new agent or admin signs in first with a one-time link, then sets
        a password on <em>Your account</em>. Customer accounts are managed by their organisation.
      </p>
      <ErrorNotice error={inWords(action.failure)} title="Not changed:" />
      {shown && <LinkNotice shown={shown} onClose={() => setShown(null)} />}
      <ErrorNotice error={accounts.error} />
      {!accounts.items && !accounts.error && <Loading />}
      {accounts.items && (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>State</th>
              <th>
                <span className="muted">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {accounts.items.map((a) => (
              <tr key={a.id} data-testid="account-row">
                <td data-label="Name">
                  {a.name} {a.id === me.id && <small className="muted">(you)</small>}
                </td>
                <td data-label="Email">{a.email}</td>
                <td data-label="Role">
                  {isStaff(a.role) ? (
                    <select
                      aria-label={`Role of ${a.name}`}
                      value={a.role}
                      disabled={action.busy}
                      onChange={(e) => change(a, { role: e.target.value })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    a.role
                  )}
                </td>
                <td data-label="State">
                  {a.disabled ? <Badge tone="muted">disabled</Badge> : <Badge tone="ok">active</Badge>}{' '}
                  <small className="muted">
                    {a.hasPassword ? 'has a password' : 'no password yet'} · since {instant(a.createdAt)}
                  </small>
                </td>
                <td data-label="Actions">
                  {isStaff(a.role) && (
                    <div className="actions">
                      <button
                        type="button"
                        className="small"
                        disabled={action.busy}
                        aria-label={`${a.disabled ? 'Enable' : 'Disable'} ${a.name}`}
                        onClick={() => change(a, { disabled: !a.disabled })}
                      >
                        {a.disabled ? 'Enable' : 'Disable'}
                      </button>{' '}
                      {!a.disabled && (
                        <button
                          type="button"
                          className="small"
                          disabled={action.busy}
                          aria-label={`New sign-in link for ${a.name}`}
                          onClick={() => newLink(a)}
                        >
                          New sign-in link
                        </button>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={accounts} />
      <CreateAccount
        onCreated={(name, link) => {
          setShown({ who: name, link });
          accounts.reload();
        }}
      />
    </section>
  );
}

function LinkNotice({ shown, onClose }: { shown: Shown; onClose: () => void }) {
  return (
    <div className="notice ok" role="status">
      <p>
        One-time sign-in link for <strong>{shown.who}</strong>, valid until {instant(shown.link.expiresAt)}.
        Give it to them only; it is shown once and works once.
      </p>
      <code data-testid="login-link">{shown.link.url}</code>{' '}
      <CopyButton text={shown.link.url} label="Copy link" />{' '}
      <button type="button" className="small" onClick={onClose}>
        Done
      </button>
    </div>
  );
}

function CreateAccount({ onCreated }: { onCreated: (name: string, link: LoginLink) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('agent');
  const form = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(AccountCreateRequestSchema, { email, name, role });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      const created = await post<{ account: AccountDetails; loginLink: LoginLink }>(
        '/v1/accounts',
        checked.value,
      );
      setEmail('');
      setName('');
      onCreated(created.account.name, created.loginLink);
    });
  };
  // EMAIL_TAKEN belongs beside the email field, not above the form.
  const taken = form.failure instanceof ApiError && form.failure.code === 'EMAIL_TAKEN';
  const emailError = form.errors.email ?? (taken ? 'An account with this email exists already' : undefined);
  return (
    <form onSubmit={submit} noValidate className="card" aria-labelledby="new-account">
      <h2 id="new-account">New agent or admin</h2>
      <div className="row">
        <Field label="Full name" name="name" error={form.errors.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Email address" name="email" error={emailError}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Account role" name="role" error={form.errors.role}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorNotice error={taken ? null : form.failure} />
      <button type="submit" className="primary" disabled={form.busy}>
        Create the account
      </button>
    </form>
  );
}
