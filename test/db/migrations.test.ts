import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { MigrationFailedError, migrateToLatest, migrationStatus } from '../../src/server/db/migrate.ts';
import { describeDb } from '../support/db-harness.ts';

// A throwaway migrations folder: files without imports, so they load from anywhere.
const folder = mkdtempSync(join(tmpdir(), 'upkeep-migrations-'));
writeFileSync(
  join(folder, '0001_first.ts'),
  `export async function up(db) { await db.schema.createTable('first_t').addColumn('id', 'text').execute(); }
   export async function down(db) { await db.schema.dropTable('first_t').execute(); }`,
);
writeFileSync(
  join(folder, '0002_broken.ts'),
  `export async function up(db) { await db.schema.createTable('first_t').addColumn('id', 'text').execute(); }`,
);
writeFileSync(join(folder, 'README.md'), 'not a migration');
writeFileSync(join(folder, '0003_helper.test.ts'), 'throw new Error("not a migration either")');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describeDb(
  'migrations',
  (getDb) => {
    it('migrate applies every migration of src/server/db/migrations, in order, the first being 0001_plans', async () => {
      const { db } = getDb();
      const { applied } = await migrateToLatest(db);
      expect(applied[0]).toBe('0001_plans');
      expect(applied).toEqual([...applied].sort());
      const status = await migrationStatus(db);
      expect(status.map((s) => s.name)).toEqual(applied);
      expect(status.every((s) => s.appliedAt !== undefined)).toBe(true);
    });

    it('migrate is idempotent: a second run applies nothing and changes nothing', async () => {
      const { db } = getDb();
      await migrateToLatest(db);
      expect(await migrateToLatest(db)).toEqual({ applied: [] });
    });

    it('two migrations started at once (two servers starting) apply each migration once', async () => {
      const { db } = getDb();
      const [a, b] = await Promise.all([migrateToLatest(db), migrateToLatest(db)]);
      const all = (await migrationStatus(db)).map((m) => m.name);
      expect([a.applied, b.applied].sort((x, y) => y.length - x.length)).toEqual([all, []]);
    });

    it('status lists pending migrations before they run', async () => {
      const { db } = getDb();
      const status = await migrationStatus(db);
      expect(status[0]).toEqual({ name: '0001_plans', appliedAt: undefined });
    });

    it('a failing migration is named in the error, and the whole run is rolled back', async () => {
      const { db } = getDb();
      const failure = await migrateToLatest(db, folder).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationFailedError);
      expect(failure).toMatchObject({ migrationName: '0002_broken' });
      expect((failure as Error).message).toMatch(/^migration 0002_broken failed: .*first_t.*already exists/);
      const status = await migrationStatus(db, folder);
      expect(status).toEqual([
        { name: '0001_first', appliedAt: undefined },
        { name: '0002_broken', appliedAt: undefined },
      ]);
      await expect(sql`select * from first_t`.execute(db)).rejects.toThrow(/first_t/);
    });
  },
  { migrate: false },
);
