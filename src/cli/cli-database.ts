import { type Config, loadConfig } from '../server/config.ts';
import { DataDirInUseError, DataDirUnusableError } from '../server/db/data-dir-lock.ts';
import { createDatabase, type DatabaseHandle } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { CliError } from './cli-io.ts';

/** Opens and migrates the configured database for a one-shot command; the caller closes it. */
export async function openCliDatabase(): Promise<{ config: Config; handle: DatabaseHandle }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    throw new CliError((error as Error).message, 'INVALID_CONFIG');
  }
  const handle = await createDatabase(config).catch((error: unknown) => {
    if (error instanceof DataDirInUseError) {
      throw new CliError(
        `the embedded database ${error.dataDir} is in use by process ${error.pid} (a running "upkeep serve"? stop it first)`,
        'DATA_DIR_LOCKED',
        1,
      );
    }
    if (error instanceof DataDirUnusableError) throw new CliError(error.message, 'DATA_DIR_UNUSABLE', 1);
    throw error;
  });
  await migrateToLatest(handle.db);
  return { config, handle };
}
