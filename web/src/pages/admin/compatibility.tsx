import { type FormEvent, useState } from 'react';
import {
  CompatibilityCreateSchema,
  type CompatibilityDeclaration,
} from '../../../../src/schema/catalog.schema.ts';
import { get, post } from '../../api.ts';
import { ErrorNotice, Field, Loading, useLoad } from '../../components/ui.tsx';
import { civil } from '../../format.ts';
import { useSubmit, validate } from '../../forms.ts';

type CompatibilityList = {
  on: string;
  inForce: CompatibilityDeclaration | null;
  items: CompatibilityDeclaration[];
};
type Row = { platform: string; versions: string };

/** R1.2: the platform versions a product supports, declared from a date on (append-only). */
export function Compatibility({ productId }: { productId: string }) {
  const path = `/v1/products/${encodeURIComponent(productId)}/compatibility`;
  const list = useLoad(() => get<CompatibilityList>(path), path);
  return (
    <section aria-labelledby="compat-title">
      <h2 id="compat-title">Compatibility (R1.2)</h2>
      <p className="muted">
        Which platforms the product supports, from a date on. Declarations are never changed: a later one
        takes over from its date, and a ticket is checked against the one in force on its day.
      </p>
      <ErrorNotice error={list.error} />
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="muted">Nothing declared yet.</p>}
      {list.data && list.data.items.length > 0 && (
        <ul className="plain" aria-label="Declarations">
          {list.data.items.map((d) => (
            <li key={d.id} className="card" data-testid="compat-declaration">
              <strong>from {civil(d.effectiveFrom)}</strong>{' '}
              {list.data?.inForce?.id === d.id && <small className="badge ok">in force today</small>}
              <ul>
                {d.platforms.map((p) => (
                  <li key={p.platform}>
                    {p.platform}: {p.versions.join(', ')}
                  </li>
                ))}
                {d.platforms.length === 0 && <li className="muted">no platform (none supported)</li>}
              </ul>
              {d.note && <p className="body">{d.note}</p>}
            </li>
          ))}
        </ul>
      )}
      <Declare path={path} onDone={list.reload} />
    </section>
  );
}

function Declare({ path, onDone }: { path: string; onDone: () => void }) {
  const [effectiveFrom, setEffectiveFrom] = useState(new Date().toISOString().slice(0, 10));
  const [rows, setRows] = useState<Row[]>([{ platform: '', versions: '' }]);
  const [note, setNote] = useState('');
  const form = useSubmit();
  const setRow = (i: number, change: Partial<Row>) =>
    setRows((all) => all.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const platforms = rows
      .filter((r) => r.platform.trim() || r.versions.trim())
      .map((r) => ({
        platform: r.platform,
        versions: r.versions
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      }));
    const checked = validate(CompatibilityCreateSchema, { effectiveFrom, platforms, note });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      await post(path, checked.value);
      setRows([{ platform: '', versions: '' }]);
      setNote('');
      onDone();
    });
  };
  return (
    <form onSubmit={submit} noValidate className="card" aria-labelledby="declare-title">
      <h3 id="declare-title">Declare compatibility</h3>
      <Field label="In force from" name="effectiveFrom" error={form.errors.effectiveFrom}>
        {(p) => (
          <input
            {...p}
            type="date"
            value={effectiveFrom}
            onChange={(e) => setEffectiveFrom(e.target.value)}
          />
        )}
      </Field>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no id.
        <div className="row" key={i}>
          <Field
            label={`Platform ${i + 1}`}
            name={`platforms.${i}.platform`}
            error={form.errors[`platforms.${i}.platform`]}
          >
            {(p) => (
              <input
                {...p}
                value={r.platform}
                placeholder="Asterisk"
                onChange={(e) => setRow(i, { platform: e.target.value })}
              />
            )}
          </Field>
          <Field
            label={`Supported releases of platform ${i + 1}`}
            name={`platforms.${i}.versions`}
            error={form.errors[`platforms.${i}.versions`]}
            hint="Comma-separated, e.g. 18, 20, 22"
          >
            {(p) => (
              <input {...p} value={r.versions} onChange={(e) => setRow(i, { versions: e.target.value })} />
            )}
          </Field>
          {rows.length > 1 && (
            <button
              type="button"
              className="small"
              aria-label={`Remove platform ${i + 1}`}
              onClick={() => setRows((all) => all.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          )}
        </div>
      ))}
      <p>
        <button
          type="button"
          className="small"
          onClick={() => setRows((all) => [...all, { platform: '', versions: '' }])}
        >
          Add a platform
        </button>
      </p>
      <Field label="Note" name="note" error={form.errors.note}>
        {(p) => <textarea {...p} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      {form.errors.platforms && (
        <p className="error" role="alert">
          {form.errors.platforms}
        </p>
      )}
      <ErrorNotice error={form.failure} />
      <button type="submit" className="primary" disabled={form.busy}>
        Declare
      </button>
    </form>
  );
}
