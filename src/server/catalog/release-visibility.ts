import type { Kysely } from 'kysely';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import type { Release } from '../../schema/catalog.schema.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { getRelease } from './releases.service.ts';

/**
 * A release dated in the future is scheduled, not published: staff see it, customers only from its
 * publication date on (UTC), and until then it answers 404 to them like a missing one.
 */
export function isVisibleTo(viewer: Viewer, release: Pick<Release, 'publishedOn'>, now: Date): boolean {
  return viewer.kind === 'staff' || release.publishedOn <= civilDateIn(now, 'UTC');
}

/** The release if it exists and the viewer may see it. */
export async function visibleRelease(
  db: Kysely<Database>,
  viewer: Viewer,
  id: string,
  now: Date,
): Promise<Release | undefined> {
  const release = await getRelease(db, id);
  return release && isVisibleTo(viewer, release, now) ? release : undefined;
}
