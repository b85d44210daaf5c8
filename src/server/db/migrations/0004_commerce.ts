import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.
// The commercial core: catalog, customers, contracts with append-only coverage terms, money,
// licenses and keys, the outbox and the audit log. Civil dates are `date`, instants `timestamptz`,
// money integer minor units (`bigint`) with an ISO currency.

export async function up(db: Kysely<unknown>): Promise<void> {
  await createCatalog(db);
  await createCustomers(db);
  await createContracts(db);
  await createMoney(db);
  await createLicenses(db);
  await createSupportTables(db);
  await createImmutabilityTriggers(db);
}

async function createCatalog(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // The plan new contracts for this product are sold under (its latest version at purchase).
    .addColumn('plan_key', 'text', (c) => c.notNull().references('plans.key'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('archived_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('product_prices')
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull().check(sql`amount_minor >= 0`))
    .addPrimaryKeyConstraint('product_prices_pkey', ['product_id', 'currency'])
    .execute();

  await db.schema
    .createTable('releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('major', 'integer', (c) => c.notNull().check(sql`major >= 0`))
    .addColumn('minor', 'integer', (c) => c.notNull().check(sql`minor >= 0`))
    .addColumn('patch', 'integer', (c) => c.notNull().check(sql`patch >= 0`))
    .addColumn('prerelease', 'text')
    .addColumn('published_on', 'date', (c) => c.notNull())
    // A patch of a covered version may count as of an earlier date (R0.3); defaults to published_on.
    .addColumn('effective_on', 'date', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('releases_product_version_key', ['product_id', 'version'])
    .addCheckConstraint('releases_effective_not_after_published', sql`effective_on <= published_on`)
    .execute();
  await db.schema
    .createIndex('releases_product_published_idx')
    .on('releases')
    .columns(['product_id', 'published_on'])
    .execute();

  await db.schema
    .createTable('release_artifacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull().check(sql`size_bytes >= 0`))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    // Where the artifact store keeps the bytes; a name the server chose, never the uploaded name.
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('release_artifacts_release_file_key', ['release_id', 'file_name'])
    .execute();

  // Platform compatibility (R1.2): append-only declarations; the one in force on D is the latest
  // with effective_from <= D.
  await db.schema
    .createTable('compatibility_declarations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('platforms', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('compatibility_product_from_key', ['product_id', 'effective_from'])
    .execute();
}

async function createCustomers(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // An external reference (CRM id, import key); unique when present, used by CSV imports.
    .addColumn('external_ref', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Customer accounts live in `accounts` with a customer role and their organisation.
  await sql`ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_role_check`.execute(db);
  await db.schema
    .alterTable('accounts')
    .addCheckConstraint(
      'accounts_role_check',
      sql`role in ('admin', 'agent', 'customer-admin', 'customer-user')`,
    )
    .execute();
  await db.schema
    .alterTable('accounts')
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    // R1.1 (S1): registered on the desk = the customer accepted the invitation (set a password or signed in).
    .addColumn('registered_at', 'timestamptz')
    // R1.1 (S1): the product-update mailing list; unsubscribing loses support where the plan says so.
    .addColumn('product_updates_subscribed', 'boolean', (c) => c.notNull().defaultTo(sql`true`))
    .addColumn('product_updates_changed_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('accounts')
    .addCheckConstraint(
      'accounts_customer_has_organisation',
      sql`(role in ('admin', 'agent')) = (organisation_id is null)`,
    )
    .execute();
  await db.schema.createIndex('accounts_organisation_idx').on('accounts').column('organisation_id').execute();

  // Suspensions and revocations with reasons and dates (R1.3, R1.4); lifting sets lifted_at.
  await db.schema
    .createTable('organisation_restrictions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('suspension', 'revocation')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('revokes', sql`text[]`, (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.references('accounts.id'))
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('lifted_by', 'text', (c) => c.references('accounts.id'))
    .addColumn('lift_note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('organisation_restrictions_org_idx')
    .on('organisation_restrictions')
    .column('organisation_id')
    .execute();
}

async function createContracts(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contracts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('plan_version_id', 'text', (c) => c.notNull().references('plan_versions.id'))
    .addColumn('purchased_on', 'date', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    // S2 (R0.5): renewals cost a percentage of the undiscounted list price recorded at purchase.
    .addColumn('list_price_minor', 'bigint', (c) => c.notNull())
    .addColumn('purchase_discount_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    // The major-version line the license was bought for (R0.3).
    .addColumn('purchased_major', 'integer', (c) => c.notNull())
    // R1.2: the compatibility declaration in force on the purchase date, copied.
    .addColumn('compatibility_snapshot', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // R0.2: one contract per customer per product.
    .addUniqueConstraint('contracts_one_per_customer_product', ['organisation_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('purchase', 'renewal', 'reinstatement', 'added-users')`),
    )
    .addColumn('ordered_on', 'date', (c) => c.notNull())
    // R0.6: every input and output of the price and term decision, so the order can be reproduced.
    .addColumn('quote', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('accounts.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('orders_contract_idx').on('orders').column('contract_id').execute();

  // Coverage is an append-only list of terms, never an overwritten expiry (LESSONS: Keygen).
  // Half-open [starts_on, ends_on); a 'backdated-gap' term is paid for but gives no service (R0.4).
  await db.schema
    .createTable('coverage_terms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
    .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('initial', 'renewal', 'backdated-gap', 'reinstatement')`),
    )
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('gives_service', 'boolean', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.references('orders.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('coverage_terms_contract_seq_key', ['contract_id', 'seq'])
    .addCheckConstraint('coverage_terms_positive', sql`ends_on > starts_on`)
    .execute();
}

async function createMoney(db: Kysely<unknown>): Promise<void> {
  // Gapless numbering (invoices, credit notes): the counter row is updated in the same transaction
  // as the document, so a rolled-back document gives its number back.
  await db.schema
    .createTable('number_sequences')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_value', 'bigint', (c) => c.notNull().check(sql`next_value >= 1`))
    .execute();

  await db.schema
    .createTable('invoices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('order_id', 'text', (c) => c.references('orders.id'))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('tax_mode', 'text', (c) => c.notNull().check(sql`tax_mode in ('exclusive', 'inclusive')`))
    .addColumn('subtotal_minor', 'bigint', (c) => c.notNull())
    .addColumn('tax_minor', 'bigint', (c) => c.notNull())
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('issued_on', 'date', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invoices_organisation_idx').on('invoices').column('organisation_id').execute();

  await db.schema
    .createTable('invoice_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // A rational quantity (prorations): numerator / denominator.
    .addColumn('quantity_num', 'bigint', (c) => c.notNull())
    .addColumn('quantity_den', 'bigint', (c) => c.notNull().defaultTo(1).check(sql`quantity_den > 0`))
    .addColumn('unit_amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    // The tax rate as it was on the day, e.g. '19' or '7.7' percent.
    .addColumn('tax_rate_percent', 'numeric', (c) => c.notNull())
    .addColumn('tax_minor', 'bigint', (c) => c.notNull())
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('period_start', 'date')
    .addColumn('period_end', 'date')
    .addUniqueConstraint('invoice_lines_invoice_seq_key', ['invoice_id', 'seq'])
    .execute();

  // R4.2: an annual S4 term paid monthly; instalments split by largest remainder.
  await db.schema
    .createTable('invoice_instalments')
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('invoice_instalments_pkey', ['invoice_id', 'seq'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull().check(sql`amount_minor > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().defaultTo('manual'))
    // The payment provider's own id; a provider retrying a webhook is deduplicated on it.
    .addColumn('provider_ref', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('payments_invoice_idx').on('payments').column('invoice_id').execute();

  // Refunds are credit notes against an invoice, never edits of it (R5.1).
  await db.schema
    .createTable('credit_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull().check(sql`amount_minor > 0`))
    .addColumn('tax_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('eligibility', 'jsonb', (c) => c.notNull())
    .addColumn('issued_on', 'date', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('accounts.id'))
    .execute();

  // Idempotency-Key on writes: the first response per (caller, key) is stored and replayed; the same
  // key with a different request is refused (LESSONS: Stripe).
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['principal', 'key'])
    .execute();
}

async function createLicenses(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('licenses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contract_id', 'text', (c) => c.notNull().unique().references('contracts.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One key per license and major-version line (R0.3); the full key is shown once, stored hashed.
  await db.schema
    .createTable('license_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
    .addColumn('major', 'integer', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addUniqueConstraint('license_keys_license_major_key', ['license_id', 'major'])
    .execute();
}

async function createSupportTables(db: Kysely<unknown>): Promise<void> {
  // Transactional outbox: written in the same transaction as the change; a worker delivers it.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    // Deduplicates a notice that a retried or re-run job would write twice.
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('recipient', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('available_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX outbox_pending_idx ON outbox (available_at) WHERE delivered_at IS NULL`.execute(db);

  // Who did what to which object: downloads, key issues, backup deletions, restrictions.
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_account_id', 'text')
    .addColumn('actor_api_key_id', 'text')
    .addColumn('organisation_id', 'text')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo('ok'))
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('client_ip', 'text')
    .execute();
  await db.schema
    .createIndex('audit_events_subject_idx')
    .on('audit_events')
    .columns(['subject_type', 'subject_id'])
    .execute();
  await db.schema
    .createIndex('audit_events_organisation_idx')
    .on('audit_events')
    .columns(['organisation_id', 'at'])
    .execute();
}

async function createImmutabilityTriggers(db: Kysely<unknown>): Promise<void> {
  // Issued money documents and coverage terms never change: refuse UPDATE, DELETE and TRUNCATE.
  await sql`
    CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% rows are immutable: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
    END;
    $$`.execute(db);
  for (const table of [
    'invoices',
    'invoice_lines',
    'invoice_instalments',
    'credit_notes',
    'payments',
    'coverage_terms',
    'audit_events',
  ]) {
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_immutable`)}
      BEFORE UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`.execute(db);
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_no_truncate`)}
      BEFORE TRUNCATE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_events',
    'outbox',
    'license_keys',
    'licenses',
    'idempotency_keys',
    'credit_notes',
    'payments',
    'invoice_instalments',
    'invoice_lines',
    'invoices',
    'number_sequences',
    'coverage_terms',
    'orders',
    'contracts',
    'organisation_restrictions',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`DROP FUNCTION refuse_change()`.execute(db);
  await db.schema.alterTable('accounts').dropConstraint('accounts_customer_has_organisation').execute();
  await db.schema.dropIndex('accounts_organisation_idx').execute();
  await db.schema
    .alterTable('accounts')
    .dropColumn('organisation_id')
    .dropColumn('registered_at')
    .dropColumn('product_updates_subscribed')
    .dropColumn('product_updates_changed_at')
    .execute();
  await sql`ALTER TABLE accounts DROP CONSTRAINT accounts_role_check`.execute(db);
  await db.schema
    .alterTable('accounts')
    .addCheckConstraint('accounts_role_check', sql`role in ('admin', 'agent')`)
    .execute();
  for (const table of ['organisations', 'compatibility_declarations', 'release_artifacts', 'releases']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropTable('product_prices').execute();
  await db.schema.dropTable('products').execute();
}
