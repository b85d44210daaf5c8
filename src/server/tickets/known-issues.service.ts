import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import semver from 'semver';
import { type Page, toPage } from '../../schema/pagination.schema.ts';
import type { KnownIssue } from '../../schema/ticket-work.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { ReleasePublishedHook } from '../catalog/release-hooks.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { closeTicket } from './ticket-automations.ts';
import { requireTicket, type TicketRowLite } from './ticket-read.ts';
import type { KnownIssuesTable } from './tickets.tables.ts';

/**
 * R2.12 (S1 §4): known issues of a product, tickets linked to them, and their closing when the fix
 * ships. Locks are taken issue first, then its tickets (link, update and the release hook alike), so
 * a ticket linked while the fix is being published is either seen by the hook or sees the fix.
 */

type IssueRow = Selectable<KnownIssuesTable>;
type FixingRelease = { id: string; version: string };

/**
 * Whether a release of `version` ships the fix planned for `fixedInVersion` (semver precedence).
 * A prerelease fixes only an issue planned for a prerelease: customers on stable builds still wait.
 * @example isFixedBy('5.1.0', '5.2.0') // true; isFixedBy('5.1.0', '5.2.0-rc.1') // false
 */
export function isFixedBy(fixedInVersion: string, version: string): boolean {
  const release = semver.parse(version);
  const planned = semver.parse(fixedInVersion);
  if (release === null || planned === null) return false;
  if (release.prerelease.length > 0 && planned.prerelease.length === 0) return false;
  return semver.gte(release, planned);
}

const openTicketCount = (eb: ExpressionBuilder<Database, 'known_issues'>) =>
  eb
    .selectFrom('tickets')
    .select((t) => t.fn.countAll().as('n'))
    .whereRef('tickets.known_issue_id', '=', 'known_issues.id')
    .where('tickets.status', 'not in', ['closed', 'merged'])
    .as('open_ticket_count');

export async function createKnownIssue(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { productId: string; title: string; description: string; fixedInVersion?: string | undefined },
  now: Date,
): Promise<KnownIssue> {
  const id = await db.transaction().execute(async (trx) => {
    const product = await trx
      .selectFrom('products')
      .select('id')
      .where('id', '=', input.productId)
      .executeTakeFirst();
    if (!product)
      throw new AppError(
        'UNKNOWN_REFERENCE',
        `Invalid request: body.productId: no product ${input.productId}`,
        [{ path: 'body.productId', rule: 'exists', message: `no product ${input.productId}` }],
      );
    const row = await trx
      .insertInto('known_issues')
      .values({
        id: newId('kis'),
        product_id: input.productId,
        title: input.title,
        description: input.description,
        fixed_in_version: input.fixedInVersion ?? null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await auditIssue(trx, viewer, 'known-issue.created', row, now);
    await fixIfReleased(trx, row, viewer, now);
    return row.id;
  });
  return getKnownIssue(db, id);
}

export async function getKnownIssue(db: Kysely<Database>, id: string): Promise<KnownIssue> {
  const row = await db
    .selectFrom('known_issues')
    .selectAll()
    .select(openTicketCount)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No known issue ${id}.`);
  return toKnownIssue(row);
}

/** Known issues, newest first, by product and status. */
export async function listKnownIssues(
  db: Kysely<Database>,
  query: {
    limit: number;
    cursor?: string | undefined;
    productId?: string | undefined;
    status?: string | undefined;
  },
): Promise<Page<KnownIssue>> {
  let q = db.selectFrom('known_issues').selectAll().select(openTicketCount);
  if (query.productId) q = q.where('product_id', '=', query.productId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (r) => r.id, toKnownIssue);
}

/**
 * Edits a known issue. Planning the fix for a version already released fixes it at once and closes
 * its tickets (R2.12); a fixed issue keeps the version that fixed it.
 */
export async function updateKnownIssue(
  db: Kysely<Database>,
  viewer: Viewer,
  id: string,
  patch: {
    title?: string | undefined;
    description?: string | undefined;
    fixedInVersion?: string | null | undefined;
  },
  now: Date,
): Promise<KnownIssue> {
  await db.transaction().execute(async (trx) => {
    const issue = await lockIssue(trx, id);
    if (!issue) throw new AppError('NOT_FOUND', `No known issue ${id}.`);
    if (patch.fixedInVersion !== undefined && issue.status === 'fixed') {
      const message = `already fixed in ${issue.fixed_in_version} (release ${issue.fixed_release_id})`;
      throw new AppError('VALIDATION_FAILED', `Invalid request: body.fixedInVersion: ${message}`, [
        { path: 'body.fixedInVersion', rule: 'not_fixed', message },
      ]);
    }
    const row = await trx
      .updateTable('known_issues')
      .set({
        title: patch.title ?? issue.title,
        description: patch.description ?? issue.description,
        fixed_in_version: patch.fixedInVersion === undefined ? issue.fixed_in_version : patch.fixedInVersion,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await auditIssue(trx, viewer, 'known-issue.updated', row, now);
    await fixIfReleased(trx, row, viewer, now);
  });
  return getKnownIssue(db, id);
}

/**
 * Links a ticket to a known issue of the same product (R2.12). Linking to an issue already fixed
 * closes the ticket at once: the fix is out, the customer is told where.
 */
export async function linkKnownIssue(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  knownIssueId: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const seen = await requireTicket(trx, ticketId, null);
    const issue = await lockIssue(trx, knownIssueId);
    requireSameProduct(issue, seen, knownIssueId);
    const ticket = await requireTicket(trx, ticketId, null, true);
    if (ticket.status === 'closed' || ticket.status === 'merged')
      throw new AppError(
        'TICKET_STATE_CONFLICT',
        `Ticket ${ticket.id} is ${ticket.status}; it waits for no fix.`,
      );
    await trx
      .updateTable('tickets')
      .set({ known_issue_id: issue.id, updated_at: now })
      .where('id', '=', ticket.id)
      .execute();
    await recordAudit(
      trx,
      {
        action: 'ticket.known-issue-linked',
        viewer,
        organisationId: ticket.organisation_id,
        subjectType: 'ticket',
        subjectId: ticket.id,
        details: { knownIssueId: issue.id, from: ticket.known_issue_id },
      },
      now,
    );
    if (issue.status === 'fixed') {
      const release = { id: issue.fixed_release_id ?? '', version: issue.fixed_in_version ?? '' };
      await closeFixedTickets(trx, issue, release, [ticket.id], viewer, now);
    }
  });
}

function requireSameProduct(
  issue: IssueRow | undefined,
  ticket: TicketRowLite,
  knownIssueId: string,
): asserts issue is IssueRow {
  if (!issue)
    throw new AppError(
      'UNKNOWN_REFERENCE',
      `Invalid request: body.knownIssueId: no known issue ${knownIssueId}`,
      [{ path: 'body.knownIssueId', rule: 'exists', message: `no known issue ${knownIssueId}` }],
    );
  if (issue.product_id === ticket.product_id) return;
  const message = `known issue ${knownIssueId} is of product ${issue.product_id}, the ticket of ${ticket.product_id}`;
  throw new AppError('VALIDATION_FAILED', `Invalid request: body.knownIssueId: ${message}`, [
    { path: 'body.knownIssueId', rule: 'same_product', message },
  ]);
}

/**
 * R2.12: the catalog's release hook. Publishing a release fixes every open known issue of the
 * product planned for that version or an earlier one, and closes their tickets, in the
 * publishing transaction (a failure rolls the release back with them).
 */
export const closeKnownIssuesOnRelease: ReleasePublishedHook = async (trx, release, now) => {
  const issues = await trx
    .selectFrom('known_issues')
    .selectAll()
    .where('product_id', '=', release.productId)
    .where('status', '=', 'open')
    .where('fixed_in_version', 'is not', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const issue of issues) {
    if (issue.fixed_in_version !== null && isFixedBy(issue.fixed_in_version, release.version))
      await fixIssue(trx, issue, release, null, now);
  }
};

/** A stored release counts as shipped, as for the hook: the lowest version that fixes the issue. */
async function fixIfReleased(
  trx: Kysely<Database>,
  issue: IssueRow,
  viewer: Viewer,
  now: Date,
): Promise<void> {
  const planned = issue.fixed_in_version;
  if (planned === null || issue.status !== 'open') return;
  const releases = await trx
    .selectFrom('releases')
    .select(['id', 'version'])
    .where('product_id', '=', issue.product_id)
    .execute();
  const fixing = releases
    .filter((r) => isFixedBy(planned, r.version))
    .sort((a, b) => semver.compare(a.version, b.version));
  if (fixing[0]) await fixIssue(trx, issue, fixing[0], viewer, now);
}

async function fixIssue(
  trx: Kysely<Database>,
  issue: IssueRow,
  release: FixingRelease,
  viewer: Viewer | null,
  now: Date,
): Promise<void> {
  const fixed = await trx
    .updateTable('known_issues')
    .set({ status: 'fixed', fixed_release_id: release.id, fixed_at: now })
    .where('id', '=', issue.id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  if (!fixed) return;
  await auditIssue(trx, viewer, 'known-issue.fixed', fixed, now, {
    releaseId: release.id,
    version: release.version,
  });
  const linked = await trx
    .selectFrom('tickets')
    .select('id')
    .where('known_issue_id', '=', issue.id)
    .where('status', 'not in', ['closed', 'merged'])
    .orderBy('id')
    .execute();
  await closeFixedTickets(
    trx,
    fixed,
    release,
    linked.map((t) => t.id),
    viewer,
    now,
  );
}

/** Closes each ticket as known-issue-fixed, then one notice per requester naming the version. */
async function closeFixedTickets(
  trx: Kysely<Database>,
  issue: IssueRow,
  release: FixingRelease,
  ticketIds: string[],
  viewer: Viewer | null,
  now: Date,
): Promise<void> {
  const byRequester = new Map<string, TicketRowLite[]>();
  for (const id of ticketIds) {
    const ticket = await requireTicket(trx, id, null, true);
    const change = {
      status: 'closed' as const,
      reason: 'known-issue-fixed',
      note: `Fixed in ${release.version} (known issue ${issue.id}: ${issue.title}).`,
    };
    if (!(await closeTicket(trx, ticket, change, viewer, now))) continue;
    const key = ticket.requester_account_id ?? `org:${ticket.organisation_id}`;
    byRequester.set(key, [...(byRequester.get(key) ?? []), ticket]);
  }
  for (const [key, tickets] of byRequester) {
    const first = tickets[0] as TicketRowLite;
    await enqueueNotice(
      trx,
      {
        topic: 'known-issue.fixed',
        dedupeKey: `known-issue.fixed:${issue.id}:${key}`,
        organisationId: first.organisation_id,
        payload: {
          knownIssueId: issue.id,
          title: issue.title,
          version: release.version,
          releaseId: release.id,
          ticketIds: tickets.map((t) => t.id),
          accountId: first.requester_account_id,
        },
      },
      now,
    );
  }
}

async function lockIssue(trx: Kysely<Database>, id: string): Promise<IssueRow | undefined> {
  return trx.selectFrom('known_issues').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

async function auditIssue(
  trx: Kysely<Database>,
  viewer: Viewer | null,
  action: string,
  row: IssueRow,
  now: Date,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(
    trx,
    {
      action,
      viewer,
      subjectType: 'known-issue',
      subjectId: row.id,
      details: { productId: row.product_id, fixedInVersion: row.fixed_in_version, ...extra },
    },
    now,
  );
}

function toKnownIssue(r: IssueRow & { open_ticket_count: unknown }): KnownIssue {
  return {
    id: r.id,
    productId: r.product_id,
    title: r.title,
    description: r.description,
    fixedInVersion: r.fixed_in_version,
    status: r.status as KnownIssue['status'],
    fixedReleaseId: r.fixed_release_id,
    fixedAt: r.fixed_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    openTicketCount: Number(r.open_ticket_count ?? 0),
  };
}
