import type { Command } from 'commander';
import { type Config, loadConfig } from '../server/config.ts';
import { DataDirInUseError, DataDirUnusableError } from '../server/db/data-dir-lock.ts';
import { createDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { type PurgeResult, purgeLapsedBackups } from '../server/systems/backup-purge.ts';
import { BackupStore } from '../server/systems/backup-store.ts';
import { CliError, runAction } from './cli-io.ts';

type PurgeFlags = { dryRun?: boolean; json?: boolean };

export function registerBackupCommands(program: Command): void {
  const group = program.command('backups').description('Configuration backups of customer systems (R4.5).');
  group
    .command('purge')
    .description(
      "Delete backups of subscriptions lapsed longer than their plan's backupRetentionDays (R4.3); audited. " +
        '`upkeep serve` also runs this every UPKEEP_BACKUP_PURGE_INTERVAL_SECONDS.',
    )
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .option('--json', 'print the result as JSON')
    .action((flags: PurgeFlags) => runAction(flags.json === true, () => purge(flags)));
}

async function purge(flags: PurgeFlags): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    throw new CliError((error as Error).message, 'INVALID_CONFIG');
  }
  const handle = await createDatabase(config).catch((error: unknown) => {
    if (error instanceof DataDirInUseError) {
      throw new CliError(
        `the embedded database ${error.dataDir} is in use by process ${error.pid} (a running "upkeep serve"? it purges on its own schedule)`,
        'DATA_DIR_LOCKED',
        1,
      );
    }
    if (error instanceof DataDirUnusableError) throw new CliError(error.message, 'DATA_DIR_UNUSABLE', 1);
    throw error;
  });
  try {
    await migrateToLatest(handle.db);
    const store = new BackupStore(config.backupDir);
    const result = await purgeLapsedBackups(handle.db, store, new Date(), { dryRun: flags.dryRun === true });
    process.stdout.write(`${flags.json === true ? JSON.stringify(result) : describe(result)}\n`);
  } finally {
    await handle.close();
  }
}

function describe(result: PurgeResult): string {
  const verb = result.dryRun ? 'would delete' : 'deleted';
  const lines = [
    `${verb} ${result.deleted.length} backup(s); ${result.contractsChecked} contract(s) with backups checked`,
  ];
  for (const b of result.deleted)
    lines.push(`  ${b.backupId}  system ${b.systemId}  contract ${b.contractId}`);
  return lines.join('\n');
}
