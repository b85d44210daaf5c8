import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, diffPlans, planContentHash, sha256Hex } from '../../src/core/plan/plan.version.ts';
import { loadPreset, PRESET_NAMES } from './plan-helpers.ts';

describe('sha256Hex (@noble/hashes, for plan content hashes)', () => {
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

describe('planContentHash output is unchanged by the switch to @noble/hashes', () => {
  it('known vector: a fixed document hashes to the value the hand-written SHA-256 gave', () => {
    const doc = { name: 'x', b: [1, 'é'] } as unknown as Parameters<typeof planContentHash>[0];
    expect(canonicalJson(doc)).toBe('{"b":[1,"é"],"name":"x"}');
    expect(planContentHash(doc)).toBe(
      'sha256:6615a5a1d6ffc7adb8edc20eece0997cd3f94b934c54aca0eb2dfc1739380911',
    );
  });

  it('a preset hash is unchanged: business-sla as the hand-written SHA-256 gave it', () => {
    // Recompute with node:crypto (see below) if the preset's content is ever edited on purpose.
    expect(planContentHash(loadPreset('business-sla'))).toBe(
      'sha256:1158433626ae0092dd79b21887df4fc377bba469b76437e658aedb1fa4706bb4',
    );
  });

  it.each(PRESET_NAMES)('%s hashes to node:crypto SHA-256 of its canonical JSON', (name) => {
    const plan = loadPreset(name);
    const expected = createHash('sha256').update(canonicalJson(plan), 'utf8').digest('hex');
    expect(planContentHash(plan)).toBe(`sha256:${expected}`);
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
