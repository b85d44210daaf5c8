import { describe, expect, it } from 'vitest';
import { idTime, newId } from '../../src/server/db/ids.ts';

describe('newId: prefixed, time-sortable ids', () => {
  it('is the prefix, an underscore and 26 Crockford base32 characters', () => {
    expect(newId('pln')).toMatch(/^pln_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('encodes the time in the first 10 characters (ULID layout)', () => {
    const zeros = new Uint8Array(10);
    expect(newId('pln', 0, zeros)).toBe(`pln_${'0'.repeat(26)}`);
    expect(newId('pln', 2 ** 48 - 1, new Uint8Array(10).fill(255))).toBe(`pln_7${'Z'.repeat(25)}`);
    expect(idTime(newId('tkt', 1_764_000_000_123))).toBe(1_764_000_000_123);
  });

  it('sorts by creation time as plain strings', () => {
    const times = [0, 1, 31, 32, 1_000_000, 1_764_000_000_000, 1_764_000_000_001, 2 ** 47];
    const ids = times.map((t) => newId('x1', t));
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it('does not repeat within a millisecond (80 random bits)', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('pln', 1)));
    expect(ids.size).toBe(1000);
  });

  it.each(['', 'P', 'pl-n', 'toolongprefix'])('refuses the prefix %j', (prefix) => {
    expect(() => newId(prefix)).toThrow(/prefix/);
  });
});
