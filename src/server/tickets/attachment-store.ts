import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the store kept: the server-chosen key, the byte count and the SHA-256 (lowercase hex). */
export type StoredAttachment = { storageKey: string; sizeBytes: number; sha256: string };

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{32}$/;
const TMP_DIR = '.incoming';

/**
 * Ticket attachments on disk (R2.2): one file per attachment under a name the server chose
 * (`<2 hex>/<32 hex>`, 128 random bits), never anything the uploader sent (LESSONS: name stored files
 * yourself). The bytes arrive whole (they were sniffed first), go to a temporary file in the same
 * directory tree and are renamed into place, so a half-written file never looks stored.
 */
export class AttachmentStore {
  constructor(readonly dir: string) {}

  async put(bytes: Uint8Array): Promise<StoredAttachment> {
    const hex = randomBytes(16).toString('hex');
    const storageKey = `${hex.slice(0, 2)}/${hex}`;
    await mkdir(join(this.dir, TMP_DIR), { recursive: true });
    await mkdir(join(this.dir, storageKey.slice(0, 2)), { recursive: true });
    const temporary = join(this.dir, TMP_DIR, `${hex}.part`);
    try {
      await writeFile(temporary, bytes, { flag: 'wx', mode: 0o640 });
      await rename(temporary, this.pathOf(storageKey));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return {
      storageKey,
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }

  /** The stored bytes, or undefined when the key holds nothing. */
  async open(storageKey: string): Promise<{ stream: ReadStream; sizeBytes: number } | undefined> {
    const path = this.pathOf(storageKey);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { stream: createReadStream(path), sizeBytes: info.size };
  }

  /** Deletes a stored file; one already gone is not an error. */
  async remove(storageKey: string): Promise<void> {
    await rm(this.pathOf(storageKey), { force: true });
  }

  private pathOf(storageKey: string): string {
    if (!KEY.test(storageKey))
      throw new Error(`not an attachment storage key: ${JSON.stringify(storageKey)}`);
    return join(this.dir, storageKey);
  }
}
