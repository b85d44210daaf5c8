import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { ABUSE_REASON } from '../../schema/customers.schema.ts';
import { type Page, toPage } from '../../schema/pagination.schema.ts';
import type { TicketFlag } from '../../schema/ticket-conduct.schema.ts';
import type { IntakeRefusalSchema } from '../../schema/tickets.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { organisationIdFilter, type Viewer } from '../auth/access.ts';
import { conductRulesOf, recordRestriction } from '../customers/restrictions.service.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import type { IntakeRefusalsTable, TicketFlagsTable } from './tickets.tables.ts';

type FlagRow = Selectable<TicketFlagsTable>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function jsonOf(value: unknown): Record<string, unknown> {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value;
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

export function toFlag(row: FlagRow): TicketFlag {
  const { decisionNote, ...detail } = jsonOf(row.detail);
  return {
    id: row.id,
    kind: row.kind as TicketFlag['kind'],
    status: row.status as TicketFlag['status'],
    organisationId: row.organisation_id,
    ticketId: row.ticket_id,
    messageId: row.message_id,
    detail,
    createdAt: row.created_at.toISOString(),
    decidedAt: iso(row.decided_at),
    decidedBy: row.decided_by,
    decisionNote: typeof decisionNote === 'string' ? decisionNote : null,
    restrictionId: row.restriction_id,
  };
}

export type FlagListQuery = {
  limit: number;
  cursor?: string | undefined;
  status?: TicketFlag['status'] | undefined;
  kind?: TicketFlag['kind'] | undefined;
  organisationId?: string | undefined;
};

/** The agents' review queue (R1.3, R1.5): flags oldest first, so they are decided in the order they came. */
export async function listFlags(db: Kysely<Database>, query: FlagListQuery): Promise<Page<TicketFlag>> {
  let q = db.selectFrom('ticket_flags').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.kind) q = q.where('kind', '=', query.kind);
  if (query.organisationId) q = q.where('organisation_id', '=', query.organisationId);
  if (query.cursor) q = q.where('id', '>', query.cursor);
  const rows = await q
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (r) => r.id, toFlag);
}

export type FlagDecision = { verdict: 'confirm' | 'dismiss'; note: string };
type DecisionContext = { viewer: Viewer; clientIp: string; now: Date };

/**
 * An agent decides a flag once (R1.3 decision: nothing is revoked on a word list alone). Confirming
 * an abuse flag records a revocation (reason 'abuse'; the plans' abuseRevokes say which rights);
 * confirming a flooding flag records a suspension (reason 'flooding') where the organisation's plans
 * list that refusal reason (R1.4). The flag, the restriction, their audit events and the customer
 * notices commit together; a flag already decided answers 409 TICKET_STATE_CONFLICT.
 */
export async function decideFlag(
  db: Kysely<Database>,
  flagId: string,
  decision: FlagDecision,
  ctx: DecisionContext,
): Promise<TicketFlag> {
  return db.transaction().execute(async (trx) => {
    const flag = await trx
      .selectFrom('ticket_flags')
      .selectAll()
      .where('id', '=', flagId)
      .forUpdate()
      .executeTakeFirst();
    if (!flag) throw new AppError('NOT_FOUND', `No flag ${flagId}.`);
    if (flag.status !== 'open') {
      throw new AppError('TICKET_STATE_CONFLICT', `The flag ${flagId} was already ${flag.status}.`, {
        status: flag.status,
        decidedAt: iso(flag.decided_at),
        restrictionId: flag.restriction_id,
      });
    }
    const restrictionId =
      decision.verdict === 'confirm' ? await restrictionFor(trx, flag, decision.note, ctx) : null;
    const status = decision.verdict === 'confirm' ? 'confirmed' : 'dismissed';
    const decided = await trx
      .updateTable('ticket_flags')
      .set({
        status,
        decided_at: ctx.now,
        decided_by: ctx.viewer.accountId,
        restriction_id: restrictionId,
        detail: sql`detail || jsonb_build_object('decisionNote', ${decision.note}::text)` as never,
      })
      .where('id', '=', flag.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      {
        action: `ticket-flag.${status}`,
        viewer: ctx.viewer,
        organisationId: flag.organisation_id,
        subjectType: 'ticket-flag',
        subjectId: flag.id,
        details: { kind: flag.kind, ticketId: flag.ticket_id, note: decision.note, restrictionId },
        clientIp: ctx.clientIp,
      },
      ctx.now,
    );
    return toFlag(decided);
  });
}

const FLOODING = 'flooding';

/** The restriction a confirmed flag records, or null for a flood the organisation's plans do not suspend for. */
async function restrictionFor(
  trx: Transaction<Database>,
  flag: FlagRow,
  note: string,
  ctx: DecisionContext,
): Promise<string | null> {
  if (flag.kind === 'abuse') {
    return recordThrough(trx, flag, { kind: 'revocation', reason: ABUSE_REASON, note }, ctx);
  }
  const rules = await conductRulesOf(trx, flag.organisation_id);
  if (!rules?.reasons.has(FLOODING)) return null;
  // A burst of refused posts leaves a burst of flags: confirming them does not stack suspensions that
  // staff would each have to lift; the active flooding suspension stands for all of them.
  const active = await trx
    .selectFrom('organisation_restrictions')
    .select('id')
    .where('organisation_id', '=', flag.organisation_id)
    .where('kind', '=', 'suspension')
    .where('reason', '=', FLOODING)
    .where('lifted_at', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  if (active) return active.id;
  return recordThrough(trx, flag, { kind: 'suspension', reason: FLOODING, note }, ctx);
}

async function recordThrough(
  trx: Transaction<Database>,
  flag: FlagRow,
  body: { kind: 'revocation' | 'suspension'; reason: string; note: string },
  ctx: DecisionContext,
): Promise<string> {
  const outcome = await recordRestriction(
    trx,
    { organisationId: flag.organisation_id, body, viewer: ctx.viewer, clientIp: ctx.clientIp },
    ctx.now,
  );
  if (!outcome.ok) {
    // The flag's organisation exists (foreign key) and 'abuse'/'flooding' were checked above: a bug.
    throw new Error(`flag ${flag.id}: recording the ${body.kind} failed with ${outcome.code}`);
  }
  return outcome.restriction.id;
}

// ── Intake refusals ────────────────────────────────────────────────────────────────────────────

type IntakeRefusal = (typeof IntakeRefusalSchema)['_output'];

function toRefusal(row: Selectable<IntakeRefusalsTable>): IntakeRefusal {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    productId: row.product_id,
    contractId: row.contract_id,
    requesterAccountId: row.requester_account_id,
    channel: row.channel,
    reason: row.reason,
    message: row.message,
    subject: row.subject,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Refused ticket requests, newest first: the reason code and the message the customer was told. A
 * customer sees its own organisation's; staff see all, or one organisation's.
 */
export async function listRefusals(
  db: Kysely<Database>,
  viewer: Viewer,
  query: { limit: number; cursor?: string | undefined; organisationId?: string | undefined },
): Promise<Page<IntakeRefusal>> {
  const organisationId = organisationIdFilter(viewer) ?? query.organisationId ?? null;
  let q = db.selectFrom('intake_refusals').selectAll();
  if (organisationId !== null) q = q.where('organisation_id', '=', organisationId);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (r) => r.id, toRefusal);
}
