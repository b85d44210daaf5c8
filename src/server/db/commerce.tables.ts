import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from './database-types.ts';

/**
 * Row types of the commercial tables (migration 0004). Civil dates are 'YYYY-MM-DD' strings,
 * instants Date, money integer minor units (number; bigint columns are parsed to safe integers),
 * numeric columns strings (see type-parsers.ts).
 */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
type CivilDate = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;
type WithDefault<T> = ColumnType<T, T | undefined, T>;

export interface ProductsTable {
  id: string;
  slug: string;
  name: string;
  category: string;
  description: WithDefault<string>;
  plan_key: string;
  created_at: CreatedAt;
  archived_at: NullableTimestamp;
}

export interface ProductPricesTable {
  product_id: string;
  currency: string;
  amount_minor: number;
}

export interface ReleasesTable {
  id: string;
  product_id: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
  published_on: CivilDate;
  effective_on: CivilDate;
  notes: WithDefault<string>;
  created_at: CreatedAt;
}

export interface ReleaseArtifactsTable {
  id: string;
  release_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  created_at: CreatedAt;
}

export interface CompatibilityDeclarationsTable {
  id: string;
  product_id: string;
  effective_from: CivilDate;
  platforms: Json<unknown>;
  note: WithDefault<string>;
  created_at: CreatedAt;
}

export interface OrganisationsTable {
  id: string;
  name: string;
  external_ref: string | null;
  created_at: CreatedAt;
}

export interface OrganisationRestrictionsTable {
  id: string;
  organisation_id: string;
  kind: 'suspension' | 'revocation';
  reason: string;
  note: WithDefault<string>;
  revokes: ColumnType<string[], string[], string[]>;
  starts_at: Timestamp;
  recorded_by: string | null;
  lifted_at: NullableTimestamp;
  lifted_by: ColumnType<string | null, string | null | undefined, string | null>;
  lift_note: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface ContractsTable {
  id: string;
  organisation_id: string;
  product_id: string;
  plan_version_id: string;
  purchased_on: CivilDate;
  currency: string;
  list_price_minor: number;
  purchase_discount_minor: WithDefault<number>;
  purchased_major: number;
  compatibility_snapshot: ColumnType<unknown, string | null, never>;
  created_at: CreatedAt;
}

export type OrderKind = 'purchase' | 'renewal' | 'reinstatement' | 'added-users';

export interface OrdersTable {
  id: string;
  contract_id: string;
  kind: OrderKind;
  ordered_on: CivilDate;
  quote: Json<unknown>;
  created_by: string | null;
  created_at: CreatedAt;
}

export type TermKind = 'initial' | 'renewal' | 'backdated-gap' | 'reinstatement';

export interface CoverageTermsTable {
  id: string;
  contract_id: string;
  seq: number;
  kind: TermKind;
  starts_on: CivilDate;
  ends_on: CivilDate;
  gives_service: boolean;
  order_id: string | null;
  created_at: CreatedAt;
}

export interface NumberSequencesTable {
  name: string;
  next_value: number;
}

export interface InvoicesTable {
  id: string;
  number: string;
  organisation_id: string;
  order_id: string | null;
  currency: string;
  tax_mode: 'exclusive' | 'inclusive';
  subtotal_minor: number;
  tax_minor: number;
  total_minor: number;
  issued_on: CivilDate;
  due_on: CivilDate;
  issued_at: Timestamp;
}

export interface InvoiceLinesTable {
  id: string;
  invoice_id: string;
  seq: number;
  description: string;
  quantity_num: number;
  quantity_den: WithDefault<number>;
  unit_amount_minor: number;
  amount_minor: number;
  tax_rate_percent: ColumnType<string, string | number, never>;
  tax_minor: number;
  total_minor: number;
  period_start: CivilDate | null;
  period_end: CivilDate | null;
}

export interface InvoiceInstalmentsTable {
  invoice_id: string;
  seq: number;
  due_on: CivilDate;
  amount_minor: number;
}

export interface PaymentsTable {
  id: string;
  invoice_id: string;
  amount_minor: number;
  currency: string;
  received_at: Timestamp;
  method: WithDefault<string>;
  provider_ref: string | null;
  created_at: CreatedAt;
}

export interface CreditNotesTable {
  id: string;
  number: string;
  invoice_id: string;
  amount_minor: number;
  tax_minor: WithDefault<number>;
  currency: string;
  reason: string;
  eligibility: Json<unknown>;
  issued_on: CivilDate;
  issued_at: Timestamp;
  created_by: string | null;
}

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface LicensesTable {
  id: string;
  contract_id: string;
  created_at: CreatedAt;
}

export interface LicenseKeysTable {
  id: string;
  license_id: string;
  major: number;
  prefix: string;
  key_hash: string;
  issued_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface OutboxTable {
  id: string;
  topic: string;
  dedupe_key: string | null;
  organisation_id: string | null;
  recipient: string | null;
  payload: Json<unknown>;
  created_at: Timestamp;
  available_at: Timestamp;
  attempts: Generated<number>;
  last_error: string | null;
  delivered_at: NullableTimestamp;
}

export interface AuditEventsTable {
  id: string;
  at: Timestamp;
  action: string;
  actor_account_id: string | null;
  actor_api_key_id: string | null;
  organisation_id: string | null;
  subject_type: string;
  subject_id: string;
  outcome: WithDefault<string>;
  details: ColumnType<unknown, string | undefined, never>;
  client_ip: string | null;
}

/** The commercial tables, merged into the app's Database interface. */
export interface CommerceTables {
  products: ProductsTable;
  product_prices: ProductPricesTable;
  releases: ReleasesTable;
  release_artifacts: ReleaseArtifactsTable;
  compatibility_declarations: CompatibilityDeclarationsTable;
  organisations: OrganisationsTable;
  organisation_restrictions: OrganisationRestrictionsTable;
  contracts: ContractsTable;
  orders: OrdersTable;
  coverage_terms: CoverageTermsTable;
  number_sequences: NumberSequencesTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  invoice_instalments: InvoiceInstalmentsTable;
  payments: PaymentsTable;
  credit_notes: CreditNotesTable;
  idempotency_keys: IdempotencyKeysTable;
  licenses: LicensesTable;
  license_keys: LicenseKeysTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
}
