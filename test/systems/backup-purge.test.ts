import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { purgeLapsedBackups, startBackupPurgeScheduler } from '../../src/server/systems/backup-purge.ts';
import { BackupStore } from '../../src/server/systems/backup-store.ts';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { backupConfig, createContractWithTerms } from './systems-fixtures.ts';

// S4 preset: backupRetentionDays 90, zone America/New_York. Lapsed since 2026-01-01 (= lapsed day 1).
const LAPSED = [{ startsOn: '2025-01-01', endsOn: '2026-01-01' }];
const ACTIVE = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
const DAY_90 = new Date('2026-03-31T16:00:00Z');
const DAY_91 = new Date('2026-04-01T16:00:00Z');

async function backupOf(db: Kysely<Database>, store: BackupStore, orgId: string, contractId: string | null) {
  const systemId = newId('sys');
  await db
    .insertInto('systems')
    .values({ id: systemId, organisation_id: orgId, contract_id: contractId, name: 'PBX' })
    .execute();
  const stored = await store.put(Readable.from([Buffer.from(`config of ${systemId}`)]), 1024);
  const id = newId('bak');
  await db
    .insertInto('system_backups')
    .values({
      id,
      system_id: systemId,
      organisation_id: orgId,
      size_bytes: stored.sizeBytes,
      sha256: stored.sha256,
      storage_key: stored.storageKey,
      created_at: new Date('2025-06-01T00:00:00Z'),
    })
    .execute();
  return { id, path: join(store.dir, stored.storageKey) };
}

async function setup(db: Kysely<Database>) {
  const store = new BackupStore((await backupConfig()).backupDir);
  const orgId = await createOrganisation(db);
  const lapsedContract = await createContractWithTerms(db, orgId, LAPSED);
  const otherOrg = await createOrganisation(db, 'Beta');
  const activeContract = await createContractWithTerms(db, otherOrg, ACTIVE);
  const lapsed = await backupOf(db, store, orgId, lapsedContract);
  const active = await backupOf(db, store, otherOrg, activeContract);
  const unlinked = await backupOf(db, store, orgId, null);
  return { store, orgId, lapsedContract, lapsed, active, unlinked };
}

describeDb('scheduled deletion of backups (R4.3)', (getDb) => {
  it('R4.3 (S4): lapsed 90 days (the retention) keeps the backups; day 91 deletes only the lapsed contract’s, audited', async () => {
    const { db } = getDb();
    const { store, orgId, lapsedContract, lapsed, active, unlinked } = await setup(db);
    expect((await purgeLapsedBackups(db, store, DAY_90)).deleted).toEqual([]);

    const result = await purgeLapsedBackups(db, store, DAY_91);
    expect(result.deleted.map((d) => d.backupId)).toEqual([lapsed.id]);
    expect(result.deleted[0]).toMatchObject({ contractId: lapsedContract, organisationId: orgId });
    expect(existsSync(lapsed.path)).toBe(false);
    expect(existsSync(active.path)).toBe(true);
    expect(existsSync(unlinked.path)).toBe(true);
    const row = await db
      .selectFrom('system_backups')
      .selectAll()
      .where('id', '=', lapsed.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ deleted_at: DAY_91, deleted_reason: 'retention' });
    const audit = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'backup.deleted')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ subject_id: lapsed.id, organisation_id: orgId, actor_account_id: null });
    expect(audit[0]?.details).toMatchObject({
      reason: 'retention',
      contractId: lapsedContract,
      retentionDays: 90,
    });

    // Re-running deletes and audits nothing twice.
    expect((await purgeLapsedBackups(db, store, DAY_91)).deleted).toEqual([]);
    expect(
      await db.selectFrom('audit_events').select('id').where('action', '=', 'backup.deleted').execute(),
    ).toHaveLength(1);
  });

  it('R4.3 (S4): --dry-run reports what would be deleted and writes nothing', async () => {
    const { db } = getDb();
    const { store, lapsed } = await setup(db);
    const result = await purgeLapsedBackups(db, store, DAY_91, { dryRun: true });
    expect(result).toMatchObject({ dryRun: true, deleted: [{ backupId: lapsed.id }] });
    expect(existsSync(lapsed.path)).toBe(true);
    const row = await db
      .selectFrom('system_backups')
      .select('deleted_at')
      .where('id', '=', lapsed.id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).toBeNull();
    expect(await db.selectFrom('audit_events').select('id').execute()).toEqual([]);
  });

  it('R4.3: two purges at once (two processes) delete and audit each backup once', async () => {
    const { db, backend } = getDb();
    const { store, lapsed } = await setup(db);
    const [a, b] = await Promise.all([
      purgeLapsedBackups(db, store, DAY_91),
      purgeLapsedBackups(db, store, DAY_91),
    ]);
    expect([...a.deleted, ...b.deleted].map((d) => d.backupId)).toEqual([lapsed.id]);
    const audits = await db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'backup.deleted')
      .execute();
    expect(audits, backend).toHaveLength(1);
  });

  it('R4.3 (S4): within 14 days of deletion each customer-admin gets one backup.deletion-warning, however often the purge runs', async () => {
    const { db } = getDb();
    const { store, orgId, lapsedContract } = await setup(db);
    const admin = await signInCustomer(db, orgId, 'customer-admin');
    await signInCustomer(db, orgId, 'customer-user');
    const early = await purgeLapsedBackups(db, store, new Date('2026-03-10T16:00:00Z'));
    expect(early.warned).toEqual([]);
    const day79 = new Date('2026-03-20T16:00:00Z');
    const first = await purgeLapsedBackups(db, store, day79);
    expect(first.warned).toEqual([
      {
        contractId: lapsedContract,
        organisationId: orgId,
        deletesOn: '2026-04-01',
        recipients: [expect.stringContaining('customer-admin')],
      },
    ]);
    await purgeLapsedBackups(db, store, day79);
    const notices = await db
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', 'backup.deletion-warning')
      .execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.payload).toMatchObject({ contractId: lapsedContract, deletesOn: '2026-04-01' });
    const account = await db
      .selectFrom('accounts')
      .select('email')
      .where('id', '=', admin.accountId)
      .executeTakeFirstOrThrow();
    expect(notices[0]?.recipient).toBe(account.email);
    expect(first.deleted).toEqual([]);
  });

  it('R4.3: the scheduler serve starts purges on its interval; interval 0 is off', async () => {
    const { db } = getDb();
    const { store, lapsed } = await setup(db);
    const logged: string[] = [];
    const log = {
      info: (_: object, msg: string) => logged.push(msg),
      error: (_: object, msg: string) => logged.push(msg),
    };
    startBackupPurgeScheduler({ db, store, intervalSeconds: 0, clock: () => DAY_91, log }).stop();
    const scheduler = startBackupPurgeScheduler({ db, store, intervalSeconds: 1, clock: () => DAY_91, log });
    try {
      for (let i = 0; i < 40 && logged.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      scheduler.stop();
    }
    expect(existsSync(lapsed.path)).toBe(false);
    expect(logged).toEqual(['deleted backups past their retention (R4.3)']);
  });
});
