import type { Config } from '../server/config.ts';
import { loadSealingKey, SealingError, type SealingKey } from '../server/secrets/sealing.ts';
import { CliError } from './cli-io.ts';

/** The server's sealing key for commands that write notices; a bad key or key file is INVALID_CONFIG. */
export async function loadCliSealingKey(config: Config): Promise<SealingKey> {
  try {
    return await loadSealingKey(config);
  } catch (error) {
    if (error instanceof SealingError) throw new CliError(error.message, 'INVALID_CONFIG');
    throw error;
  }
}
