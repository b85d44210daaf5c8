import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What the store kept: the server-chosen key, the byte count and the SHA-256 (lowercase hex). */
export type StoredBlob = { storageKey: string; sizeBytes: number; sha256: string };

/** A byte store keyed by names the server chooses; never by a name a client sent. */
export type ArtifactStore = {
  /**
   * Streams `source` in while hashing it; refuses (TooLargeError) beyond `maxBytes`, leaving nothing
   * behind and reading the rest of `source` to its end without keeping it.
   */
  put(source: Readable, options: { maxBytes: number }): Promise<StoredBlob>;
  /** The stored bytes, or undefined when the key holds nothing. */
  open(storageKey: string): Promise<{ stream: Readable; sizeBytes: number } | undefined>;
  remove(storageKey: string): Promise<void>;
};

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the upload is larger than ${maxBytes} bytes`);
    this.name = 'TooLargeError';
  }
}

const KEY = /^[0-9a-f]{32}$/;
const TMP_DIR = '.incoming';

/**
 * A directory store: each blob is one file named by 128 random bits. Uploads go to a temp file in the
 * same directory (so the final rename is atomic on one file system) and only become visible complete.
 */
export function directoryStore(dir: string): ArtifactStore {
  const pathOf = (key: string): string => {
    if (!KEY.test(key)) throw new Error(`not a storage key: ${JSON.stringify(key)}`);
    return join(dir, key);
  };
  return {
    async put(source, { maxBytes }) {
      await mkdir(join(dir, TMP_DIR), { recursive: true });
      const storageKey = randomBytes(16).toString('hex');
      const temp = join(dir, TMP_DIR, `${storageKey}.part`);
      const hash = createHash('sha256');
      let sizeBytes = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sizeBytes += chunk.length;
          if (sizeBytes > maxBytes) return done(new TooLargeError(maxBytes));
          hash.update(chunk);
          done(null, chunk);
        },
      });
      // The source is piped, not handed to pipeline(): refusing an upload must not destroy an HTTP
      // request's socket before the 413 answer goes out, so the rest of it is read and discarded.
      const written = pipeline(meter, createWriteStream(temp, { flags: 'wx', mode: 0o640 }));
      const onSourceError = (error: Error) => meter.destroy(error);
      source.once('error', onSourceError);
      source.pipe(meter);
      try {
        await written;
        await rename(temp, pathOf(storageKey));
      } catch (error) {
        source.unpipe(meter);
        source.resume();
        await rm(temp, { force: true });
        throw error;
      } finally {
        source.off('error', onSourceError);
      }
      return { storageKey, sizeBytes, sha256: hash.digest('hex') };
    },
    async open(storageKey) {
      const path = pathOf(storageKey);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      return { stream: createReadStream(path), sizeBytes: info.size };
    },
    async remove(storageKey) {
      await rm(pathOf(storageKey), { force: true });
    },
  };
}
