import type { Kysely } from 'kysely';
import type { Database } from '../db/database-types.ts';

/** A release as the hooks see it, just inserted (civil dates as 'YYYY-MM-DD'). */
export type PublishedRelease = {
  id: string;
  productId: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
  publishedOn: string;
  effectiveOn: string;
};

/**
 * Runs inside the transaction that inserts the release (use `trx`, never the app's db): a hook that
 * throws rolls the release back. The licenses part registers key issuance here (R0.3: a new major
 * gets a key for every contract covered on its publication date).
 */
export type ReleasePublishedHook = (
  trx: Kysely<Database>,
  release: PublishedRelease,
  now: Date,
) => Promise<void>;

/** The hooks run, in order, when a release is published; passed to the catalog routes in their deps. */
export type ReleaseHooks = readonly ReleasePublishedHook[];

/** Runs every hook in order within the caller's transaction. */
export async function runReleasePublishedHooks(
  trx: Kysely<Database>,
  hooks: ReleaseHooks,
  release: PublishedRelease,
  now: Date,
): Promise<void> {
  for (const hook of hooks) await hook(trx, release, now);
}
