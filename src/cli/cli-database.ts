import { type Config, loadConfig } from '../server/config.ts';
import { DataDirInUseError, DataDirUnusableError } from '../server/db/data-dir-lock.ts';
import { createDatabase, type DatabaseHandle } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { CliError } from './cli-io.ts';

/**
 * Opens and migrates the configured database for a one-shot command, runs `action`, always closes it.
 * `whenLocked` ends the message that tells the operator a running `upkeep serve` holds the
 * embedded database (default ": stop it first").
 */
export async function withCliDatabase<T>(
  action: (handle: DatabaseHandle, config: Config) => Promise<T>,
  whenLocked = ': stop it first',
): Promise<T> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    throw new CliError((error as Error).message, 'INVALID_CONFIG');
  }
  const handle = await createDatabase(config).catch((error: unknown) => {
    if (error instanceof DataDirInUseError) {
      throw new CliError(
        `the embedded database ${error.dataDir} is in use by process ${error.pid} (a running "upkeep serve"?)${whenLocked}`,
        'DATA_DIR_LOCKED',
        1,
      );
    }
    if (error instanceof DataDirUnusableError) throw new CliError(error.message, 'DATA_DIR_UNUSABLE', 1);
    throw error;
  });
  try {
    await migrateToLatest(handle.db).catch((error: unknown) => {
      throw new CliError(
        `cannot prepare the database: ${(error as Error).message}`,
        'DATABASE_UNAVAILABLE',
        1,
      );
    });
    return await action(handle, config);
  } finally {
    await handle.close();
  }
}
