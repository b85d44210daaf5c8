import { type FormEvent, useState } from 'react';
import { ApiKeyCreateRequestSchema, SCOPES } from '../../../../src/schema/auth.schema.ts';
import { api, get, post } from '../../api.ts';
import { Badge, CopyButton, ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { useSubmit, validate } from '../../forms.ts';
import type { ApiKey } from '../../types.ts';

/** API keys: create one with scopes (the full key is shown once), see last use, revoke. */
export function ApiKeysPage() {
  const keys = useLoad(() => get<{ items: ApiKey[] }>('/v1/api-keys'), 'keys');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [created, setCreated] = useState<(ApiKey & { key: string }) | null>(null);
  const form = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(ApiKeyCreateRequestSchema, { name, scopes });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      setCreated(await post<ApiKey & { key: string }>('/v1/api-keys', checked.value));
      setName('');
      setScopes([]);
      keys.reload();
    });
  };
  const revoke = (id: string) =>
    void form.run(async () => {
      await api('DELETE', `/v1/api-keys/${encodeURIComponent(id)}`);
      keys.reload();
    });
  return (
    <section>
      <PageTitle>API keys</PageTitle>
      <ErrorNotice error={keys.error} />
      {!keys.data && !keys.error && <Loading />}
      {keys.data && (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scopes</th>
              <th>Last used</th>
              <th>
                <span className="muted">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((k) => (
              <tr key={k.id}>
                <td data-label="Name">{k.name}</td>
                <td data-label="Key">
                  <code>upk_{k.prefix}_…</code>
                </td>
                <td data-label="Scopes">{k.scopes.join(' ')}</td>
                <td data-label="Last used">{k.lastUsedAt ? instant(k.lastUsedAt) : 'never'}</td>
                <td data-label="Action">
                  {k.revokedAt ? (
                    <Badge tone="muted">revoked {instant(k.revokedAt)}</Badge>
                  ) : (
                    <button
                      type="button"
                      className="small"
                      onClick={() => revoke(k.id)}
                      aria-label={`Revoke ${k.name}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} noValidate className="card" aria-labelledby="new-key">
        <h2 id="new-key">New API key</h2>
        <Field label="Name" name="name" error={form.errors.name} hint="What uses it, e.g. CRM sync.">
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset>
          <legend>Scopes</legend>
          <div className="grid scopes">
            {SCOPES.map((s) => (
              <label key={s}>
                <input
                  type="checkbox"
                  checked={scopes.includes(s)}
                  onChange={(e) =>
                    setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))
                  }
                />{' '}
                {s}
              </label>
            ))}
          </div>
          {form.errors.scopes && <p className="error">{form.errors.scopes}</p>}
        </fieldset>
        <ErrorNotice error={form.failure} />
        <button type="submit" className="primary" disabled={form.busy}>
          Create the key
        </button>
      </form>
      {created && (
        <div className="notice ok" role="status">
          <p>
            Key <strong>{created.name}</strong> created. Copy it now: it is shown only once.
          </p>
          <code data-testid="api-key">{created.key}</code> <CopyButton text={created.key} label="Copy key" />
        </div>
      )}
    </section>
  );
}
