import type { Kysely } from 'kysely';
import type { Impact } from '../../core/plan/plan-desk.schema.ts';
import { pauseClock, resumeClock } from '../../core/ticket/sla-clock.ts';
import { applicableTargets, retargetClocks } from '../../core/ticket/ticket-clocks.ts';
import { OPEN_STATUSES } from '../../schema/tickets.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Database } from '../db/database-types.ts';
import { carryAlarms, loadClocks, saveClocks, toEpoch } from './sla-clocks.repository.ts';
import { deskPlanOf, latestPlanVersionId } from './ticket-plan.ts';
import { requireTicket } from './ticket-read.ts';

export type Recomputed = {
  ticketId: string;
  fromPlanVersionId: string;
  toPlanVersionId: string;
  calendarChanged: boolean;
  nextDueBefore: string | null;
  nextDueAfter: string | null;
};

/**
 * `upkeep sla recompute` (after a calendar or plan change): re-pins open tickets to the latest version
 * of their plan and recomputes their clocks. Time consumed up to now stays as counted on the old
 * calendar; from now on the clocks run on the new one. Each re-pinned ticket is audited. Tickets
 * already on the latest version are left alone (LESSONS: never recompute silently).
 */
export async function recomputeSla(
  db: Kysely<Database>,
  options: { ticketId?: string | undefined; dryRun?: boolean },
  now: Date,
): Promise<Recomputed[]> {
  let query = db
    .selectFrom('tickets')
    .innerJoin('plan_versions', 'plan_versions.id', 'tickets.plan_version_id')
    .select(['tickets.id', 'tickets.plan_version_id', 'plan_versions.plan_key'])
    .where('tickets.status', 'in', [...OPEN_STATUSES]);
  if (options.ticketId) query = query.where('tickets.id', '=', options.ticketId);
  const rows = await query.orderBy('tickets.id').execute();
  const out: Recomputed[] = [];
  for (const row of rows) {
    const latest = await latestPlanVersionId(db, row.plan_key);
    if (!latest || latest === row.plan_version_id) continue;
    out.push(await recomputeOne(db, row.id, latest, options.dryRun === true, now));
  }
  return out;
}

async function recomputeOne(
  db: Kysely<Database>,
  ticketId: string,
  toVersion: string,
  dryRun: boolean,
  now: Date,
): Promise<Recomputed> {
  const work = async (trx: Kysely<Database>) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    const from = await deskPlanOf(trx, ticket.plan_version_id);
    const to = await deskPlanOf(trx, toVersion);
    const before = await loadClocks(trx, ticket.id);
    const t = toEpoch(now);
    // Fold the time used so far on the old calendar, then continue on the new one.
    const folded = before.map((c) => {
      const wasRunning = c.clock.runningSince !== null;
      const paused = pauseClock(c.clock, t, from.calendars);
      return wasRunning ? resumeClock(paused, t) : paused;
    });
    const targets = applicableTargets(to.plan, ticket.category_id, ticket.impact as Impact | null);
    const after = retargetClocks(folded, targets, toEpoch(ticket.created_at), t, to.calendars);
    await trx
      .updateTable('tickets')
      .set({ plan_version_id: toVersion, calendar_hash: to.calendarHash, updated_at: now })
      .where('id', '=', ticket.id)
      .execute();
    await saveClocks(trx, ticket.id, carryAlarms(after, before), to.calendars, now);
    const updated = await requireTicket(trx, ticket.id, null);
    const result: Recomputed = {
      ticketId: ticket.id,
      fromPlanVersionId: from.planVersionId,
      toPlanVersionId: toVersion,
      calendarChanged: from.calendarHash !== to.calendarHash,
      nextDueBefore: ticket.next_due_at?.toISOString() ?? null,
      nextDueAfter: updated.next_due_at?.toISOString() ?? null,
    };
    await recordAudit(
      trx,
      {
        action: 'sla.recomputed',
        viewer: null,
        organisationId: ticket.organisation_id,
        subjectType: 'ticket',
        subjectId: ticket.id,
        details: result,
      },
      now,
    );
    return result;
  };
  if (!dryRun) return db.transaction().execute(work);
  // A dry run does the same work and rolls it back.
  let result: Recomputed | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      result = await work(trx);
      throw new DryRun();
    })
    .catch((error: unknown) => {
      if (!(error instanceof DryRun)) throw error;
    });
  return result!;
}

class DryRun extends Error {}
