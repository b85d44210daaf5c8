import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-io.ts';
import { renewFromCli, showContract } from '../../src/cli/contract.command.ts';
import { NO_TAX } from '../../src/core/pricing/index.ts';
import { purchaseContract } from '../../src/server/contracts/contract.service.ts';
import { createDatabase } from '../../src/server/db/database.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { testConfig, testSealingKey } from '../server/app-helpers.ts';
import { createOrganisation, createProduct, PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

const STAFF = { kind: 'staff', accountId: null, apiKeyId: null } as const;
const ctx = (now: Date) => ({ viewer: STAFF, clientIp: null, tax: NO_TAX, now, sealingKey: testSealingKey });

async function soldContract(db: Kysely<Database>, purchasedOn: string): Promise<string> {
  const organisationId = await createOrganisation(db);
  const productId = await createProduct(db, { planKey: PRESET.S0, category: 'professional' });
  const sold = await purchaseContract(
    db,
    { organisationId, productId, purchasedOn },
    ctx(new Date('2026-03-02T09:00:00Z')),
  );
  return sold.contractId;
}

describeDb('upkeep contract show / upkeep renew (service calls)', (getDb) => {
  it('R0.4 (S0): renew --quote prices without writing; renew writes and prints the invoice number', async () => {
    const { db } = getDb();
    const contractId = await soldContract(db, '2025-01-10');
    const printed: string[] = [];
    const out = (t: string) => printed.push(t);
    await renewFromCli(
      db,
      contractId,
      { quote: true, terms: '2' },
      ctx(new Date('2026-03-02T09:00:00Z')),
      out,
    );
    expect(printed[0]).toContain('Quote (renewal)');
    expect(printed[0]).toContain('$198.00');
    expect(printed[0]).toContain('backdated-gap 2026-01-10 → 2026-03-02 (no service)');
    const terms = await db.selectFrom('coverage_terms').select('id').execute();
    expect(terms).toHaveLength(1);
    await renewFromCli(db, contractId, {}, ctx(new Date('2026-03-02T09:00:00Z')), out);
    expect(printed[1]).toMatch(/^Renewed ctr_\w+: invoice INV-000002, \$99\.00; expires 2027-01-10\./);
    await showContract(db, contractId, {}, new Date('2026-03-02T09:00:00Z'), out);
    expect(printed[2]).toContain('Today 2026-03-02: active; covered until 2027-01-09 (expires 2027-01-10)');
    expect(printed[2]).toContain('INV-000002');
    await showContract(db, contractId, { json: true }, new Date(), out);
    expect(JSON.parse(printed[3] ?? '').id).toBe(contractId);
  });

  it('errors: an unknown contract exits 1 with NOT_FOUND; a refused renewal names the reason; --terms must be a number', async () => {
    const { db } = getDb();
    const contractId = await soldContract(db, '2026-01-10');
    const now = new Date('2026-03-02T09:00:00Z');
    await expect(showContract(db, 'ctr_missing', {}, now, () => {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 1,
    });
    await expect(renewFromCli(db, contractId, { terms: '9' }, ctx(now), () => {})).rejects.toMatchObject({
      code: 'RENEWAL_REFUSED',
      details: { reason: 'TOO_MANY_TERMS' },
    });
    await expect(renewFromCli(db, contractId, { terms: 'x' }, ctx(now), () => {})).rejects.toBeInstanceOf(
      CliError,
    );
  });
});

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'upkeep-contract-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('upkeep contract / renew (real processes on an embedded database)', () => {
  it('show --json and renew --quote --json read the contract a purchase wrote; an unknown id exits 1', async () => {
    const dataDir = join(dir, 'data');
    const handle = await createDatabase({ ...testConfig, dataDir, databaseUrl: undefined });
    await migrateToLatest(handle.db);
    const contractId = await soldContract(handle.db, '2026-01-10');
    await handle.close();
    const env: NodeJS.ProcessEnv = { ...process.env, UPKEEP_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/upkeep.js', ...args], { cwd: ROOT, env, encoding: 'utf8' });
    const shown = run('contract', 'show', contractId, '--json');
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: contractId, plan: { key: 'annual-maintenance' } });
    const quoted = run('renew', contractId, '--quote', '--json');
    expect(quoted.status).toBe(0);
    expect(JSON.parse(quoted.stdout)).toMatchObject({ kind: 'renewal', totals: { totalMinor: 9900 } });
    const missing = run('contract', 'show', 'ctr_missing');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no contract ctr_missing');
  }, 60_000);
});
