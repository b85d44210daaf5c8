import { type Kysely, sql } from 'kysely';

// Frozen: once released, never edit this file; add a new migration instead. Imports no app code.
// The help desk: tickets behind the intake gate (R1.1–R1.7, R2.1), their messages, attachments and
// links, SLA clocks pinned to the plan and calendar version (R2.4–R2.6), refusals kept with their
// reason, conduct and flooding flags (R1.3–R1.5), time entries and estimates (R2.10), completed
// modifications (R2.11), known issues (R2.12), system events (R4.6) and the job queue that fires
// SLA warnings, breaches and auto-closes at their instants.

const STATEMENTS = [
  `CREATE TABLE known_issues (
    id text PRIMARY KEY,
    product_id text NOT NULL REFERENCES products(id),
    title text NOT NULL,
    description text NOT NULL DEFAULT '',
    fixed_in_version text,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fixed')),
    fixed_release_id text REFERENCES releases(id),
    created_at timestamptz NOT NULL,
    fixed_at timestamptz
  )`,
  `CREATE INDEX known_issues_product_idx ON known_issues (product_id, status)`,
  `CREATE TABLE tickets (
    id text PRIMARY KEY,
    number bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    organisation_id text NOT NULL REFERENCES organisations(id),
    product_id text NOT NULL REFERENCES products(id),
    contract_id text REFERENCES contracts(id),
    plan_version_id text NOT NULL REFERENCES plan_versions(id),
    calendar_hash text NOT NULL,
    category_id text NOT NULL,
    impact text,
    priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    top_priority boolean NOT NULL DEFAULT false,
    channel text NOT NULL CHECK (channel IN ('portal', 'email', 'chat', 'phone', 'api')),
    status text NOT NULL CHECK (status IN ('new', 'open', 'waiting-on-customer', 'resolved', 'closed', 'merged')),
    billable boolean NOT NULL DEFAULT false,
    hourly_rate_minor integer,
    hourly_rate_currency text,
    requester_account_id text REFERENCES accounts(id),
    created_by_account_id text,
    subject text NOT NULL,
    environment jsonb NOT NULL DEFAULT '{}',
    platform text,
    platform_version text,
    assignee_account_id text REFERENCES accounts(id),
    assigned_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_public_message_at timestamptz NOT NULL,
    first_resolved_at timestamptz,
    resolved_at timestamptz,
    closed_at timestamptz,
    close_reason text,
    close_note text,
    out_of_scope_key text,
    merged_into_id text REFERENCES tickets(id),
    follow_up_of_id text REFERENCES tickets(id),
    known_issue_id text REFERENCES known_issues(id),
    next_due_at timestamptz,
    sla_state text NOT NULL DEFAULT 'ok' CHECK (sla_state IN ('ok', 'warning', 'breached')),
    search_public tsvector NOT NULL,
    search_all tsvector NOT NULL
  )`,
  // The agent queue (R2.6): top priority first, then the next due instant; open tickets only.
  `CREATE INDEX tickets_queue_idx ON tickets (top_priority DESC, next_due_at ASC NULLS LAST, id)
     WHERE status IN ('new', 'open', 'waiting-on-customer')`,
  `CREATE INDEX tickets_organisation_idx ON tickets (organisation_id, id)`,
  `CREATE INDEX tickets_contract_idx ON tickets (contract_id, created_at)`,
  `CREATE INDEX tickets_product_idx ON tickets (organisation_id, product_id, status)`,
  `CREATE INDEX tickets_status_idx ON tickets (status, id)`,
  `CREATE INDEX tickets_known_issue_idx ON tickets (known_issue_id) WHERE known_issue_id IS NOT NULL`,
  `CREATE INDEX tickets_search_public_idx ON tickets USING gin (search_public)`,
  `CREATE INDEX tickets_search_all_idx ON tickets USING gin (search_all)`,
  `CREATE TABLE ticket_messages (
    id text PRIMARY KEY,
    ticket_id text NOT NULL REFERENCES tickets(id),
    author_account_id text REFERENCES accounts(id),
    author_kind text NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
    visibility text NOT NULL CHECK (visibility IN ('public', 'internal')),
    body text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, created_at, id)`,
  `CREATE TABLE ticket_attachments (
    id text PRIMARY KEY,
    ticket_id text NOT NULL REFERENCES tickets(id),
    message_id text REFERENCES ticket_messages(id),
    storage_key text NOT NULL UNIQUE,
    original_name text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by_account_id text REFERENCES accounts(id),
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX ticket_attachments_ticket_idx ON ticket_attachments (ticket_id, id)`,
  `CREATE TABLE ticket_links (
    id text PRIMARY KEY,
    ticket_id text NOT NULL REFERENCES tickets(id),
    linked_ticket_id text NOT NULL REFERENCES tickets(id),
    kind text NOT NULL CHECK (kind IN ('duplicate-of', 'follow-up-of', 'related')),
    created_by_account_id text,
    created_at timestamptz NOT NULL,
    UNIQUE (ticket_id, linked_ticket_id, kind),
    CHECK (ticket_id <> linked_ticket_id)
  )`,
  `CREATE INDEX ticket_links_linked_idx ON ticket_links (linked_ticket_id)`,
  `CREATE TABLE sla_clocks (
    ticket_id text NOT NULL REFERENCES tickets(id),
    metric text NOT NULL CHECK (metric IN ('assignment', 'firstResponse', 'nextResponse', 'resolution')),
    cycle integer NOT NULL,
    clock text NOT NULL CHECK (clock IN ('working', 'calendar')),
    binding text NOT NULL,
    within text NOT NULL,
    target_seconds double precision NOT NULL,
    consumed_seconds double precision NOT NULL,
    running_since timestamptz,
    stopped_at timestamptz,
    due_at timestamptz,
    breached_after timestamptz,
    warn_at timestamptz,
    warned_at timestamptz,
    breached_at timestamptz,
    PRIMARY KEY (ticket_id, metric)
  )`,
  `CREATE INDEX sla_clocks_breach_idx ON sla_clocks (breached_after) WHERE running_since IS NOT NULL AND breached_at IS NULL`,
  // One row per warning or breach of one cycle of one clock: the unique key makes each fire once.
  `CREATE TABLE sla_events (
    id text PRIMARY KEY,
    ticket_id text NOT NULL REFERENCES tickets(id),
    metric text NOT NULL,
    cycle integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('warning', 'breach')),
    at timestamptz NOT NULL,
    UNIQUE (ticket_id, metric, cycle, kind)
  )`,
  `CREATE TABLE intake_refusals (
    id text PRIMARY KEY,
    organisation_id text NOT NULL REFERENCES organisations(id),
    product_id text REFERENCES products(id),
    contract_id text REFERENCES contracts(id),
    requester_account_id text REFERENCES accounts(id),
    channel text NOT NULL,
    reason text NOT NULL,
    message text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX intake_refusals_organisation_idx ON intake_refusals (organisation_id, id)`,
  `CREATE TABLE ticket_flags (
    id text PRIMARY KEY,
    ticket_id text REFERENCES tickets(id),
    message_id text REFERENCES ticket_messages(id),
    organisation_id text NOT NULL REFERENCES organisations(id),
    kind text NOT NULL CHECK (kind IN ('abuse', 'flooding')),
    detail jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'dismissed')),
    restriction_id text,
    created_at timestamptz NOT NULL,
    decided_at timestamptz,
    decided_by text
  )`,
  `CREATE INDEX ticket_flags_open_idx ON ticket_flags (status, id)`,
  `CREATE INDEX ticket_flags_ticket_idx ON ticket_flags (ticket_id)`,
  `CREATE TABLE ticket_estimates (
    id text PRIMARY KEY,
    ticket_id text NOT NULL REFERENCES tickets(id),
    minutes integer NOT NULL CHECK (minutes > 0),
    note text NOT NULL DEFAULT '',
    proposed_by text,
    proposed_at timestamptz NOT NULL,
    agreed_by text,
    agreed_at timestamptz
  )`,
  `CREATE INDEX ticket_estimates_ticket_idx ON ticket_estimates (ticket_id, proposed_at)`,
  `CREATE TABLE time_entries (
    id text PRIMARY KEY,
    ticket_id text NOT NULL REFERENCES tickets(id),
    contract_id text REFERENCES contracts(id),
    account_id text,
    category_id text NOT NULL,
    minutes integer NOT NULL CHECK (minutes > 0),
    work_date date NOT NULL,
    note text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX time_entries_contract_idx ON time_entries (contract_id, category_id, work_date)`,
  `CREATE INDEX time_entries_ticket_idx ON time_entries (ticket_id)`,
  `CREATE TABLE contract_modifications (
    id text PRIMARY KEY,
    contract_id text NOT NULL REFERENCES contracts(id),
    ticket_id text REFERENCES tickets(id),
    title text NOT NULL,
    description text NOT NULL,
    created_by text,
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX contract_modifications_contract_idx ON contract_modifications (contract_id, id)`,
  `CREATE TABLE system_events (
    id text PRIMARY KEY,
    system_id text NOT NULL REFERENCES systems(id),
    organisation_id text NOT NULL REFERENCES organisations(id),
    kind text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    message text NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    api_key_id text
  )`,
  `CREATE INDEX system_events_system_idx ON system_events (system_id, id)`,
  // The job queue: one row per scheduled piece of work, claimed with FOR UPDATE SKIP LOCKED and a
  // lease (locked_until), so several workers share it and a crashed worker's claim expires.
  `CREATE TABLE jobs (
    id text PRIMARY KEY,
    kind text NOT NULL,
    key text NOT NULL UNIQUE,
    run_at timestamptz NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    attempts integer NOT NULL DEFAULT 0,
    locked_by text,
    locked_until timestamptz,
    done_at timestamptz,
    last_error text,
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'jobs',
    'system_events',
    'contract_modifications',
    'time_entries',
    'ticket_estimates',
    'ticket_flags',
    'intake_refusals',
    'sla_events',
    'sla_clocks',
    'ticket_links',
    'ticket_attachments',
    'ticket_messages',
    'tickets',
    'known_issues',
  ]) {
    await sql.raw(`DROP TABLE ${table}`).execute(db);
  }
}
