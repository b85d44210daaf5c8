import { describe, expect, it } from 'vitest';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  SCRYPT_COST,
  safeEqual,
  verifyPassword,
} from '../../src/server/auth/secrets.ts';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('stores scheme, parameters, salt and hash; equal passwords get different salts', async () => {
    const a = await hashPassword('s3cret', FAST);
    const b = await hashPassword('s3cret', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one, a changed hash and malformed hashes', async () => {
    const stored = await hashPassword('s3cret', FAST);
    expect(await verifyPassword('s3cret', stored)).toBe(true);
    expect(await verifyPassword('s3cret ', stored)).toBe(false);
    expect(
      await verifyPassword(
        's3cret',
        // The second-to-last base64 character: all six of its bits are hash bits (the last one's
        // low bits are padding, so flipping them may not change the decoded hash at all).
        stored.replace(/.(.)$/, (_m, last: string) => `${stored.at(-2) === 'A' ? 'B' : 'A'}${last}`),
      ),
    ).toBe(false);
    for (const bad of ['', 'plain', 'bcrypt$1$2$3$4$5', 'scrypt$1024$8$1$$']) {
      expect(await verifyPassword('s3cret', bad)).toBe(false);
    }
  });

  it('the default cost is OWASP’s scrypt minimum and the dummy hash matches no password', async () => {
    expect(SCRYPT_COST).toEqual({ N: 131072, r: 8, p: 1 });
    expect(await verifyPassword('', DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it('safeEqual compares exactly, including unequal lengths and the empty string', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'ab')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });
});
