import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

/** Migration files are `NNNN_snake_name.ts` in this folder; adding one needs no edit elsewhere. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const MIGRATION_FILE = /^(\d{4}_[a-z0-9_]+)\.ts$/;

/**
 * A migration failed. All pending migrations run in one transaction (PostgreSQL has transactional
 * DDL), so none of this run's migrations is applied: the database is as it was before the run.
 */
export class MigrationFailedError extends Error {
  constructor(
    readonly migrationName: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`migration ${migrationName} failed: ${reason} (no migration of this run was applied)`, { cause });
  }
}

export type MigrateResult = { applied: string[] };
export type MigrationState = { name: string; appliedAt: string | undefined };

/** Reads the folder on every call, so a newly added file is picked up without code changes. */
export class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string = MIGRATIONS_DIR) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const names = (await readdir(this.folder)).flatMap((file) => MIGRATION_FILE.exec(file)?.[1] ?? []).sort();
    const migrations: Record<string, Migration> = {};
    for (const name of names) {
      const module = (await import(
        pathToFileURL(join(this.folder, `${name}.ts`)).href
      )) as Partial<Migration>;
      if (typeof module.up !== 'function') throw new Error(`migration ${name} does not export up(db)`);
      migrations[name] = module as Migration;
    }
    return migrations;
  }
}

/**
 * The migrator keeps its bookkeeping tables in the connection's current schema. Kysely would
 * otherwise find them in any schema of the database, which breaks schema-per-test isolation.
 */
async function migratorFor<DB>(db: Kysely<DB>, folder?: string): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no current schema: check the search_path of the database connection');
  return new Migrator({ db, provider: new FolderMigrationProvider(folder), migrationTableSchema: schema });
}

/**
 * Applies every pending migration in order, all in one transaction under Kysely's migration lock
 * (so two servers starting at once do not both migrate); idempotent.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, folder?: string): Promise<MigrateResult> {
  const { error, results = [] } = await (await migratorFor(db, folder)).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration ran)';
    throw new MigrationFailedError(failed, error);
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Every known migration with the time it was applied, or undefined when pending. */
export async function migrationStatus<DB>(db: Kysely<DB>, folder?: string): Promise<MigrationState[]> {
  const infos = await (await migratorFor(db, folder)).getMigrations();
  return infos.map((info) => ({ name: info.name, appliedAt: info.executedAt?.toISOString() }));
}
