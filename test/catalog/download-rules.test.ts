import { expect, it } from 'vitest';
import type { Viewer } from '../../src/server/auth/access.ts';
import { decideDownload } from '../../src/server/catalog/downloads.service.ts';
import { getRelease } from '../../src/server/catalog/releases.service.ts';
import { newId } from '../../src/server/db/ids.ts';
import { createOrganisation, createProduct, createRelease, PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { createContract, type TermFixture } from './catalog-fixtures.ts';

// "Today" is 2026-03-02 in every plan's zone at this instant.
const NOW = new Date('2026-03-02T12:00:00Z');

type Case = {
  name: string;
  preset: string;
  terms: TermFixture[];
  release: { publishedOn: string; effectiveOn?: string };
  revokes?: string[];
  allowed: boolean;
  reason: string;
};

const LAPSED_S0: TermFixture[] = [{ kind: 'initial', startsOn: '2025-01-10', endsOn: '2026-01-10' }];

const CASES: Case[] = [
  {
    name: 'R0.8 (S0): covered today, a release of the term downloads',
    preset: PRESET.S0,
    terms: [{ kind: 'initial', startsOn: '2025-06-01', endsOn: '2026-06-01' }],
    release: { publishedOn: '2026-02-01' },
    allowed: true,
    reason: 'COVERED',
  },
  {
    name: 'R0.3 (S0): lapsed, a release published while covered downloads (perpetual fallback)',
    preset: PRESET.S0,
    terms: LAPSED_S0,
    release: { publishedOn: '2025-05-01' },
    allowed: true,
    reason: 'FALLBACK_LICENSE',
  },
  {
    name: 'R0.8 (S0): lapsed, a release published after the lapse is refused',
    preset: PRESET.S0,
    terms: LAPSED_S0,
    release: { publishedOn: '2026-02-01' },
    allowed: false,
    reason: 'RELEASE_NOT_COVERED',
  },
  {
    name: 'R0.4 (S0): renewed with a backdated gap, a release published in the gap downloads (the gap is paid for)',
    preset: PRESET.S0,
    terms: [
      { kind: 'initial', startsOn: '2025-01-10', endsOn: '2026-01-10' },
      { kind: 'backdated-gap', startsOn: '2026-01-10', endsOn: '2026-02-20', givesService: false },
      { kind: 'renewal', startsOn: '2026-02-20', endsOn: '2027-01-10' },
    ],
    release: { publishedOn: '2026-02-01' },
    allowed: true,
    reason: 'COVERED',
  },
  {
    name: 'R0.8 (S2): covered today, downloads',
    preset: PRESET.S2,
    terms: [{ kind: 'initial', startsOn: '2026-01-01', endsOn: '2026-04-01' }],
    release: { publishedOn: '2026-02-01' },
    allowed: true,
    reason: 'COVERED',
  },
  {
    name: 'R0.8 (S2): lapsed, even a release of the old term is refused (no perpetual fallback)',
    preset: PRESET.S2,
    terms: [{ kind: 'initial', startsOn: '2025-06-01', endsOn: '2025-09-01' }],
    release: { publishedOn: '2025-07-01' },
    allowed: false,
    reason: 'LAPSED',
  },
  {
    name: 'R4.3 (S4): lapsed subscription, downloads stop',
    preset: PRESET.S4,
    terms: [{ kind: 'initial', startsOn: '2025-01-01', endsOn: '2026-01-01' }],
    release: { publishedOn: '2025-07-01' },
    allowed: false,
    reason: 'LAPSED',
  },
  {
    name: 'R0.8 (S1 all-releases): a release published long after the 6-month term downloads',
    preset: PRESET.S1,
    terms: [{ kind: 'initial', startsOn: '2025-01-10', endsOn: '2025-07-10' }],
    release: { publishedOn: '2026-02-01' },
    allowed: true,
    reason: 'PLAN_ALLOWS_ALL_RELEASES',
  },
  {
    name: 'R0.8 (S1): a release dated after today is not published yet',
    preset: PRESET.S1,
    terms: [{ kind: 'initial', startsOn: '2026-01-10', endsOn: '2026-07-10' }],
    release: { publishedOn: '2026-04-01' },
    allowed: false,
    reason: 'RELEASE_NOT_PUBLISHED',
  },
  {
    name: 'R1.3 (S1): a revocation of updates refuses downloads',
    preset: PRESET.S1,
    terms: [{ kind: 'initial', startsOn: '2026-01-10', endsOn: '2026-07-10' }],
    release: { publishedOn: '2026-02-01' },
    revokes: ['support', 'updates', 'refund'],
    allowed: false,
    reason: 'REVOKED',
  },
];

describeDb('catalog: the download rule per preset (R0.8)', (getDb) => {
  it.each(CASES)('$name', async (c) => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: c.preset });
    const releaseId = await createRelease(
      db,
      productId,
      '4.2.0',
      c.release.publishedOn,
      c.release.effectiveOn,
    );
    const organisationId = await createOrganisation(db);
    const startsOn = c.terms[0]?.startsOn ?? '2025-01-01';
    await createContract(db, {
      organisationId,
      productId,
      planKey: c.preset,
      purchasedOn: startsOn,
      terms: c.terms,
    });
    if (c.revokes) {
      await db
        .insertInto('organisation_restrictions')
        .values({
          id: newId('rst'),
          organisation_id: organisationId,
          kind: 'revocation',
          reason: 'ABUSIVE_LANGUAGE',
          revokes: c.revokes,
          starts_at: new Date('2026-02-15T00:00:00Z'),
          recorded_by: null,
        })
        .execute();
    }
    const viewer: Viewer = { kind: 'customer', accountId: 'acc_x', organisationId, role: 'customer-user' };
    const release = await getRelease(db, releaseId);
    const decision = await decideDownload(db, viewer, release!, NOW);
    expect({ allowed: decision.allowed, reason: decision.reason }).toEqual({
      allowed: c.allowed,
      reason: c.reason,
    });
    expect(decision.at).toBe('2026-03-02');
  });

  it('another organisation’s contract does not count: NO_CONTRACT', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const releaseId = await createRelease(db, productId, '1.0.0', '2026-02-01');
    const owner = await createOrganisation(db, 'Owner');
    await createContract(db, {
      organisationId: owner,
      productId,
      planKey: PRESET.S0,
      purchasedOn: '2026-01-01',
      terms: [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }],
    });
    const other = await createOrganisation(db, 'Other');
    const viewer: Viewer = {
      kind: 'customer',
      accountId: 'acc_y',
      organisationId: other,
      role: 'customer-admin',
    };
    const decision = await decideDownload(db, viewer, (await getRelease(db, releaseId))!, NOW);
    expect(decision).toMatchObject({ allowed: false, reason: 'NO_CONTRACT', contractId: null });
  });
});
