import { useEffect, useState } from 'react';
import { get, type Page, type Query } from '../api.ts';

/**
 * Cursor pagination as every list route answers it (src/schema/pagination.schema.ts): the cursors
 * of the pages seen are kept so "Previous" goes back without the API having to. `cursorParam` names
 * the query parameter for the few routes that call it otherwise (`GET /v1/accounts?after=`).
 */
export function usePaged<T>(path: string, query: Query = {}, limit = 25, cursorParam = 'cursor') {
  const key = `${path}?${JSON.stringify(query)}`;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  const cursor = cursors.at(-1);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query starts again at page one.
  useEffect(() => setCursors([undefined]), [key]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for path and query.
  useEffect(() => {
    let live = true;
    setError(null);
    get<Page<T>>(path, { ...query, limit, [cursorParam]: cursor })
      .then((p) => live && setPage(p))
      .catch((e: Error) => live && setError(e));
    return () => {
      live = false;
    };
  }, [key, cursor, tick, limit, cursorParam]);

  return {
    items: page?.items ?? null,
    error,
    pageNumber: cursors.length,
    hasNext: Boolean(page?.nextCursor),
    hasPrevious: cursors.length > 1,
    next: () => page?.nextCursor && setCursors((c) => [...c, page.nextCursor ?? undefined]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reload: () => setTick((t) => t + 1),
  };
}

export function Pager({ paged }: { paged: ReturnType<typeof usePaged<unknown>> }) {
  if (!paged.hasNext && !paged.hasPrevious) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={paged.previous} disabled={!paged.hasPrevious}>
        ← Previous
      </button>
      <span>Page {paged.pageNumber}</span>
      <button type="button" onClick={paged.next} disabled={!paged.hasNext}>
        Next →
      </button>
    </nav>
  );
}
