import type { Kysely, Selectable } from 'kysely';
import semver from 'semver';
import type { Release, ReleaseCreate } from '../../schema/catalog.schema.ts';
import type { ReleasesTable } from '../db/commerce.tables.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { type PublishedRelease, type ReleaseHooks, runReleasePublishedHooks } from './release-hooks.ts';

type Db = Kysely<Database>;

export type PublishOutcome =
  | { ok: true; release: Release }
  | { ok: false; code: 'NOT_FOUND' }
  | { ok: false; code: 'ALREADY_EXISTS'; id: string };

/**
 * Publishes a release of a product and runs the release-published hooks in the same transaction
 * (R0.3: key issuance for a new major), so a failing hook leaves no release behind. A version that
 * differs from a stored one only in build metadata (`+…`) is the same version (semver precedence).
 */
export async function publishRelease(
  db: Db,
  productId: string,
  input: ReleaseCreate,
  hooks: ReleaseHooks,
  now: Date,
): Promise<PublishOutcome> {
  const parsed = semver.parse(input.version);
  if (parsed === null) throw new Error(`version ${input.version} passed the schema but not semver`);
  return db.transaction().execute(async (trx) => {
    const product = await trx
      .selectFrom('products')
      .select('id')
      .where('id', '=', productId)
      .executeTakeFirst();
    if (!product) return { ok: false, code: 'NOT_FOUND' };
    const same = await findSameVersion(trx, productId, parsed);
    if (same) return { ok: false, code: 'ALREADY_EXISTS', id: same };
    await checkBackdate(trx, productId, parsed.major, input);
    const row = await trx
      .insertInto('releases')
      .values({
        id: newId('rel'),
        product_id: productId,
        version: input.version,
        major: parsed.major,
        minor: parsed.minor,
        patch: parsed.patch,
        prerelease: parsed.prerelease.length > 0 ? parsed.prerelease.join('.') : null,
        published_on: input.publishedOn,
        effective_on: input.effectiveOn ?? input.publishedOn,
        notes: input.notes,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['product_id', 'version']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row)
      return { ok: false, code: 'ALREADY_EXISTS', id: (await findSameVersion(trx, productId, parsed)) ?? '' };
    const release = toRelease(row);
    await runReleasePublishedHooks(trx, hooks, toPublished(release), now);
    return { ok: true, release };
  });
}

/**
 * R0.3: a backdated effectiveOn licenses the release to everyone covered on that day, so it may only
 * reach back within the release's own major line: not before the publishedOn of the line's earliest
 * release, and the first release of a line cannot be backdated at all. 400 naming body.effectiveOn.
 */
async function checkBackdate(db: Db, productId: string, major: number, input: ReleaseCreate) {
  const effectiveOn = input.effectiveOn;
  if (effectiveOn === undefined || effectiveOn >= input.publishedOn) return;
  const first = await db
    .selectFrom('releases')
    .select((eb) => eb.fn.min('published_on').as('publishedOn'))
    .where('product_id', '=', productId)
    .where('major', '=', major)
    .executeTakeFirst();
  const earliest = (first?.publishedOn as string | null | undefined) ?? null;
  if (earliest !== null && effectiveOn >= earliest) return;
  const message =
    earliest === null
      ? `the first release of major ${major} cannot be backdated (omit effectiveOn or use publishedOn)`
      : `a patch can only be backdated within its line: not before ${earliest}, when major ${major} was first published`;
  throw new AppError('VALIDATION_FAILED', `Invalid request: body.effectiveOn: ${message}`, [
    { path: 'body.effectiveOn', rule: 'backdate-within-line', message },
  ]);
}

async function findSameVersion(db: Db, productId: string, v: semver.SemVer): Promise<string | undefined> {
  const prerelease = v.prerelease.length > 0 ? v.prerelease.join('.') : null;
  let q = db
    .selectFrom('releases')
    .select('id')
    .where('product_id', '=', productId)
    .where('major', '=', v.major)
    .where('minor', '=', v.minor)
    .where('patch', '=', v.patch);
  q = prerelease === null ? q.where('prerelease', 'is', null) : q.where('prerelease', '=', prerelease);
  return (await q.executeTakeFirst())?.id;
}

export async function getRelease(db: Db, id: string): Promise<Release | undefined> {
  const row = await db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRelease(row) : undefined;
}

/**
 * Releases ordered by product, then semantic version, highest first (prereleases below their release).
 * A catalog holds hundreds of releases, not millions: they are read whole and sorted here, where semver
 * precedence is exact, rather than approximated in SQL.
 */
export async function releasesInOrder(db: Db, productId?: string): Promise<Release[]> {
  let q = db.selectFrom('releases').selectAll();
  if (productId !== undefined) q = q.where('product_id', '=', productId);
  const rows = await q.execute();
  return rows.map(toRelease).sort(compareReleasesDesc);
}

export function compareReleasesDesc(a: Release, b: Release): number {
  if (a.productId !== b.productId) return a.productId < b.productId ? -1 : 1;
  return semver.rcompare(a.version, b.version) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Cuts an ordered list into a page after the item whose id is `cursor` (an unknown cursor gives an empty page). */
export function pageAfter<T extends { id: string }>(
  items: readonly T[],
  limit: number,
  cursor: string | undefined,
): { items: T[]; nextCursor: string | null } {
  const start = cursor === undefined ? 0 : items.findIndex((i) => i.id === cursor) + 1;
  if (cursor !== undefined && start === 0) return { items: [], nextCursor: null };
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { items: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
}

export type ProductLine = {
  major: number;
  releaseCount: number;
  first: { id: string; version: string; publishedOn: string };
  latest: { id: string; version: string; publishedOn: string };
};

/** The major-version lines of a product, highest first: each with its first-published and highest release. */
export function linesOf(releases: readonly Release[]): ProductLine[] {
  const byMajor = new Map<number, Release[]>();
  for (const r of releases) byMajor.set(r.major, [...(byMajor.get(r.major) ?? []), r]);
  return [...byMajor.entries()]
    .sort(([a], [b]) => b - a)
    .map(([major, list]) => {
      const latest = [...list].sort(compareReleasesDesc)[0] as Release;
      const first = [...list].sort(
        (a, b) => a.publishedOn.localeCompare(b.publishedOn) || semver.compare(a.version, b.version),
      )[0] as Release;
      return { major, releaseCount: list.length, first: refOf(first), latest: refOf(latest) };
    });
}

function refOf(r: Release) {
  return { id: r.id, version: r.version, publishedOn: r.publishedOn };
}

export function toRelease(row: Selectable<ReleasesTable>): Release {
  return {
    id: row.id,
    productId: row.product_id,
    version: row.version,
    major: row.major,
    minor: row.minor,
    patch: row.patch,
    prerelease: row.prerelease,
    publishedOn: row.published_on,
    effectiveOn: row.effective_on,
    notes: row.notes,
    createdAt: row.created_at.toISOString(),
  };
}

function toPublished(r: Release): PublishedRelease {
  return {
    id: r.id,
    productId: r.productId,
    version: r.version,
    major: r.major,
    minor: r.minor,
    patch: r.patch,
    prerelease: r.prerelease,
    publishedOn: r.publishedOn,
    effectiveOn: r.effectiveOn,
  };
}
