import { createHash, randomBytes } from 'node:crypto';

/**
 * License keys: `UPK-<prefix>-<secret>`, e.g. `UPK-7K2QX9MD-3F9T…` (Crockford base32, upper case).
 * The prefix (8 characters, 40 bits) is stored in clear so people and support can name a key; the
 * secret has 160 bits. Only SHA-256 of the whole key is stored. A fast hash is right here (unlike
 * passwords, which need scrypt): a key has 200 random bits, so there is nothing to guess by
 * brute force, and validation has to be cheap (it runs on every start of the licensed product).
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const KEY_PREFIX_LENGTH = 8;
const SECRET_LENGTH = 32;
const KEY_PATTERN = /^UPK-([0-9A-HJKMNP-TV-Z]{8})-([0-9A-HJKMNP-TV-Z]{32})$/;

export type NewLicenseKey = { key: string; prefix: string; keyHash: string };

function base32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += CROCKFORD[byte & 31];
  return out;
}

/** A new random key with its visible prefix and stored hash. */
export function generateLicenseKey(): NewLicenseKey {
  const prefix = base32(KEY_PREFIX_LENGTH);
  const key = `UPK-${prefix}-${base32(SECRET_LENGTH)}`;
  return { key, prefix, keyHash: hashLicenseKey(key) };
}

/** SHA-256 (hex) of the whole key as typed, after trimming and upper-casing. */
export function hashLicenseKey(key: string): string {
  return createHash('sha256').update(normaliseLicenseKey(key), 'utf8').digest('hex');
}

/** Keys are case-insensitive (people type them); surrounding white space is dropped. */
export function normaliseLicenseKey(key: string): string {
  return key.trim().toUpperCase();
}

/** True when the text has the shape of a key (does not say the key exists). */
export function isWellFormedLicenseKey(key: string): boolean {
  return KEY_PATTERN.test(normaliseLicenseKey(key));
}
