import { randomBytes } from 'node:crypto';

/**
 * Prefixed, time-sortable ids: `pln_` + 26 Crockford base32 characters (a ULID: 48-bit
 * millisecond time, then 80 random bits). Sorting ids as strings sorts them by creation time
 * (to the millisecond); the prefix says what an id names when it shows up in a log or a URL.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX = /^[a-z][a-z0-9]{1,7}$/;

export function newId(
  prefix: string,
  now: number = Date.now(),
  random: Uint8Array = randomBytes(10),
): string {
  if (!PREFIX.test(prefix)) throw new Error(`id prefix "${prefix}" must be 2–8 lowercase letters or digits`);
  if (!Number.isSafeInteger(now) || now < 0 || now >= 2 ** 48)
    throw new RangeError(`id time ${now} out of range`);
  if (random.length !== 10) throw new RangeError('id randomness must be 10 bytes');
  return `${prefix}_${encodeTime(now)}${encodeRandom(random)}`;
}

/** 48 bits of time as 10 characters, most significant first. */
function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** 80 bits as 16 characters of 5 bits each. */
function encodeRandom(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** The creation time encoded in an id made by newId (for debugging and tests). */
export function idTime(id: string): number {
  const body = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let ms = 0;
  for (const char of body) {
    const digit = CROCKFORD.indexOf(char);
    if (digit < 0) throw new Error(`"${id}" is not an id made by newId`);
    ms = ms * 32 + digit;
  }
  return ms;
}
