import type { Kysely, Selectable } from 'kysely';
import type { PlanCalendars } from '../../core/plan/plan.sla.ts';
import type { TargetKind } from '../../core/plan/plan-desk.schema.ts';
import { type AlarmedClock, slaAlarms, slaStateOf } from '../../core/ticket/sla-alarms.ts';
import { consumedAt, type SlaClock, scheduleOf, wasMet } from '../../core/ticket/sla-clock.ts';
import { nextDueOf } from '../../core/ticket/ticket-clocks.ts';
import type { SlaClockView } from '../../schema/tickets.schema.ts';
import type { Database } from '../db/database-types.ts';
import { cancelJob, scheduleJob } from '../jobs/job-queue.ts';
import type { SlaClocksTable } from './tickets.tables.ts';

/** Epoch seconds ⇄ Date at the edge: the core counts in seconds, the database in timestamptz. */
export const toEpoch = (d: Date): number => d.getTime() / 1000;
export const fromEpoch = (s: number): Date => new Date(Math.round(s * 1000));
const maybeEpoch = (d: Date | null): number | null => (d === null ? null : toEpoch(d));
const maybeDate = (s: number | null): Date | null => (s === null ? null : fromEpoch(s));

export const SLA_JOB = 'sla';
export const slaJobKey = (ticketId: string) => `sla:${ticketId}`;

function toAlarmed(row: Selectable<SlaClocksTable>): AlarmedClock {
  return {
    clock: {
      metric: row.metric as TargetKind,
      clock: row.clock as SlaClock['clock'],
      binding: row.binding as SlaClock['binding'],
      within: row.within,
      targetSeconds: row.target_seconds,
      consumedSeconds: row.consumed_seconds,
      runningSince: maybeEpoch(row.running_since),
      stoppedAt: maybeEpoch(row.stopped_at),
      cycle: row.cycle,
    },
    warnedAt: maybeEpoch(row.warned_at),
    breachedAt: maybeEpoch(row.breached_at),
  };
}

/** A ticket's clocks as stored. Call inside the transaction that holds the ticket row lock. */
export async function loadClocks(db: Kysely<Database>, ticketId: string): Promise<AlarmedClock[]> {
  const rows = await db.selectFrom('sla_clocks').selectAll().where('ticket_id', '=', ticketId).execute();
  return rows.map(toAlarmed);
}

/**
 * Wraps plain clocks from the core with what already fired: a clock keeps its warning and breach
 * while it stays in the same cycle; a new nextResponse cycle starts with none.
 */
export function carryAlarms(clocks: readonly SlaClock[], before: readonly AlarmedClock[]): AlarmedClock[] {
  return clocks.map((clock) => {
    const old = before.find((b) => b.clock.metric === clock.metric && b.clock.cycle === clock.cycle);
    return { clock, warnedAt: old?.warnedAt ?? null, breachedAt: old?.breachedAt ?? null };
  });
}

/**
 * Stores the clocks with their due instants, drops clocks that no longer apply, updates the ticket's
 * queue position (next_due_at) and SLA state, and (re)schedules the one SLA job of the ticket at the
 * next warning or breach instant — at once when one is already due.
 */
export async function saveClocks(
  db: Kysely<Database>,
  ticketId: string,
  clocks: readonly AlarmedClock[],
  calendars: PlanCalendars,
  now: Date,
): Promise<void> {
  await db.deleteFrom('sla_clocks').where('ticket_id', '=', ticketId).execute();
  if (clocks.length > 0) {
    await db
      .insertInto('sla_clocks')
      .values(clocks.map((c) => clockRow(ticketId, c, calendars)))
      .execute();
  }
  const nextDue = nextDueOf(
    clocks.map((c) => c.clock),
    calendars,
  );
  await db
    .updateTable('tickets')
    .set({ next_due_at: maybeDate(nextDue), sla_state: slaStateOf(clocks) })
    .where('id', '=', ticketId)
    .execute();
  const { due, nextAt } = slaAlarms(clocks, toEpoch(now), calendars);
  if (due.length > 0) await scheduleJob(db, { kind: SLA_JOB, key: slaJobKey(ticketId), runAt: now }, now);
  else if (nextAt !== null)
    await scheduleJob(db, { kind: SLA_JOB, key: slaJobKey(ticketId), runAt: fromEpoch(nextAt) }, now);
  else await cancelJob(db, slaJobKey(ticketId), now);
}

function clockRow(ticketId: string, alarmed: AlarmedClock, calendars: PlanCalendars) {
  const { clock } = alarmed;
  const schedule = scheduleOf(clock, calendars);
  return {
    ticket_id: ticketId,
    metric: clock.metric,
    cycle: clock.cycle,
    clock: clock.clock,
    binding: clock.binding,
    within: clock.within,
    target_seconds: clock.targetSeconds,
    consumed_seconds: clock.consumedSeconds,
    running_since: maybeDate(clock.runningSince),
    stopped_at: maybeDate(clock.stoppedAt),
    due_at: maybeDate(schedule?.dueAt ?? null),
    breached_after: maybeDate(schedule?.breachedAfter ?? null),
    warn_at: maybeDate(schedule?.warnAt ?? null),
    warned_at: maybeDate(alarmed.warnedAt),
    breached_at: maybeDate(alarmed.breachedAt),
  };
}

/** A clock as the API shows it, with the time consumed up to `now`. */
export function toClockView(alarmed: AlarmedClock, calendars: PlanCalendars, now: Date): SlaClockView {
  const { clock } = alarmed;
  const schedule = scheduleOf(clock, calendars);
  const met = wasMet(clock);
  const iso = (s: number | null) => (s === null ? null : fromEpoch(s).toISOString());
  return {
    metric: clock.metric,
    cycle: clock.cycle,
    clock: clock.clock,
    binding: clock.binding,
    within: clock.within,
    targetSeconds: clock.targetSeconds,
    consumedSeconds: Math.round(consumedAt(clock, toEpoch(now), calendars)),
    state: met === null ? (clock.runningSince === null ? 'paused' : 'running') : met ? 'met' : 'missed',
    dueAt: iso(schedule?.dueAt ?? null),
    breachedAfter: iso(schedule?.breachedAfter ?? null),
    warnedAt: iso(alarmed.warnedAt),
    breachedAt: iso(alarmed.breachedAt),
    stoppedAt: iso(clock.stoppedAt),
  };
}
