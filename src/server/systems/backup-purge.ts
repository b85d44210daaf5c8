import type { Kysely } from 'kysely';
import { type CivilDate, civilDateIn, daysBetween } from '../../core/contract/civil-date.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { ContractFacts } from '../contracts/contract-facts.ts';
import { loadContractFacts } from '../contracts/contract-facts.ts';
import type { Database } from '../db/database-types.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { backupDeletionDate, isPastBackupRetention } from './backup-access.ts';
import type { BackupStore } from './backup-store.ts';

export type PurgedBackup = { backupId: string; systemId: string; contractId: string; organisationId: string };
export type DeletionWarning = {
  contractId: string;
  organisationId: string;
  deletesOn: CivilDate;
  recipients: string[];
};
export type PurgeResult = {
  dryRun: boolean;
  contractsChecked: number;
  deleted: PurgedBackup[];
  /** Subscriptions whose backups go within WARNING_DAYS: their customer-admins get a notice, once. */
  warned: DeletionWarning[];
};

/** How many days before deletion the customer-admins are warned (backup.deletion-warning). */
export const WARNING_DAYS = 14;

/**
 * R4.3: deletes the backups of subscriptions lapsed for more than the plan's backupRetentionDays.
 * Each backup row is kept as the record (deleted_at, deleted_reason 'retention') with an audit event
 * 'backup.deleted'; its file is removed after the transaction commits. Safe to re-run and to run in
 * several processes at once: rows are claimed with FOR UPDATE SKIP LOCKED and only live rows are
 * touched, so each backup is deleted and audited once. `dryRun` reports what would go, writing nothing.
 */
export async function purgeLapsedBackups(
  db: Kysely<Database>,
  store: BackupStore,
  now: Date,
  options: { dryRun?: boolean } = {},
): Promise<PurgeResult> {
  const dryRun = options.dryRun === true;
  const contractIds = await contractsWithLiveBackups(db);
  const deleted: PurgedBackup[] = [];
  const warned: DeletionWarning[] = [];
  for (const contractId of contractIds) {
    const facts = await loadContractFacts(db, contractId);
    if (!facts) continue;
    const today = civilDateIn(now, facts.plan.calendar?.timeZone ?? 'UTC');
    if (!isPastBackupRetention(facts.plan, facts.terms, today)) {
      const warning = await warnBeforeDeletion(db, facts, today, now, dryRun);
      if (warning) warned.push(warning);
      continue;
    }
    const purged = dryRun
      ? await liveBackupsOf(db, contractId)
      : await deleteBackupsOf(db, store, contractId, facts.plan.lapse.backupRetentionDays, now);
    deleted.push(...purged);
  }
  return { dryRun, contractsChecked: contractIds.length, deleted, warned };
}

/**
 * Within WARNING_DAYS of deletion, a 'backup.deletion-warning' notice to each customer-admin of the
 * organisation: renewing keeps the backups (R4.4 backfills). The dedupe key makes it once per
 * admin and deletion date, however often the purge runs.
 */
async function warnBeforeDeletion(
  db: Kysely<Database>,
  facts: ContractFacts,
  today: CivilDate,
  now: Date,
  dryRun: boolean,
): Promise<DeletionWarning | undefined> {
  const deletesOn = backupDeletionDate(facts.plan, facts.terms, today);
  if (deletesOn === null || daysBetween(today, deletesOn) > WARNING_DAYS) return undefined;
  const { id: contractId, organisationId } = facts.contract;
  const admins = await db
    .selectFrom('accounts')
    .select(['id', 'email'])
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'customer-admin')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
  if (!dryRun) {
    for (const admin of admins) {
      await enqueueNotice(
        db,
        {
          topic: 'backup.deletion-warning',
          dedupeKey: `backup.deletion-warning:${contractId}:${deletesOn}:${admin.id}`,
          organisationId,
          recipient: admin.email,
          payload: {
            contractId,
            deletesOn,
            planKey: facts.plan.key,
            retentionDays: facts.plan.lapse.backupRetentionDays,
          },
        },
        now,
      );
    }
  }
  return { contractId, organisationId, deletesOn, recipients: admins.map((a) => a.email) };
}

async function contractsWithLiveBackups(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('system_backups')
    .innerJoin('systems', 'systems.id', 'system_backups.system_id')
    .select('systems.contract_id')
    .distinct()
    .where('system_backups.deleted_at', 'is', null)
    .where('systems.contract_id', 'is not', null)
    .orderBy('systems.contract_id')
    .execute();
  return rows.flatMap((r) => r.contract_id ?? []);
}

type LiveRow = { id: string; system_id: string; organisation_id: string; storage_key: string };

async function liveBackupsOf(db: Kysely<Database>, contractId: string): Promise<PurgedBackup[]> {
  const rows = await liveQuery(db, contractId).execute();
  return rows.map((r) => purged(r, contractId));
}

function liveQuery(db: Kysely<Database>, contractId: string) {
  return db
    .selectFrom('system_backups')
    .select([
      'system_backups.id',
      'system_backups.system_id',
      'system_backups.organisation_id',
      'system_backups.storage_key',
    ])
    .where('system_backups.deleted_at', 'is', null)
    .where('system_backups.system_id', 'in', (eb) =>
      eb.selectFrom('systems').select('systems.id').where('systems.contract_id', '=', contractId),
    )
    .orderBy('system_backups.id');
}

async function deleteBackupsOf(
  db: Kysely<Database>,
  store: BackupStore,
  contractId: string,
  retentionDays: number | undefined,
  now: Date,
): Promise<PurgedBackup[]> {
  const rows = await db.transaction().execute(async (trx) => {
    const claimed: LiveRow[] = await liveQuery(trx, contractId).forUpdate().skipLocked().execute();
    for (const row of claimed) {
      await trx
        .updateTable('system_backups')
        .set({ deleted_at: now, deleted_reason: 'retention' })
        .where('id', '=', row.id)
        .execute();
      await recordAudit(
        trx,
        {
          action: 'backup.deleted',
          viewer: null,
          organisationId: row.organisation_id,
          subjectType: 'backup',
          subjectId: row.id,
          details: { reason: 'retention', systemId: row.system_id, contractId, retentionDays },
        },
        now,
      );
    }
    return claimed;
  });
  // After the commit: a crash here leaves an orphan file, never a live row without its file.
  for (const row of rows) await store.remove(row.storage_key);
  return rows.map((r) => purged(r, contractId));
}

function purged(row: LiveRow, contractId: string): PurgedBackup {
  return { backupId: row.id, systemId: row.system_id, contractId, organisationId: row.organisation_id };
}

export type PurgeScheduler = { stop: () => void };

/**
 * Runs purgeLapsedBackups every `intervalSeconds` in this process (started by `upkeep serve`). Runs never
 * overlap here; several processes may each run it (see purgeLapsedBackups). A failed run is logged and
 * retried at the next tick. Does not keep the process alive.
 */
export function startBackupPurgeScheduler(input: {
  db: Kysely<Database>;
  store: BackupStore;
  intervalSeconds: number;
  clock?: () => Date;
  log: { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
}): PurgeScheduler {
  if (input.intervalSeconds <= 0) return { stop: () => {} };
  const clock = input.clock ?? (() => new Date());
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const result = await purgeLapsedBackups(input.db, input.store, clock());
      if (result.deleted.length > 0) {
        input.log.info({ deleted: result.deleted.length }, 'deleted backups past their retention (R4.3)');
      }
    } catch (error) {
      input.log.error({ err: error }, 'scheduled backup purge failed; retrying at the next tick');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), input.intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
