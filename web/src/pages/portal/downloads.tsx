import { useState } from 'react';
import { get } from '../../api.ts';
import { productName, useProducts } from '../../catalog-names.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { bytes, civil } from '../../format.ts';
import type { Artifact, Release } from '../../types.ts';

/**
 * Releases filtered by entitlement: by default only what the organisation may download today
 * (`entitled=true`: covered, or kept for life by the perpetual fallback); the other view lists
 * what its coverage does not include.
 */
export function DownloadsPage() {
  const products = useProducts();
  const [productId, setProductId] = useState('');
  const [entitled, setEntitled] = useState<'true' | 'false'>('true');
  const paged = usePaged<Release>('/v1/releases', { productId, entitled });
  return (
    <section>
      <PageTitle>Downloads</PageTitle>
      <div className="row">
        <Field label="Product" name="product">
          {(p) => (
            <select {...p} value={productId} onChange={(e) => setProductId(e.target.value)}>
              <option value="">All products</option>
              {products.map((pr) => (
                <option key={pr.id} value={pr.id}>
                  {pr.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Show" name="entitled">
          {(p) => (
            <select {...p} value={entitled} onChange={(e) => setEntitled(e.target.value as 'true' | 'false')}>
              <option value="true">Releases you may download</option>
              <option value="false">Releases your coverage does not include</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading what="Loading releases" />}
      {paged.items?.length === 0 && (
        <p className="muted">{entitled === 'true' ? 'Nothing to download.' : 'Every release is covered.'}</p>
      )}
      <ul className="plain releases">
        {paged.items?.map((r) => (
          <li key={r.id} className="card">
            <h2>
              {productName(products, r.productId)} {r.version}
            </h2>
            <p className="muted">
              Published {civil(r.publishedOn)}
              {r.effectiveOn !== r.publishedOn && <> (counts from {civil(r.effectiveOn)})</>}
            </p>
            {r.notes && <p className="body">{r.notes}</p>}
            {entitled === 'true' ? (
              <Files releaseId={r.id} />
            ) : (
              <p className="muted">Renew the contract to download this release.</p>
            )}
          </li>
        ))}
      </ul>
      <Pager paged={paged} />
    </section>
  );
}

function Files({ releaseId }: { releaseId: string }) {
  const path = `/v1/releases/${encodeURIComponent(releaseId)}/artifacts`;
  const files = useLoad(() => get<{ items: Artifact[] }>(path), path);
  if (files.error) return <ErrorNotice error={files.error} />;
  if (!files.data) return <Loading what="Loading files" />;
  if (files.data.items.length === 0) return <p className="muted">No files uploaded for this release.</p>;
  return (
    <ul className="plain">
      {files.data.items.map((a) => (
        <li key={a.id}>
          <a href={`/v1/artifacts/${encodeURIComponent(a.id)}/download`} download={a.fileName}>
            Download {a.fileName}
          </a>{' '}
          <small className="muted">
            {bytes(a.sizeBytes)} · SHA-256 <code>{a.sha256.slice(0, 16)}…</code>
          </small>
        </li>
      ))}
    </ul>
  );
}
