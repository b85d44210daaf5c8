import type { ColumnType } from 'kysely';

/** A timestamptz column: read as Date, written as Date. */
type Timestamp = ColumnType<Date, Date, Date>;

export interface AccountsTable {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent' | 'customer-admin' | 'customer-user';
  /** Null until the account sets a password (the first admin signs in with a one-time link). */
  password_hash: string | null;
  created_at: Timestamp;
  /** Set while the account is disabled: no sign-in, its sessions and the API keys it created are refused. */
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Set for customer accounts (customer-admin, customer-user), null for staff (a database check). */
  organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** R1.1 (S1): registered on the desk, i.e. the invitation was accepted. */
  registered_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** R1.1 (S1): on the product-update mailing list. */
  product_updates_subscribed: ColumnType<boolean, boolean | undefined, boolean>;
  product_updates_changed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The language notices are written in (migration 0011). */
  locale: ColumnType<string, string | undefined, string>;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  /** SHA-256 of the cookie token; the token itself is never stored. */
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** Opened with a one-time link: such a session may set a new password without the current one. */
  via_one_time_link: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** The short visible part of `upk_<prefix>_<secret>`, unique, used to find the row. */
  prefix: string;
  key_hash: string;
  scopes: ColumnType<string[], string[], string[]>;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: ColumnType<Date | null, Date | null, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null, Date | null>;
  /** Set for a key created for one customer system (migration 0006): it acts only for that system. */
  system_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OneTimeTokensTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: ColumnType<Date | null, Date | null, Date | null>;
}

/** The authentication tables, merged into the app's Database interface. */
export interface AuthTables {
  accounts: AccountsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  one_time_tokens: OneTimeTokensTable;
}
