import type { ColumnType, Generated } from 'kysely';

/** Row types of the help-desk tables (migration 0008). */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
type NullableText = ColumnType<string | null, string | null | undefined, string | null>;
type NullableInt = ColumnType<number | null, number | null | undefined, number | null>;
type Json = ColumnType<unknown, string | undefined, string>;
type TsVector = ColumnType<string, never, never>;

export interface TicketsTable {
  id: string;
  number: ColumnType<string, never, never>;
  organisation_id: string;
  product_id: string;
  contract_id: NullableText;
  plan_version_id: string;
  calendar_hash: string;
  category_id: string;
  impact: NullableText;
  priority: string;
  top_priority: ColumnType<boolean, boolean | undefined, boolean>;
  channel: string;
  status: string;
  billable: ColumnType<boolean, boolean | undefined, boolean>;
  hourly_rate_minor: NullableInt;
  hourly_rate_currency: NullableText;
  requester_account_id: NullableText;
  created_by_account_id: NullableText;
  subject: string;
  environment: Json;
  platform: NullableText;
  platform_version: NullableText;
  assignee_account_id: NullableText;
  assigned_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_public_message_at: Timestamp;
  first_resolved_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  close_reason: NullableText;
  close_note: NullableText;
  out_of_scope_key: NullableText;
  merged_into_id: NullableText;
  follow_up_of_id: NullableText;
  known_issue_id: NullableText;
  next_due_at: NullableTimestamp;
  sla_state: ColumnType<string, string | undefined, string>;
  search_public: TsVector;
  search_all: TsVector;
}

export interface TicketMessagesTable {
  id: string;
  ticket_id: string;
  author_account_id: NullableText;
  author_kind: string;
  visibility: string;
  body: string;
  created_at: Timestamp;
}

export interface TicketAttachmentsTable {
  id: string;
  ticket_id: string;
  message_id: NullableText;
  storage_key: string;
  original_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by_account_id: NullableText;
  created_at: Timestamp;
}

export interface TicketLinksTable {
  id: string;
  ticket_id: string;
  linked_ticket_id: string;
  kind: string;
  created_by_account_id: NullableText;
  created_at: Timestamp;
}

export interface SlaClocksTable {
  ticket_id: string;
  metric: string;
  cycle: number;
  clock: string;
  binding: string;
  within: string;
  target_seconds: number;
  consumed_seconds: number;
  running_since: NullableTimestamp;
  stopped_at: NullableTimestamp;
  due_at: NullableTimestamp;
  breached_after: NullableTimestamp;
  warn_at: NullableTimestamp;
  warned_at: NullableTimestamp;
  breached_at: NullableTimestamp;
}

export interface SlaEventsTable {
  id: string;
  ticket_id: string;
  metric: string;
  cycle: number;
  kind: string;
  at: Timestamp;
}

export interface IntakeRefusalsTable {
  id: string;
  organisation_id: string;
  product_id: NullableText;
  contract_id: NullableText;
  requester_account_id: NullableText;
  channel: string;
  reason: string;
  message: string;
  subject: string;
  body: string;
  created_at: Timestamp;
}

export interface TicketFlagsTable {
  id: string;
  ticket_id: NullableText;
  message_id: NullableText;
  organisation_id: string;
  kind: string;
  detail: Json;
  status: ColumnType<string, string | undefined, string>;
  restriction_id: NullableText;
  created_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: NullableText;
}

export interface TicketEstimatesTable {
  id: string;
  ticket_id: string;
  minutes: number;
  note: string;
  proposed_by: NullableText;
  proposed_at: Timestamp;
  agreed_by: NullableText;
  agreed_at: NullableTimestamp;
}

export interface TimeEntriesTable {
  id: string;
  ticket_id: string;
  contract_id: NullableText;
  account_id: NullableText;
  category_id: string;
  minutes: number;
  work_date: string;
  note: string;
  created_at: Timestamp;
}

export interface ContractModificationsTable {
  id: string;
  contract_id: string;
  ticket_id: NullableText;
  title: string;
  description: string;
  created_by: NullableText;
  created_at: Timestamp;
}

export interface KnownIssuesTable {
  id: string;
  product_id: string;
  title: string;
  description: string;
  fixed_in_version: NullableText;
  status: ColumnType<string, string | undefined, string>;
  fixed_release_id: NullableText;
  created_at: Timestamp;
  fixed_at: NullableTimestamp;
}

export interface SystemEventsTable {
  id: string;
  system_id: string;
  organisation_id: string;
  kind: string;
  severity: string;
  message: string;
  occurred_at: Timestamp;
  received_at: Timestamp;
  api_key_id: NullableText;
}

export interface JobsTable {
  id: string;
  kind: string;
  key: string;
  run_at: Timestamp;
  payload: Json;
  attempts: Generated<number>;
  locked_by: NullableText;
  locked_until: NullableTimestamp;
  done_at: NullableTimestamp;
  last_error: NullableText;
  created_at: Timestamp;
}

export interface HelpDeskTables {
  tickets: TicketsTable;
  ticket_messages: TicketMessagesTable;
  ticket_attachments: TicketAttachmentsTable;
  ticket_links: TicketLinksTable;
  sla_clocks: SlaClocksTable;
  sla_events: SlaEventsTable;
  intake_refusals: IntakeRefusalsTable;
  ticket_flags: TicketFlagsTable;
  ticket_estimates: TicketEstimatesTable;
  time_entries: TimeEntriesTable;
  contract_modifications: ContractModificationsTable;
  known_issues: KnownIssuesTable;
  system_events: SystemEventsTable;
  jobs: JobsTable;
}
