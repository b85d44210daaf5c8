import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.
// S4 per-user subscriptions: the customer's system inventory (R4.1), API keys scoped to one system,
// and the configuration backups those systems upload (R4.5), deleted after the plan's retention
// once the subscription lapsed (R4.3).

const ITEM_KINDS = [
  'desk-phone',
  'cordless-phone',
  'conference-speakerphone',
  'extension',
  'app-user',
  'voicemail-box',
  'greeting-menu',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('systems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    // The subscription the system is counted under; null until it is linked to one.
    .addColumn('contract_id', 'text', (c) => c.references('contracts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('systems_organisation_idx').on('systems').column('organisation_id').execute();
  await db.schema.createIndex('systems_contract_idx').on('systems').column('contract_id').execute();

  // Items are removed softly (removed_at) so a past count can be explained.
  await db.schema
    .createTable('system_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in (${sql.join(ITEM_KINDS.map((k) => sql.lit(k)))})`),
    )
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('assigned_to', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('removed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('system_items_system_idx').on('system_items').column('system_id').execute();

  // A key created for one system may act only for that system (backup uploads, events).
  await db.schema
    .alterTable('api_keys')
    .addColumn('system_id', 'text', (c) => c.references('systems.id'))
    .execute();

  await db.schema
    .createTable('system_backups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('size_bytes', 'bigint', (c) => c.notNull().check(sql`size_bytes >= 0`))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    // A name the server chose in the backup store; never anything the uploader sent.
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('uploaded_by_api_key_id', 'text')
    .addColumn('uploaded_by_account_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    // Set when the file was deleted (retention after lapse, R4.3); the row stays as the record.
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('deleted_reason', 'text')
    .execute();
  await db.schema
    .createIndex('system_backups_system_idx')
    .on('system_backups')
    .columns(['system_id', 'created_at'])
    .execute();
  await sql`CREATE INDEX system_backups_live_idx ON system_backups (system_id) WHERE deleted_at IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('system_backups').execute();
  await db.schema.alterTable('api_keys').dropColumn('system_id').execute();
  await db.schema.dropTable('system_items').execute();
  await db.schema.dropTable('systems').execute();
}
