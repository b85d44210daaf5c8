import { type Kysely, sql } from 'kysely';

// Frozen: this migration never imports app code and never changes once released.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A disabled account keeps its row (and its history) but can no longer sign in or use its sessions.
  await db.schema.alterTable('accounts').addColumn('disabled_at', 'timestamptz').execute();
  // A session opened with a one-time link may set a new password without the current one (recovery).
  await db.schema
    .alterTable('sessions')
    .addColumn('via_one_time_link', 'boolean', (c) => c.notNull().defaultTo(sql`false`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('via_one_time_link').execute();
  await db.schema.alterTable('accounts').dropColumn('disabled_at').execute();
}
