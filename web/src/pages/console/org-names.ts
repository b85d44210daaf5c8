import { useEffect, useState } from 'react';
import { allPages } from '../../catalog-names.ts';
import type { Organisation } from '../../types.ts';

let cache: Promise<Organisation[]> | null = null;

/** Organisation names by id for staff lists (tickets carry only the id). */
export function useOrganisations(): Organisation[] {
  const [orgs, setOrgs] = useState<Organisation[]>([]);
  useEffect(() => {
    cache ??= allPages<Organisation>('/v1/organisations', 1000).catch((e: unknown) => {
      cache = null;
      throw e;
    });
    cache.then(setOrgs).catch(() => setOrgs([]));
  }, []);
  return orgs;
}

export function orgName(orgs: Organisation[], id: string): string {
  return orgs.find((o) => o.id === id)?.name ?? id;
}
