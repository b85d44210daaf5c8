import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { TermKind } from '../../src/core/contract/coverage.types.ts';
import { loadConfig } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { makeApp, testClock } from '../server/app-helpers.ts';
import { storePreset } from '../support/commerce-fixtures.ts';

/** An app whose artifact store is a fresh temp directory (removed by `cleanup`). */
export async function makeCatalogApp(
  db: Kysely<Database>,
  clock = testClock(),
  env: Record<string, string> = {},
): Promise<{ app: FastifyInstance; artifactDir: string; cleanup: () => Promise<void> }> {
  const artifactDir = mkdtempSync(join(tmpdir(), 'upkeep-artifacts-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    UPKEEP_DATA_DIR: '/nonexistent',
    UPKEEP_ARTIFACT_DIR: artifactDir,
    ...env,
  });
  const app = await makeApp(db, clock, { config });
  return {
    app,
    artifactDir,
    cleanup: async () => {
      await app.close();
      rmSync(artifactDir, { recursive: true, force: true });
    },
  };
}

export type TermFixture = { kind?: TermKind; startsOn: string; endsOn: string; givesService?: boolean };

/** A contract of the organisation for the product under a stored preset, with the given coverage terms. */
export async function createContract(
  db: Kysely<Database>,
  input: {
    organisationId: string;
    productId: string;
    planKey: string;
    purchasedOn: string;
    purchasedMajor?: number;
    terms: TermFixture[];
  },
): Promise<string> {
  const planVersionId = await storePreset(db, input.planKey);
  const id = newId('ctr');
  await db
    .insertInto('contracts')
    .values({
      id,
      organisation_id: input.organisationId,
      product_id: input.productId,
      plan_version_id: planVersionId,
      purchased_on: input.purchasedOn,
      currency: 'USD',
      list_price_minor: 10000,
      purchased_major: input.purchasedMajor ?? 1,
      compatibility_snapshot: null,
    })
    .execute();
  let seq = 1;
  for (const t of input.terms) {
    await db
      .insertInto('coverage_terms')
      .values({
        id: newId('trm'),
        contract_id: id,
        seq: seq++,
        kind: t.kind ?? (seq === 2 ? 'initial' : 'renewal'),
        starts_on: t.startsOn,
        ends_on: t.endsOn,
        gives_service: t.givesService ?? true,
        order_id: null,
      })
      .execute();
  }
  return id;
}
