import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config.ts';

// Secrets that must rest in the database only until a worker uses them (a license key in an outbox
// notice, docs/licensing.md) are sealed with AES-256-GCM under a key that is NOT in the database:
// a dump alone reveals nothing. Format: sealed:v1:<kid>:<iv>:<ciphertext>:<tag> (base64url parts);
// the header `sealed:v1:<kid>` is authenticated too, so no part can be changed unnoticed.

/** A 32-byte AES-256-GCM key and its short id (derived from the key, named in every sealed text). */
export type SealingKey = Readonly<{ id: string; bytes: Buffer }>;

/** A sealed text that is malformed, sealed under a key not given, or tampered with. */
export class SealingError extends Error {
  override name = 'SealingError';
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 'sealed:v1:';
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Wraps 32 key bytes; the id is a hash of the key, so the same key always has the same id. */
export function sealingKeyOf(bytes: Buffer): SealingKey {
  if (bytes.length !== KEY_BYTES) {
    throw new SealingError(`a sealing key is ${KEY_BYTES} bytes, got ${bytes.length}`);
  }
  const id = createHash('sha256')
    .update('upkeep sealing key id\0')
    .update(bytes)
    .digest('base64url')
    .slice(0, 8);
  return Object.freeze({ id, bytes: Buffer.from(bytes) });
}

/** A fresh random key (the key file on first use; tests). */
export function generateSealingKey(): SealingKey {
  return sealingKeyOf(randomBytes(KEY_BYTES));
}

/** The key as text: base64url of its 32 bytes (UPKEEP_SEALING_KEY, the key file). */
export function encodeSealingKey(key: SealingKey): string {
  return key.bytes.toString('base64url');
}

/** Parses base64url of 32 bytes; `source` names where the text came from in the error. */
export function parseSealingKey(text: string, source: string): SealingKey {
  const trimmed = text.trim().replace(/=$/, '');
  if (!BASE64URL.test(trimmed) || trimmed.length !== 43) {
    throw new SealingError(`${source}: expected base64url of ${KEY_BYTES} bytes (43 characters)`);
  }
  return sealingKeyOf(Buffer.from(trimmed, 'base64url'));
}

/** Seals a secret: 'sealed:v1:<kid>:<iv>:<ciphertext>:<tag>', a fresh random IV every time. */
export function sealSecret(key: SealingKey, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${HEADER}${key.id}`));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return `${HEADER}${key.id}:${parts.join(':')}`;
}

/** True for text in the sealed format (it may still fail to open). */
export function isSealed(text: unknown): text is string {
  return typeof text === 'string' && text.startsWith(HEADER);
}

/**
 * Opens a sealed text with the key its id names (one key or several, e.g. during a key change).
 * Throws SealingError on a malformed text, an unknown key id, a wrong key or any tampering.
 */
export function openSealed(keys: SealingKey | readonly SealingKey[], sealed: string): string {
  const parts = sealed.split(':');
  if (parts.length !== 6 || !isSealed(sealed) || !parts.every((p) => BASE64URL.test(p))) {
    throw new SealingError('not a sealed secret (expected sealed:v1:<kid>:<iv>:<ciphertext>:<tag>)');
  }
  const [, , kid = '', ivText = '', bodyText = '', tagText = ''] = parts;
  const key = [keys].flat().find((k) => k.id === kid);
  if (!key) throw new SealingError(`sealed with key ${kid}, which is not among the sealing keys given`);
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SealingError('sealed secret is damaged (IV or tag of the wrong length)');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${HEADER}${kid}`));
    decipher.setAuthTag(tag);
    const body = Buffer.from(bodyText, 'base64url');
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SealingError(`sealed secret does not open with key ${kid}: wrong key or tampered with`);
  }
}

/**
 * The server's sealing key: UPKEEP_SEALING_KEY when set, else the key file (UPKEEP_SEALING_KEY_FILE,
 * default beside the data), created on first use with mode 0600. Creation uses the `wx` flag: when
 * two processes race, one creates the file and the other reads it.
 */
export async function loadSealingKey(config: Pick<Config, 'sealing'>): Promise<SealingKey> {
  const { keyText, keyFile } = config.sealing;
  if (keyText !== undefined) return parseSealingKey(keyText, 'UPKEEP_SEALING_KEY');
  const existing = await readKeyFile(keyFile);
  if (existing) return existing;
  const fresh = generateSealingKey();
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  try {
    await writeFile(keyFile, `${encodeSealingKey(fresh)}\n`, { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(keyFile, error);
  }
  // Another process created it between our read and our write: use its key.
  const winner = await readKeyFile(keyFile);
  if (!winner) throw new SealingError(`sealing key file ${keyFile} vanished while it was being created`);
  return winner;
}

/**
 * The key in the file, or undefined when there is no file. An empty file is one another process has
 * just created and not yet written: it is read again for up to a second before it counts as broken.
 */
async function readKeyFile(path: string): Promise<SealingKey | undefined> {
  for (let attempt = 0; ; attempt++) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fileError(path, error);
    }
    if (text.trim() !== '') return parseSealingKey(text, `sealing key file ${path}`);
    if (attempt >= 40) throw new SealingError(`sealing key file ${path} is empty`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function fileError(path: string, error: unknown): SealingError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new SealingError(`sealing key file ${path}: ${code}`);
}
