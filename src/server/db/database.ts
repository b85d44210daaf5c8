import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, type PGliteDialectConfig, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import {
  acquireDataDirLock,
  DataDirInUseError,
  type DataDirLock,
  DataDirUnusableError,
} from './data-dir-lock.ts';
import type { Database } from './database-types.ts';
import { resultParsers } from './type-parsers.ts';

export type Backend = 'pglite' | 'postgres';

export type DatabaseHandle = {
  db: Kysely<Database>;
  backend: Backend;
  /** Destroys the Kysely instance, closes PGlite or the pool, and releases the data-directory lock. */
  close(): Promise<void>;
};

/**
 * PostgreSQL when `databaseUrl` is set, otherwise the embedded PGlite database in `dataDir`.
 * PGlite has a single connection: inside `db.transaction().execute(trx => …)` query through `trx`
 * only; a query on `db` there waits for the transaction to end, i.e. forever.
 */
export async function createDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  hooks: Pick<PostgresOptions, 'onIdleError'> = {},
): Promise<DatabaseHandle> {
  if (config.databaseUrl) return openPostgres({ connectionString: config.databaseUrl, ...hooks });
  return openPglite({ dataDir: config.dataDir });
}

export type PgliteOptions = {
  /** A directory (created if missing, locked against a second process), or 'memory' for a throwaway instance. */
  dataDir: string | 'memory';
};

export async function openPglite(options: PgliteOptions): Promise<DatabaseHandle> {
  const inMemory = options.dataDir === 'memory';
  let lock: DataDirLock | undefined;
  if (!inMemory) {
    try {
      mkdirSync(options.dataDir, { recursive: true });
      lock = acquireDataDirLock(options.dataDir);
    } catch (error) {
      if (error instanceof DataDirInUseError || !isFsError(error)) throw error;
      throw new DataDirUnusableError(options.dataDir, error);
    }
  }
  try {
    const pglite = await startPglite(inMemory ? {} : { dataDir: options.dataDir });
    const db = kyselyOverPglite(pglite);
    return { db, backend: 'pglite', close: closer(db, lock) };
  } catch (error) {
    lock?.release();
    // PGlite could not start on this directory (not a PGlite data directory, another version, damaged).
    if (!inMemory) throw new DataDirUnusableError(options.dataDir, error);
    throw error;
  }
}

function isFsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/**
 * A PGlite instance with our result parsers: in memory unless `dataDir` is given; `loadDataDir`
 * starts it from a dumped data directory instead of running initdb (the test harness does).
 */
export function startPglite(options: { dataDir?: string; loadDataDir?: Blob }): Promise<PGlite> {
  return PGlite.create({ ...options, parsers: resultParsers });
}

/** Kysely over a PGlite instance; destroying the Kysely instance closes PGlite. */
export function kyselyOverPglite(pglite: PGlite): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: syncAfterCommit(pglite) }) });
}

/** The subset of PGlite that Kysely's dialect uses. */
type KyselyPglite = Exclude<PGliteDialectConfig['pglite'], (...args: never[]) => unknown>;

/**
 * PGlite's transaction() returns after COMMIT without calling syncToFs() (electric-sql/pglite#1065),
 * while every top-level query does. Kysely commits through transaction(), so we sync after it.
 * With a data directory PGlite uses NODEFS, which writes through to the OS on every write and whose
 * syncToFs() is a no-op, so this costs nothing today; it keeps the guarantee if the file system
 * layer changes. test/db/durability.test.ts proves acknowledged commits survive kill -9.
 */
function syncAfterCommit(pglite: PGlite): KyselyPglite {
  return {
    get closed() {
      return pglite.closed;
    },
    get ready() {
      return pglite.ready;
    },
    waitReady: pglite.waitReady,
    close: () => pglite.close(),
    query: (query, params, options) => pglite.query(query, params, options),
    transaction: async (callback) => {
      const result = await pglite.transaction(callback);
      await pglite.syncToFs();
      return result;
    },
  };
}

export type PostgresOptions = {
  connectionString: string;
  /** Every connection of the pool runs with this search_path (the test harness gives each test a schema). */
  searchPath?: string;
  maxConnections?: number;
  /**
   * Called when an idle pooled connection breaks (server restart, network cut). The pool drops
   * that connection and the next query opens a new one; without a listener node-postgres would
   * crash the process with an unhandled 'error' event.
   */
  onIdleError?: (error: Error) => void;
};

export async function openPostgres(options: PostgresOptions): Promise<DatabaseHandle> {
  const settings = ['-c TimeZone=UTC'];
  if (options.searchPath) settings.push(`-c search_path=${options.searchPath}`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    options: settings.join(' '),
    max: options.maxConnections ?? 10,
    types: { getTypeParser: postgresTypeParser as typeof pg.types.getTypeParser },
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, backend: 'postgres', close: closer(db, undefined) };
}

/** node-postgres asks for a parser per OID and format; ours first, pg's defaults for everything else. */
function postgresTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
  const parser = format === 'binary' ? undefined : resultParsers[oid];
  return parser ?? pg.types.getTypeParser(oid, format ?? 'text');
}

function closer(db: Kysely<Database>, lock: DataDirLock | undefined): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= db.destroy().finally(() => lock?.release());
    return closing;
  };
}
