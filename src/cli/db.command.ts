import type { Command } from 'commander';
import { type Config, loadConfig } from '../server/config.ts';
import { DataDirInUseError, DataDirUnusableError } from '../server/db/data-dir-lock.ts';
import { createDatabase, type DatabaseHandle } from '../server/db/database.ts';
import { MigrationFailedError, migrateToLatest, migrationStatus } from '../server/db/migrate.ts';
import { CliError, runAction } from './cli-io.ts';

type JsonOption = { json?: boolean };

export function registerDbCommands(program: Command): void {
  const db = program
    .command('db')
    .description('The database: embedded PGlite in UPKEEP_DATA_DIR, or PostgreSQL when DATABASE_URL is set.');
  db.command('migrate')
    .description('Apply every pending migration (all in one transaction; safe to repeat).')
    .option('--json', 'print the result as JSON')
    .action((options: JsonOption) => runAction(options.json === true, () => migrate(options.json === true)));
  db.command('status')
    .description('List the migrations and whether each is applied.')
    .option('--json', 'print the result as JSON')
    .action((options: JsonOption) => runAction(options.json === true, () => status(options.json === true)));
}

async function migrate(json: boolean): Promise<void> {
  await withDatabase(async (handle, where) => {
    const { applied } = await migrateToLatest(handle.db).catch((error: unknown) => {
      if (error instanceof MigrationFailedError) throw new CliError(error.message, 'MIGRATION_FAILED', 1);
      throw error;
    });
    if (json) return print({ backend: handle.backend, database: where, applied });
    if (applied.length === 0) return print(`Database is up to date (${handle.backend}, ${where}).`);
    print(`Applied ${applied.length} migration(s) on ${handle.backend} (${where}):`);
    for (const name of applied) print(`  ${name}`);
  });
}

async function status(json: boolean): Promise<void> {
  await withDatabase(async (handle, where) => {
    const migrations = await migrationStatus(handle.db);
    const pending = migrations.filter((m) => m.appliedAt === undefined).map((m) => m.name);
    if (json) return print({ backend: handle.backend, database: where, migrations, pending });
    print(
      `${handle.backend} (${where}): ${pending.length === 0 ? 'up to date' : `${pending.length} pending`}`,
    );
    for (const m of migrations) print(`  ${m.name.padEnd(32)} ${m.appliedAt ?? 'pending'}`);
  });
}

function print(value: unknown): void {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
}

/** Opens the configured database, runs `action`, always closes it; turns known faults into CLI errors. */
async function withDatabase(action: (handle: DatabaseHandle, where: string) => Promise<void>): Promise<void> {
  const config = readConfig();
  const where = config.databaseUrl ? redact(config.databaseUrl) : config.dataDir;
  const handle = await createDatabase(config).catch((error: unknown) => {
    if (error instanceof DataDirInUseError) {
      throw new CliError(`${error.message}: stop "upkeep serve" first`, 'DATA_DIR_LOCKED', 1);
    }
    if (error instanceof DataDirUnusableError) throw new CliError(error.message, 'DATA_DIR_UNUSABLE', 1);
    throw error;
  });
  try {
    await action(handle, where).catch((error: unknown) => {
      throw connectionError(error, where) ?? error;
    });
  } finally {
    await handle.close();
  }
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    throw new CliError((error as Error).message, 'INVALID_CONFIG');
  }
}

/** A PostgreSQL server that cannot be reached or refuses us is the operator's to fix: say so plainly. */
function connectionError(error: unknown, where: string): CliError | undefined {
  const code = (error as { code?: unknown }).code;
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'];
  const refusedByServer = ['28P01', '28000', '3D000']; // bad password, no such role, no such database
  if (typeof code !== 'string' || ![...network, ...refusedByServer].includes(code)) return undefined;
  return new CliError(
    `cannot use the database ${where}: ${(error as Error).message}`,
    'DATABASE_UNAVAILABLE',
    1,
  );
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
