import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.
// Finer statistics on the search vectors: with the default 100 most-common lexemes the planner
// misjudges how many tickets a rare word matches and walks the id index backwards filtering a
// million rows instead of using the GIN index (staff search p95 0.8–0.9 s at 1M tickets; 59 ms
// with 1000, bench/RESULTS.md). Takes effect at the next ANALYZE (autovacuum runs it).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tickets ALTER COLUMN search_all SET STATISTICS 1000`.execute(db);
  await sql`ALTER TABLE tickets ALTER COLUMN search_public SET STATISTICS 1000`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tickets ALTER COLUMN search_all SET STATISTICS -1`.execute(db);
  await sql`ALTER TABLE tickets ALTER COLUMN search_public SET STATISTICS -1`.execute(db);
}
