import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Configuration backups on disk (R4.5): one file per backup under a name the server chose
 * (`<2 hex>/<32 hex>`), never anything the uploader sent. Bytes are streamed to a temporary file
 * while hashed and counted, then renamed into place, so a half-written upload never looks stored.
 */
export type StoredFile = { storageKey: string; sizeBytes: number; sha256: string };

export class BackupTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the backup is larger than ${maxBytes} bytes`);
  }
}

export class BackupStore {
  constructor(readonly dir: string) {}

  /** Streams `source` into the store; refuses more than `maxBytes` (nothing is kept then). */
  async put(source: NodeJS.ReadableStream, maxBytes: number): Promise<StoredFile> {
    const storageKey = newStorageKey();
    const target = this.pathOf(storageKey);
    await mkdir(join(this.dir, storageKey.slice(0, 2)), { recursive: true });
    const temporary = join(this.dir, `.upload-${randomBytes(8).toString('hex')}`);
    const meter = new HashingMeter(maxBytes);
    const written = pipeline(meter, createWriteStream(temporary, { flags: 'wx' }));
    // The source is piped, not part of the pipeline: a refused upload must not destroy the request
    // (that would reset the connection before the 413 is sent); it is drained instead.
    source.on('error', (error) => meter.destroy(error));
    source.pipe(meter);
    try {
      await written;
      await rename(temporary, target);
    } catch (error) {
      source.unpipe(meter);
      source.resume();
      await rm(temporary, { force: true });
      throw error;
    }
    return { storageKey, sizeBytes: meter.size, sha256: meter.digest() };
  }

  open(storageKey: string): ReadStream {
    return createReadStream(this.pathOf(storageKey));
  }

  /** Deletes a stored file; a file already gone is not an error (purges may be re-run). */
  async remove(storageKey: string): Promise<void> {
    await rm(this.pathOf(storageKey), { force: true });
  }

  private pathOf(storageKey: string): string {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{32}$/.test(storageKey))
      throw new Error(`bad backup storage key ${storageKey}`);
    return join(this.dir, storageKey);
  }
}

function newStorageKey(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 2)}/${hex}`;
}

/** Passes bytes through, hashing and counting them; fails once more than `maxBytes` went by. */
class HashingMeter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      done(new BackupTooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
