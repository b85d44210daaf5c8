import type { ColumnType } from 'kysely';
import type { CreatedAt } from '../db/database-types.ts';

/** Row types of the S4 systems tables (migration 0006). */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
type NullableText = ColumnType<string | null, string | null | undefined, string | null>;

export interface SystemsTable {
  id: string;
  organisation_id: string;
  contract_id: NullableText;
  name: string;
  created_at: CreatedAt;
}

export interface SystemItemsTable {
  id: string;
  system_id: string;
  kind: string;
  label: string;
  assigned_to: NullableText;
  created_at: CreatedAt;
  removed_at: NullableTimestamp;
}

export interface SystemBackupsTable {
  id: string;
  system_id: string;
  organisation_id: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by_api_key_id: NullableText;
  uploaded_by_account_id: NullableText;
  created_at: Timestamp;
  deleted_at: NullableTimestamp;
  deleted_reason: NullableText;
}

/** The systems tables, merged into the app's Database interface. */
export interface SystemsTables {
  systems: SystemsTable;
  system_items: SystemItemsTable;
  system_backups: SystemBackupsTable;
}
