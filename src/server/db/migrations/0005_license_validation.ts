import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.
// License keys that can be rotated (the old key stays, revoked, so validation can answer REVOKED),
// a cache epoch bumped by the database itself on every write license validation depends on, and the
// Ed25519 key that signs offline license files.

const EPOCH_TABLES = [
  'coverage_terms',
  'contracts',
  'licenses',
  'license_keys',
  'organisation_restrictions',
  'releases',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // R0.3: one ACTIVE key per license and major; rotated keys stay as revoked rows.
  await sql`ALTER TABLE license_keys DROP CONSTRAINT license_keys_license_major_key`.execute(db);
  await sql`
    CREATE UNIQUE INDEX license_keys_active_major_key ON license_keys (license_id, major)
    WHERE revoked_at IS NULL`.execute(db);

  // One row; any committed write to a table validation reads bumps it, so a cached snapshot older
  // than the epoch is reloaded. Statement-level: one bump per statement, not per row.
  await db.schema
    .createTable('license_cache_epoch')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO license_cache_epoch (id, epoch) VALUES (1, 1)`.execute(db);
  await sql`
    CREATE FUNCTION bump_license_cache_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE license_cache_epoch SET epoch = epoch + 1 WHERE id = 1;
      RETURN NULL;
    END;
    $$`.execute(db);
  for (const table of EPOCH_TABLES) {
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_license_cache_epoch`)}
      AFTER INSERT OR UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION bump_license_cache_epoch()`.execute(db);
  }

  // The Ed25519 key pair that signs offline license files; the newest row signs, older ones verify.
  await db.schema
    .createTable('license_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('private_key_pem', 'text', (c) => c.notNull())
    .addColumn('public_key_pem', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('license_signing_keys').execute();
  for (const table of EPOCH_TABLES) {
    await sql`DROP TRIGGER ${sql.raw(`${table}_license_cache_epoch`)} ON ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION bump_license_cache_epoch()`.execute(db);
  await db.schema.dropTable('license_cache_epoch').execute();
  await sql`DROP INDEX license_keys_active_major_key`.execute(db);
  await sql`
    ALTER TABLE license_keys ADD CONSTRAINT license_keys_license_major_key UNIQUE (license_id, major)`.execute(
    db,
  );
}
