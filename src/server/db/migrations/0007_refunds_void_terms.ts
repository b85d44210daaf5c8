import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.
// A credit note that refunds an order's invoice in full voids the coverage terms that order bought
// (read side: src/server/contracts/contract-facts.ts). License validation caches coverage, so a
// credit note bumps the same cache epoch as every other write validation depends on (0005).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TRIGGER credit_notes_license_cache_epoch
    AFTER INSERT ON credit_notes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_license_cache_epoch()`.execute(db);
  await db.schema.createIndex('invoices_order_idx').on('invoices').column('order_id').execute();
  await db.schema.createIndex('credit_notes_invoice_idx').on('credit_notes').column('invoice_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('credit_notes_invoice_idx').execute();
  await db.schema.dropIndex('invoices_order_idx').execute();
  await sql`DROP TRIGGER credit_notes_license_cache_epoch ON credit_notes`.execute(db);
}
