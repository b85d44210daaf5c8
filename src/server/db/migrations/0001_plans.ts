import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('plan_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('plan_key', 'text', (c) => c.notNull().references('plans.key'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('plan_versions_plan_key_version_key', ['plan_key', 'version'])
    .addUniqueConstraint('plan_versions_plan_key_content_hash_key', ['plan_key', 'content_hash'])
    .execute();

  // A stored plan version never changes (contracts and tickets pin it): refuse UPDATE and DELETE.
  await sql`
    CREATE FUNCTION plan_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'plan_versions rows are immutable: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
    END;
    $$`.execute(db);
  await sql`
    CREATE TRIGGER plan_versions_immutable
    BEFORE UPDATE OR DELETE ON plan_versions
    FOR EACH ROW EXECUTE FUNCTION plan_versions_immutable()`.execute(db);
  await sql`
    CREATE TRIGGER plan_versions_no_truncate
    BEFORE TRUNCATE ON plan_versions
    FOR EACH STATEMENT EXECUTE FUNCTION plan_versions_immutable()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan_versions').execute();
  await sql`DROP FUNCTION plan_versions_immutable()`.execute(db);
  await db.schema.dropTable('plans').execute();
}
