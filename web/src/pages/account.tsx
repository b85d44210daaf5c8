import { type FormEvent, useState } from 'react';
import { PasswordChangeRequestSchema } from '../../../src/schema/accounts.schema.ts';
import { post } from '../api.ts';
import { ErrorNotice, Field, PageTitle } from '../components/ui.tsx';
import { useSubmit, validate } from '../forms.ts';
import { useAccount } from '../session.tsx';

/** Your account: set a password (after a one-time link sign-in) or change it. */
export function AccountPage() {
  const { account } = useAccount();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState(false);
  const form = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    const checked = validate(PasswordChangeRequestSchema, {
      newPassword,
      ...(currentPassword && { currentPassword }),
    });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      await post('/v1/auth/password', checked.value);
      setCurrent('');
      setNew('');
      setDone(true);
    });
  };
  return (
    <section>
      <PageTitle>Your account</PageTitle>
      <dl className="facts card">
        <dt>Name</dt>
        <dd>{account.name}</dd>
        <dt>Email</dt>
        <dd>{account.email}</dd>
        <dt>Role</dt>
        <dd>{account.role}</dd>
      </dl>
      <form onSubmit={submit} noValidate className="card" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <p className="muted">
          Signed in with a one-time link? Set a password here to sign in with it next time. Setting it signs
          out your other sessions.
        </p>
        <Field
          label="Current password"
          name="currentPassword"
          error={form.errors.currentPassword}
          hint="Leave empty if you have none yet."
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              value={currentPassword}
              onChange={(e) => setCurrent(e.target.value)}
            />
          )}
        </Field>
        <Field label="New password" name="newPassword" error={form.errors.newPassword}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              value={newPassword}
              onChange={(e) => setNew(e.target.value)}
            />
          )}
        </Field>
        <ErrorNotice error={form.failure} />
        {done && (
          <p className="notice ok" role="status">
            Password saved.
          </p>
        )}
        <button type="submit" className="primary" disabled={form.busy}>
          Save password
        </button>
      </form>
    </section>
  );
}
