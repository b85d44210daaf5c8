import { type FormEvent, useState } from 'react';
import { LoginRequestSchema } from '../../../src/schema/auth.schema.ts';
import { MagicLinkRequestSchema } from '../../../src/schema/customers.schema.ts';
import { post } from '../api.ts';
import { ErrorNotice, Field } from '../components/ui.tsx';
import { useSubmit, validate } from '../forms.ts';
import { navigate, useLocation } from '../router.tsx';
import { type Session, useSession } from '../session.tsx';

/** Staff sign in with a password; customers (and anyone) can ask for an emailed one-time link. */
export function SignInPage() {
  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Upkeep</h1>
      <div className="two">
        <PasswordForm />
        <MagicLinkForm />
      </div>
      <p className="muted">
        First start? <code>npm start</code> prints one-time sign-in links for the first admin and the demo
        customer: open one and press <em>Sign in</em>.
      </p>
    </main>
  );
}

function PasswordForm() {
  const { signedIn } = useSession();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(LoginRequestSchema, { email, password });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      const session = await post<Session & { expiresAt: string }>('/v1/auth/login', checked.value);
      signedIn(session);
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/');
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-title" className="card">
      <h2 id="password-title">With a password</h2>
      <Field label="Email" name="email" error={form.errors.email}>
        {(p) => (
          <input
            {...p}
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
      </Field>
      <Field label="Password" name="password" error={form.errors.password}>
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <ErrorNotice error={form.failure} />
      <button type="submit" className="primary" disabled={form.busy}>
        Sign in
      </button>
    </form>
  );
}

function MagicLinkForm() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const form = useSubmit();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(MagicLinkRequestSchema, { email });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      const answer = await post<{ message: string }>('/v1/auth/magic-link', checked.value);
      setSent(answer.message);
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="link-title" className="card">
      <h2 id="link-title">With an emailed link</h2>
      <p className="muted">For customers: we email you a link that signs you in (valid 15 minutes).</p>
      <Field label="Your email" name="email" error={form.errors.email}>
        {(p) => (
          <input
            {...p}
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
      </Field>
      <ErrorNotice error={form.failure} />
      {sent && (
        <p className="notice ok" role="status">
          {sent}
        </p>
      )}
      <button type="submit" disabled={form.busy}>
        Email me a sign-in link
      </button>
    </form>
  );
}
