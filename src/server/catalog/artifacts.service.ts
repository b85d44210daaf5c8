import type { Readable } from 'node:stream';
import type { Kysely, Selectable } from 'kysely';
import type { Artifact } from '../../schema/catalog.schema.ts';
import type { ReleaseArtifactsTable } from '../db/commerce.tables.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import type { ArtifactStore } from './artifact-store.ts';

type Db = Kysely<Database>;

export type FileNameCheck = { ok: true; fileName: string } | { ok: false; reason: string };

// C0 and C1 control characters, and the Unicode line/paragraph separators and bidi overrides that
// make a name display differently from what it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * The name an uploaded file downloads as: NFC-normalised and trimmed; no slashes, backslashes or control
 * characters, not `.` or `..`, 1–200 characters. It is only ever a label: the bytes are stored under a
 * name the server chose.
 */
export function checkFileName(raw: string): FileNameCheck {
  const fileName = raw.normalize('NFC').trim();
  if (fileName.length === 0) return { ok: false, reason: 'must not be empty' };
  // A lone surrogate (\p{Cs} in u-mode) is not text: no header or file system could carry it.
  if (/\p{Cs}/u.test(fileName)) return { ok: false, reason: 'must be well-formed Unicode' };
  if ([...fileName].length > 200) return { ok: false, reason: 'must be at most 200 characters' };
  if (/[/\\]/.test(fileName)) return { ok: false, reason: 'must not contain a slash or backslash' };
  if (UNSAFE_CHARS.test(fileName)) return { ok: false, reason: 'must not contain control characters' };
  if (fileName === '.' || fileName === '..') return { ok: false, reason: 'must not be . or ..' };
  return { ok: true, fileName };
}

export type UploadOutcome =
  | { ok: true; artifact: Artifact }
  | { ok: false; code: 'NOT_FOUND' }
  | { ok: false; code: 'ALREADY_EXISTS'; id: string };

/** Stores the bytes, then records the artifact; a refused record removes the stored bytes again. */
export async function uploadArtifact(
  db: Db,
  store: ArtifactStore,
  input: { releaseId: string; fileName: string; body: Readable; maxBytes: number },
  now: Date,
): Promise<UploadOutcome> {
  const precheck = await existing(db, input.releaseId, input.fileName);
  if (precheck) return precheck;
  const blob = await store.put(input.body, { maxBytes: input.maxBytes });
  try {
    const row = await db
      .insertInto('release_artifacts')
      .values({
        id: newId('art'),
        release_id: input.releaseId,
        file_name: input.fileName,
        content_type: 'application/octet-stream',
        size_bytes: blob.sizeBytes,
        sha256: blob.sha256,
        storage_key: blob.storageKey,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['release_id', 'file_name']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return { ok: true, artifact: toArtifact(row) };
    await store.remove(blob.storageKey);
    return (await existing(db, input.releaseId, input.fileName)) ?? { ok: false, code: 'NOT_FOUND' };
  } catch (error) {
    await store.remove(blob.storageKey);
    throw error;
  }
}

/** NOT_FOUND without the release, ALREADY_EXISTS when it has a file of that name, else undefined. */
async function existing(db: Db, releaseId: string, fileName: string): Promise<UploadOutcome | undefined> {
  const release = await db.selectFrom('releases').select('id').where('id', '=', releaseId).executeTakeFirst();
  if (!release) return { ok: false, code: 'NOT_FOUND' };
  const taken = await db
    .selectFrom('release_artifacts')
    .select('id')
    .where('release_id', '=', releaseId)
    .where('file_name', '=', fileName)
    .executeTakeFirst();
  return taken ? { ok: false, code: 'ALREADY_EXISTS', id: taken.id } : undefined;
}

export async function listArtifacts(db: Db, releaseId: string): Promise<Artifact[]> {
  const rows = await db
    .selectFrom('release_artifacts')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('file_name')
    .execute();
  return rows.map(toArtifact);
}

export type ArtifactWithStorage = Artifact & { storageKey: string };

export async function findArtifact(db: Db, id: string): Promise<ArtifactWithStorage | undefined> {
  const row = await db.selectFrom('release_artifacts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { ...toArtifact(row), storageKey: row.storage_key } : undefined;
}

function toArtifact(row: Selectable<ReleaseArtifactsTable>): Artifact {
  return {
    id: row.id,
    releaseId: row.release_id,
    fileName: row.file_name,
    contentType: row.content_type,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * `Content-Disposition` for a download: an ASCII fallback `filename` and the exact name as RFC 5987
 * `filename*` (UTF-8, percent-encoded), so no client can read a header break or a path out of it.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
