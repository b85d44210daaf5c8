import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, diffPlans, planContentHash } from '../../src/core/plan/plan.version.ts';
import { sha256Hex } from '../../src/core/plan/sha256.ts';
import { loadPreset } from './plan-helpers.ts';

describe('sha256Hex (pure, for plan content hashes)', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('FIPS 180-4 vector %j', (input, hex) => {
    expect(sha256Hex(input)).toBe(hex);
  });

  it('agrees with node:crypto on random text, including multi-byte and block boundaries', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('plan versions', () => {
  const plan = loadPreset('business-sla');

  it('the hash ignores key order (canonical JSON)', () => {
    const reordered = Object.fromEntries(Object.entries(plan).reverse()) as typeof plan;
    expect(canonicalJson(reordered)).toBe(canonicalJson(plan));
    expect(planContentHash(reordered)).toBe(planContentHash(plan));
    expect(planContentHash(plan)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('any edit gives a new hash and shows in the diff', () => {
    const edited = structuredClone(plan);
    edited.budgets[0]!.hours = 12;
    edited.name = 'Business SLA 2';
    expect(planContentHash(edited)).not.toBe(planContentHash(plan));
    expect(diffPlans(plan, edited)).toEqual([
      { path: 'budgets[0].hours', before: 10, after: 12 },
      { path: 'name', before: 'Business SLA', after: 'Business SLA 2' },
    ]);
    expect(diffPlans(plan, structuredClone(plan))).toEqual([]);
  });
});
