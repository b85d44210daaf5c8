import { useEffect, useState } from 'react';
import { get, type Page, type Query } from '../../api.ts';

/**
 * usePaged (components/pager.tsx) for the few list routes whose cursor parameter is named
 * differently, e.g. `GET /v1/accounts?after=`: same shape, so <Pager> drives it.
 */
export function usePagedBy<T>(path: string, cursorParam: string, query: Query = {}, limit = 25) {
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
