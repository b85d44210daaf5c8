import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { testConfig } from '../server/app-helpers.ts';
import { createProduct, PRESET, storePreset } from '../support/commerce-fixtures.ts';

/** A config whose backups go to a fresh temporary directory. */
export async function backupConfig(overrides: Partial<Config> = {}): Promise<Config> {
  const backupDir = await mkdtemp(join(tmpdir(), 'upkeep-backups-'));
  return { ...testConfig, backupDir, ...overrides };
}

export type TermRow = {
  startsOn: string;
  endsOn: string;
  kind?: 'initial' | 'renewal';
  givesService?: boolean;
};

/**
 * A contract of the organisation under a stored preset (S4 by default) with the given coverage terms,
 * written directly (the purchase service is not what these tests are about).
 */
export async function createContractWithTerms(
  db: Kysely<Database>,
  organisationId: string,
  terms: TermRow[],
  planKey: string = PRESET.S4,
): Promise<string> {
  const planVersionId = await storePreset(db, planKey);
  const productId = await createProduct(db, { planKey });
  const id = newId('ctr');
  await db
    .insertInto('contracts')
    .values({
      id,
      organisation_id: organisationId,
      product_id: productId,
      plan_version_id: planVersionId,
      purchased_on: terms[0]?.startsOn ?? '2026-01-01',
      currency: 'USD',
      list_price_minor: 0,
      purchased_major: 1,
      compatibility_snapshot: null,
    })
    .execute();
  for (const [index, term] of terms.entries()) {
    await db
      .insertInto('coverage_terms')
      .values({
        id: newId('cvt'),
        contract_id: id,
        seq: index + 1,
        kind: term.kind ?? (index === 0 ? 'initial' : 'renewal'),
        starts_on: term.startsOn,
        ends_on: term.endsOn,
        gives_service: term.givesService ?? true,
        order_id: null,
      })
      .execute();
  }
  return id;
}
