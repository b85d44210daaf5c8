import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, it } from 'vitest';
import {
  type Backend,
  type DatabaseHandle,
  kyselyOverPglite,
  openPostgres,
  startPglite,
} from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';

/**
 * Runs the same tests on PGlite and, when DATABASE_URL is set, on PostgreSQL. Each test gets its
 * own migrated database: a fresh schema (dropped afterwards) on an in-memory PGlite shared by the
 * test file, or on the PostgreSQL server. Without DATABASE_URL the PostgreSQL half is reported
 * loudly; with CI=true it fails.
 *
 *   describeDb('plan versions', (getDb) => {
 *     it('…', async () => { const { db, backend } = getDb(); … });
 *   });
 */
export type TestDb = DatabaseHandle;

export type DescribeDbOptions = {
  /** Skip migrations (tests of the migrator itself). */
  migrate?: boolean;
};

export const DATABASE_URL = process.env.DATABASE_URL || undefined;
const ON_CI = process.env.CI === 'true';

export function describeDb(
  title: string,
  body: (getDb: () => TestDb) => void,
  options: DescribeDbOptions = {},
): void {
  for (const backend of ['pglite', 'postgres'] as const) {
    if (backend === 'postgres' && !DATABASE_URL) {
      postgresNotRun(title);
      continue;
    }
    describe(`${title} [${backend}]`, () => {
      let current: TestDb | undefined;
      beforeEach(async () => {
        current = await openTestDatabase(backend);
        const db = current.db;
        if (options.migrate !== false) await underCatalogLock(backend, () => migrateToLatest(db));
      });
      afterEach(async () => {
        await current?.close();
        current = undefined;
      });
      body(() => {
        if (!current) throw new Error('the test database is only available inside a test');
        return current;
      });
    });
  }
}

let warned = false;
/** Says loudly that the PostgreSQL half of `title` did not run (a failing test when CI=true). */
export function postgresNotRun(title: string): void {
  if (ON_CI) {
    describe(`${title} [postgres]`, () => {
      it('runs on PostgreSQL', () => {
        throw new Error(
          'CI=true but DATABASE_URL is not set: the PostgreSQL half of the database tests cannot run',
        );
      });
    });
    return;
  }
  if (warned) return;
  warned = true;
  console.warn(
    '\n⚠️  DATABASE_URL is not set: database tests ran on PGlite ONLY; the PostgreSQL half did NOT run.\n' +
      '   Run them both ways: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest run\n',
  );
}

/** One isolated database for one test, on the given backend. */
export async function openTestDatabase(backend: Backend): Promise<TestDb> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  if (backend === 'pglite') return openPgliteSchema(schema);
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set');
  const admin = adminPool();
  await admin.execute(`create schema ${schema}`);
  const handle = await openPostgres({
    connectionString: DATABASE_URL,
    searchPath: schema,
    maxConnections: 4,
  });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await underCatalogLock('postgres', () => admin.execute(`drop schema ${schema} cascade`));
    },
  };
}

/**
 * Starting PGlite costs 2–7 s when it runs initdb, 0.5–0.9 s from a dumped data directory, and a
 * schema ~60 ms (measured): one in-memory instance per test file, started from a template dump
 * cached in the temp directory, and a fresh schema per test as its search_path.
 */
let sharedPglite: Promise<PGlite> | undefined;

async function openPgliteSchema(schema: string): Promise<TestDb> {
  sharedPglite ??= templateDump().then((loadDataDir) => startPglite({ loadDataDir }));
  const pglite = await sharedPglite;
  await pglite.exec(`create schema ${schema}; set search_path to ${schema}`);
  // Not destroyed per test: Kysely's destroy() would close the shared instance.
  const db = kyselyOverPglite(pglite);
  return {
    db,
    backend: 'pglite',
    close: async () => {
      await pglite.exec(`set search_path to public; drop schema ${schema} cascade`);
    },
  };
}

/** A freshly initialised, empty data directory as a tarball, made once per PGlite version. */
async function templateDump(): Promise<Blob> {
  const pgliteEntry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const { version } = JSON.parse(readFileSync(join(dirname(pgliteEntry), '..', 'package.json'), 'utf8'));
  const path = join(tmpdir(), `upkeep-pglite-${version}-template.tar`);
  if (!existsSync(path)) {
    const fresh = await startPglite({});
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
    renameSync(partial, path); // atomic: parallel test files never read half a file
  }
  return new Blob([readFileSync(path)]);
}

/**
 * Kysely's migrator lists the tables of EVERY schema (with pg_get_serial_sequence per column);
 * a test file in another process dropping its schema at that moment makes the listing fail with
 * 42P01. Migrations and schema drops on the shared server therefore take one advisory lock.
 */
const CATALOG_LOCK = 724_201;

async function underCatalogLock<T>(backend: 'pglite' | 'postgres', work: () => Promise<T>): Promise<T> {
  if (backend === 'pglite') return work();
  const lock = adminPool();
  await lock.execute(`select pg_advisory_lock(${CATALOG_LOCK})`);
  try {
    return await work();
  } finally {
    await lock.execute(`select pg_advisory_unlock(${CATALOG_LOCK})`);
  }
}

type Admin = { execute(statement: string): Promise<void> };
let admin: (Admin & { close(): Promise<void> }) | undefined;

/** One small pool per test file creates and drops the per-test schemas. */
function adminPool(): Admin {
  if (admin) return admin;
  const opened = openPostgres({ connectionString: DATABASE_URL ?? '', maxConnections: 1 });
  admin = {
    execute: async (statement) => {
      const { db } = await opened;
      await sql.raw(statement).execute(db);
    },
    close: async () => (await opened).close(),
  };
  return admin;
}

afterAll(async () => {
  const pglite = await sharedPglite;
  sharedPglite = undefined;
  await pglite?.close();
  await admin?.close();
  admin = undefined;
});
