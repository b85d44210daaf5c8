import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { civilDateIn } from '../../src/core/contract/civil-date.ts';
import { coveredUntil } from '../../src/core/contract/coverage.queries.ts';
import type { CoverageTerm } from '../../src/core/contract/coverage.types.ts';
import { civilToday } from '../../src/server/licenses/civil-today.ts';
import {
  decideValidation,
  decideValidationMemo,
  type FoundSnapshot,
} from '../../src/server/licenses/license-decision.ts';
import { presetPlan } from '../support/commerce-fixtures.ts';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Pacific/Auckland',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
];

describe('civilToday (hot-path civil date)', () => {
  it('equals civilDateIn for any sequence of instants and zones (DST days, clocks jumping back)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
            fc.constantFrom(...ZONES),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (steps) => {
          for (const [ms, zone] of steps) {
            expect(civilToday(new Date(ms), zone)).toBe(civilDateIn(new Date(ms), zone));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

async function snapshot(planKey: string, terms: CoverageTerm[]): Promise<FoundSnapshot> {
  return {
    found: true,
    keyId: 'lkey_1',
    keyPrefix: 'ABCDEFGH',
    major: 4,
    revokedAt: null,
    licenseId: 'lic_1',
    contractId: 'ctr_1',
    organisationId: 'org_1',
    organisationName: 'Acme',
    productId: 'prd_1',
    productName: 'Product',
    plan: await presetPlan(planKey),
    purchasedOn: '2026-01-10',
    purchasedMajor: 4,
    terms,
    coveredUntil: coveredUntil(terms),
    restrictions: [],
    releases: [
      { id: 'r1', version: '4.1.0', major: 4, publishedOn: '2026-06-01', effectiveOn: '2026-06-01' },
      { id: 'r2', version: '4.3.0', major: 4, publishedOn: '2027-03-01', effectiveOn: '2027-03-01' },
    ],
  };
}

describe('decideValidationMemo', () => {
  it('R0.3/R4.3 (S0, S4): the remembered answer equals a fresh decision on every day asked, in any order', async () => {
    const terms: CoverageTerm[] = [
      { kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10', givesService: true },
    ];
    const snapshots = [
      await snapshot('annual-maintenance', terms),
      await snapshot('per-user-subscription', terms),
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            // Few distinct days (around the purchase, the expiry and later), so the memo is hit often.
            fc
              .tuple(
                fc.constantFrom(Date.UTC(2026, 0, 9), Date.UTC(2027, 0, 8), Date.UTC(2027, 2, 1)),
                fc.integer({ min: 0, max: 3 }),
                fc.integer({ min: 0, max: 86_399_999 }),
              )
              .map(([base, day, ms]) => base + day * 86_400_000 + ms),
            fc.constantFrom(undefined, '', '4.1.0', '4.3.0', '5.0.0', 'v4.1'),
            fc.constantFrom(undefined, ['app'], ['app', 'integrations']),
            fc.constantFrom(0, 1),
          ),
          { minLength: 1, maxLength: 60 },
        ),
        (calls) => {
          for (const [ms, version, features, which] of calls) {
            const s = snapshots[which] as FoundSnapshot;
            const now = new Date(ms);
            expect(decideValidationMemo(s, { version, features }, now)).toEqual(
              decideValidation(s, { version, features }, now),
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('R4.3 (S4): the same snapshot answers VALID before the expiry, EXPIRED after it, VALID again when asked about the earlier day', async () => {
    const s = await snapshot('per-user-subscription', [
      { kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10', givesService: true },
    ]);
    const at = (iso: string) => decideValidationMemo(s, {}, new Date(iso)).code;
    expect(at('2027-01-09T12:00:00Z')).toBe('VALID');
    // 2027-01-10 04:59 UTC is still 2027-01-09 in New York (the plan's zone); 05:00 is the expiry day.
    expect(at('2027-01-10T04:59:00Z')).toBe('VALID');
    expect(at('2027-01-10T05:00:00Z')).toBe('EXPIRED');
    expect(at('2027-01-09T13:00:00Z')).toBe('VALID');
  });

  it('R0.1 NOT_STARTED (S4): before the first term starts the key is not valid yet and features are off', async () => {
    const s = await snapshot('per-user-subscription', [
      { kind: 'initial', startsOn: '2026-03-01', endsOn: '2027-03-01', givesService: true },
    ]);
    const answer = decideValidation(s, {}, new Date('2026-02-15T15:00:00Z'));
    expect(answer).toMatchObject({ valid: false, code: 'NOT_STARTED', coveredUntil: '2027-02-28' });
    expect(Object.values(answer.features).every((on) => on === false)).toBe(true);
  });

  it('R1.3/R1.4 (S0): only a restriction revoking support or updates suspends the key; a refund-only one does not', async () => {
    const terms: CoverageTerm[] = [
      { kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10', givesService: true },
    ];
    const at = new Date('2026-07-01T10:00:00Z');
    const base = await snapshot('annual-maintenance', terms);
    const refundOnly = { ...base, restrictions: [{ revokes: ['refund' as const], reason: 'chargeback' }] };
    const updates = {
      ...base,
      restrictions: [{ revokes: ['updates' as const], reason: 'license-circumvention' }],
    };
    expect(decideValidation(refundOnly, {}, at).code).toBe('VALID');
    expect(decideValidation(updates, {}, at)).toMatchObject({
      valid: false,
      code: 'SUSPENDED',
      coveredUntil: '2027-01-09',
    });
  });

  it('R0.3 one key per license (S4, newMajorKeys none): a new major 8.0.0 is VALID while covered, EXPIRED after', async () => {
    const base = await snapshot('per-user-subscription', [
      { kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10', givesService: true },
    ]);
    const eight = {
      id: 'r8',
      version: '8.0.0',
      major: 8,
      publishedOn: '2026-08-01',
      effectiveOn: '2026-08-01',
    };
    const s = { ...base, releases: [...base.releases, eight] };
    expect(decideValidation(s, { version: '8.0.0' }, new Date('2026-09-01T12:00:00Z'))).toMatchObject({
      valid: true,
      code: 'VALID',
    });
    expect(decideValidation(s, { version: '8.0.0' }, new Date('2027-02-01T12:00:00Z')).code).toBe('EXPIRED');
  });

  it('R0.3 per-major keys (S0, newMajorKeys automatic): the major-4 key does not open 8.0.0', async () => {
    const base = await snapshot('annual-maintenance', [
      { kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10', givesService: true },
    ]);
    const eight = {
      id: 'r8',
      version: '8.0.0',
      major: 8,
      publishedOn: '2026-08-01',
      effectiveOn: '2026-08-01',
    };
    const s = { ...base, releases: [...base.releases, eight] };
    const at = new Date('2026-09-01T12:00:00Z');
    expect(decideValidation(s, { version: '8.0.0' }, at).code).toBe('VERSION_NOT_COVERED');
    expect(decideValidation(s, { version: '4.1.0' }, at).code).toBe('VALID');
  });

  it('R0.3 fallbackVersion only under a perpetual fallback: S0 names 4.1.0, S4 null', async () => {
    const terms: CoverageTerm[] = [
      { kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10', givesService: true },
    ];
    const at = new Date('2026-09-01T12:00:00Z');
    expect(decideValidation(await snapshot('annual-maintenance', terms), {}, at).fallbackVersion).toBe(
      '4.1.0',
    );
    expect(
      decideValidation(await snapshot('per-user-subscription', terms), {}, at).fallbackVersion,
    ).toBeNull();
  });

  it('R0.3 REVOKED and NOT_FOUND answers carry no coverage facts', async () => {
    const s = await snapshot('annual-maintenance', [
      { kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10', givesService: true },
    ]);
    const at = new Date('2026-07-01T10:00:00Z');
    const revoked = decideValidation(
      { ...s, revokedAt: new Date('2026-06-01T00:00:00Z') },
      { features: ['app'] },
      at,
    );
    expect(revoked).toEqual({
      valid: false,
      code: 'REVOKED',
      coveredUntil: null,
      expiresOn: null,
      fallbackVersion: null,
      features: { app: false },
      checkedAt: at.toISOString(),
    });
    expect(decideValidation({ found: false }, {}, at).code).toBe('NOT_FOUND');
  });
});
