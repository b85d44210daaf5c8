import type { Command } from 'commander';
import { type PurgeResult, purgeLapsedBackups } from '../server/systems/backup-purge.ts';
import { BackupStore } from '../server/systems/backup-store.ts';
import { withCliDatabase } from './cli-database.ts';
import { runAction } from './cli-io.ts';

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
  const result = await withCliDatabase(
    ({ db }, config) =>
      purgeLapsedBackups(db, new BackupStore(config.backupDir), new Date(), {
        dryRun: flags.dryRun === true,
      }),
    ': it purges on its own schedule',
  );
  process.stdout.write(`${flags.json === true ? JSON.stringify(result) : describe(result)}\n`);
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
