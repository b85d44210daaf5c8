import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directoryStore, TooLargeError } from '../../src/server/catalog/artifact-store.ts';
import { checkFileName, contentDisposition } from '../../src/server/catalog/artifacts.service.ts';

/** A stream of `count` chunks of `size` bytes, with no length known up front (like a chunked upload). */
function chunks(count: number, size: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < count ? Buffer.alloc(size, sent) : null);
    },
  });
}

describe('artifact store (directory)', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'upkeep-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('put streams, hashes and names the blob itself; open gives the bytes back; remove deletes', async () => {
    const store = directoryStore(join(dir, 'nested', 'artifacts'));
    const data = Buffer.concat([Buffer.alloc(65_536, 1), Buffer.alloc(10, 2)]);
    const blob = await store.put(Readable.from([data.subarray(0, 65_536), data.subarray(65_536)]), {
      maxBytes: 1 << 20,
    });
    expect(blob).toEqual({
      storageKey: expect.stringMatching(/^[0-9a-f]{32}$/),
      sizeBytes: 65_546,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
    const opened = await store.open(blob.storageKey);
    expect(opened?.sizeBytes).toBe(65_546);
    const back = Buffer.concat(await opened!.stream.toArray());
    expect(back.equals(data)).toBe(true);
    await store.remove(blob.storageKey);
    expect(await store.open(blob.storageKey)).toBeUndefined();
  });

  it('over maxBytes while streaming: TooLargeError, no file left, the source read to its end', async () => {
    const store = directoryStore(dir);
    const source = chunks(50, 1000);
    await expect(store.put(source, { maxBytes: 10_000 })).rejects.toBeInstanceOf(TooLargeError);
    await new Promise((r) => setTimeout(r, 20));
    expect(source.readableEnded).toBe(true);
    expect(readdirSync(dir).filter((f) => !f.startsWith('.'))).toEqual([]);
    expect(readdirSync(join(dir, '.incoming'))).toEqual([]);
    expect((await store.put(chunks(10, 1000), { maxBytes: 10_000 })).sizeBytes).toBe(10_000);
  });

  it('a key that is not one the store made is refused, so no path can be read through it', async () => {
    const store = directoryStore(dir);
    await expect(store.open('../../etc/passwd')).rejects.toThrow('not a storage key');
    await expect(store.remove('..')).rejects.toThrow('not a storage key');
  });
});

describe('artifact file names and Content-Disposition', () => {
  it.each([
    ['setup.exe', { ok: true, fileName: 'setup.exe' }],
    ['  spaced name.zip  ', { ok: true, fileName: 'spaced name.zip' }],
    ['Cafe\u0301.zip', { ok: true, fileName: 'Café.zip' }],
    ['a/b.zip', { ok: false, reason: 'must not contain a slash or backslash' }],
    ['a\\b.zip', { ok: false, reason: 'must not contain a slash or backslash' }],
    ['tab\there', { ok: false, reason: 'must not contain control characters' }],
    ['evil\u202Eexe.txt', { ok: false, reason: 'must not contain control characters' }],
    ['..', { ok: false, reason: 'must not be . or ..' }],
    ['', { ok: false, reason: 'must not be empty' }],
    ['é'.repeat(200), { ok: true, fileName: 'é'.repeat(200) }],
    ['é'.repeat(201), { ok: false, reason: 'must be at most 200 characters' }],
  ])('checkFileName(%j)', (raw, expected) => {
    expect(checkFileName(raw)).toEqual(expected);
  });

  it('an ASCII fallback without quotes or header breaks, and the exact name in RFC 5987 form', () => {
    expect(contentDisposition('report "final"; v2.pdf')).toBe(
      `attachment; filename="report _final__ v2.pdf"; filename*=UTF-8''report%20%22final%22%3B%20v2.pdf`,
    );
    expect(contentDisposition("it's (1).zip")).toBe(
      `attachment; filename="it's (1).zip"; filename*=UTF-8''it%27s%20%281%29.zip`,
    );
  });
});
