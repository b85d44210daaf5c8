import type { ColumnType } from 'kysely';
import type { AuthTables } from '../auth/auth.tables.ts';
import type { LicenseTables } from '../licenses/licenses.tables.ts';
import type { MailTables } from '../mail/mail.tables.ts';
import type { SystemsTables } from '../systems/systems.tables.ts';
import type { HelpDeskTables } from '../tickets/tickets.tables.ts';
import type { CommerceTables } from './commerce.tables.ts';

/**
 * Row types of every table, as Kysely sees them. Another part adds its tables by extending
 * `Database` (e.g. `export interface Database extends PlanTables, AuthTables, CommerceTables {}`).
 * Timestamps are read as Date on both backends (see type-parsers.ts).
 */

/** Set by the database on insert, never updated. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface PlansTable {
  key: string;
  name: string;
  created_at: CreatedAt;
}

export interface PlanVersionsTable {
  id: string;
  plan_key: string;
  version: number;
  /** The plan document as stored JSON; validated by the plan schema before it gets here. */
  document: ColumnType<unknown, string, never>;
  content_hash: string;
  created_at: CreatedAt;
}

export interface PlanTables {
  plans: PlansTable;
  plan_versions: PlanVersionsTable;
}

export interface Database
  extends PlanTables,
    AuthTables,
    CommerceTables,
    LicenseTables,
    SystemsTables,
    HelpDeskTables,
    MailTables {}
