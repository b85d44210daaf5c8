import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.
// The agent queue's order as one ascending key — (not top priority, next due or +infinity, id) — so
// a keyset cursor is one row comparison and a deep page is an index range scan, not a scan from the
// top (bench/RESULTS.md: the page after row 40 000 of 80 000 open tickets).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX tickets_queue_idx`.execute(db);
  await sql`
    CREATE INDEX tickets_queue_idx ON tickets
      ((NOT top_priority), (COALESCE(next_due_at, 'infinity'::timestamptz)), id)
      WHERE status IN ('new', 'open', 'waiting-on-customer')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX tickets_queue_idx`.execute(db);
  await sql`
    CREATE INDEX tickets_queue_idx ON tickets (top_priority DESC, next_due_at ASC NULLS LAST, id)
      WHERE status IN ('new', 'open', 'waiting-on-customer')`.execute(db);
}
