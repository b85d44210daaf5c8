import { type FormEvent, useState } from 'react';
import { ReleaseCreateSchema } from '../../../../src/schema/catalog.schema.ts';
import { api, get, post } from '../../api.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { bytes, civil, money } from '../../format.ts';
import { useSubmit, validate } from '../../forms.ts';
import { Link } from '../../router.tsx';
import type { Artifact, Product, Release } from '../../types.ts';
import { Compatibility } from './compatibility.tsx';

/** A product: its plan and prices, its releases (publish one), and each release's files (upload). */
export function ProductPage({ id }: { id: string }) {
  const path = `/v1/products/${encodeURIComponent(id)}`;
  const product = useLoad(() => get<Product>(path), path);
  const releases = usePaged<Release>(`${path}/releases`, {}, 20);
  if (product.error) return <ErrorNotice error={product.error} />;
  const p = product.data;
  if (!p) return <Loading />;
  return (
    <section>
      <PageTitle>{p.name}</PageTitle>
      <dl className="facts card">
        <dt>Slug</dt>
        <dd>{p.slug}</dd>
        <dt>Plan</dt>
        <dd>
          <Link to={`/admin/plans/${encodeURIComponent(p.planKey)}`}>{p.planKey}</Link>
        </dd>
        <dt>Category</dt>
        <dd>{p.category}</dd>
        <dt>Prices</dt>
        <dd>{p.prices.map((x) => money(x.amountMinor, x.currency)).join(', ') || '—'}</dd>
      </dl>
      <h2>Releases</h2>
      <ErrorNotice error={releases.error} />
      {releases.items?.length === 0 && <p className="muted">No releases yet.</p>}
      <ul className="plain">
        {releases.items?.map((r) => (
          <li key={r.id} className="card">
            <strong>{r.version}</strong> <small className="muted">published {civil(r.publishedOn)}</small>
            {r.notes && <p className="body">{r.notes}</p>}
            <ReleaseFiles release={r} />
          </li>
        ))}
      </ul>
      <Pager paged={releases} />
      <PublishRelease productId={p.id} onDone={releases.reload} />
      <Compatibility productId={p.id} />
    </section>
  );
}

function PublishRelease({ productId, onDone }: { productId: string; onDone: () => void }) {
  const [version, setVersion] = useState('');
  const [publishedOn, setPublishedOn] = useState(new Date().toISOString().slice(0, 10));
  const [notes, setNotes] = useState('');
  const form = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(ReleaseCreateSchema, { version, publishedOn, notes });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      await post(`/v1/products/${encodeURIComponent(productId)}/releases`, checked.value);
      setVersion('');
      setNotes('');
      onDone();
    });
  };
  return (
    <form onSubmit={submit} noValidate className="card" aria-labelledby="publish-title">
      <h2 id="publish-title">Publish a release</h2>
      <div className="row">
        <Field label="Version" name="version" error={form.errors.version} hint="e.g. 2.2.0">
          {(p) => <input {...p} value={version} onChange={(e) => setVersion(e.target.value)} />}
        </Field>
        <Field label="Published on" name="publishedOn" error={form.errors.publishedOn}>
          {(p) => (
            <input {...p} type="date" value={publishedOn} onChange={(e) => setPublishedOn(e.target.value)} />
          )}
        </Field>
      </div>
      <Field label="Release notes" name="notes" error={form.errors.notes}>
        {(p) => <textarea {...p} value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <ErrorNotice error={form.failure} />
      <button type="submit" className="primary" disabled={form.busy}>
        Publish
      </button>
    </form>
  );
}

function ReleaseFiles({ release }: { release: Release }) {
  const path = `/v1/releases/${encodeURIComponent(release.id)}/artifacts`;
  const files = useLoad(() => get<{ items: Artifact[] }>(path), path);
  const [file, setFile] = useState<File | null>(null);
  const form = useSubmit();
  const upload = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return form.setErrors({ file: 'Choose a file first' });
    void form.run(async () => {
      await api('POST', `${path}?fileName=${encodeURIComponent(file.name)}`, { raw: file });
      (event.target as HTMLFormElement).reset();
      setFile(null);
      files.reload();
    });
  };
  return (
    <>
      <ul className="plain">
        {files.data?.items.map((a) => (
          <li key={a.id}>
            {a.fileName} <small className="muted">{bytes(a.sizeBytes)}</small>
          </li>
        ))}
      </ul>
      <form onSubmit={upload} noValidate className="row">
        <Field label={`Add a file to ${release.version}`} name="file" error={form.errors.file}>
          {(p) => <input {...p} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
        </Field>
        <button type="submit" disabled={form.busy}>
          Upload
        </button>
      </form>
      <ErrorNotice error={form.failure} />
    </>
  );
}
