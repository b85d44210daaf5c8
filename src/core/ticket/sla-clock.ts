import type { CompiledCalendar } from '../calendar/calendar.compile.ts';
import {
  addWorkingTimeEpoch,
  isWorkingInstantEpoch,
  nextWorkingInstantEpoch,
  workingTimeBetweenEpoch,
} from '../calendar/calendar.ops.ts';
import type { PlanCalendars } from '../plan/plan.sla.ts';
import type { SlaTarget, TargetKind } from '../plan/plan-desk.schema.ts';
import { parseSlaWithin } from '../plan/sla-within.ts';

/**
 * One SLA clock of one ticket (R2.4–R2.5): how much of its target it has consumed, counted in its
 * own time (working seconds on the plan calendar, or calendar seconds on the 24/7 calendar, which
 * skips announced maintenance windows when the plan pauses for them). Instants are epoch seconds.
 *
 * A clock is running (runningSince set), paused (waiting on the customer), or stopped (met or not
 * applicable any more). Pausing folds the time since runningSince into consumedSeconds, so a
 * re-target (priority or category change) keeps the time already used.
 */
export interface SlaClock {
  metric: TargetKind;
  clock: SlaTarget['clock'];
  binding: SlaTarget['binding'];
  /** The target as the plan wrote it (e.g. "1wd", "24h"), for display. */
  within: string;
  targetSeconds: number;
  consumedSeconds: number;
  runningSince: number | null;
  /** When the clock stopped because its goal was reached (an answer, an assignment, a resolution). */
  stoppedAt: number | null;
  /** nextResponse restarts once per customer message; the other metrics run one cycle. */
  cycle: number;
}

/** Where a running clock stands: when it is due, when it counts as breached, when to warn. */
export interface SlaSchedule {
  /** The latest instant the target is met (closing-time convention: 18:00, not the next opening). */
  dueAt: number;
  /** Anything later misses the target: dueAt, or the next working instant when dueAt is a closing time. */
  breachedAfter: number;
  /** When WARN_FRACTION of the target has been consumed; null when that moment has passed. */
  warnAt: number | null;
}

/** A warning fires when this share of the target is used up (Zendesk and Zammad warn ahead too). */
export const WARN_FRACTION = 0.8;

/** The target's allowance in its clock's own seconds: a duration, or N × the working-day length (R2.4). */
export function targetSecondsOf(target: SlaTarget, calendars: PlanCalendars): number {
  const within = parseSlaWithin(target.within);
  if (!within.ok) throw new RangeError(`invalid target within: ${within.message}`);
  if (within.kind === 'duration') return within.seconds;
  return within.days * calendarOf(target.clock, calendars).workingDayLength;
}

export function calendarOf(clock: SlaTarget['clock'], calendars: PlanCalendars): CompiledCalendar {
  const cal = clock === 'working' ? calendars.working : calendars.always;
  // The plan schema refuses working-time targets without a calendar: reaching this is a fault.
  if (!cal) throw new RangeError('a working-time target needs the plan calendar');
  return cal;
}

/**
 * A new running clock from `at` (registration, or a customer message for nextResponse).
 * @example startClock('resolution', s3Resolution1wd, registeredAt, cals) // 9 h of working time to go
 */
export function startClock(
  metric: TargetKind,
  target: SlaTarget,
  at: number,
  calendars: PlanCalendars,
  cycle = 1,
): SlaClock {
  return {
    metric,
    clock: target.clock,
    binding: target.binding,
    within: target.within,
    targetSeconds: targetSecondsOf(target, calendars),
    consumedSeconds: 0,
    runningSince: at,
    stoppedAt: null,
    cycle,
  };
}

/** Time consumed by `at`: what was used before, plus the clock's own time since it last ran. */
export function consumedAt(clock: SlaClock, at: number, calendars: PlanCalendars): number {
  if (clock.runningSince === null || at <= clock.runningSince) return clock.consumedSeconds;
  const cal = calendarOf(clock.clock, calendars);
  return clock.consumedSeconds + workingTimeBetweenEpoch(cal, clock.runningSince, at);
}

/** Stops the clock from running (R2.5: waiting on the customer, a maintenance pause); keeps what it used. */
export function pauseClock(clock: SlaClock, at: number, calendars: PlanCalendars): SlaClock {
  if (clock.runningSince === null) return clock;
  return { ...clock, consumedSeconds: consumedAt(clock, at, calendars), runningSince: null };
}

/** Lets a paused clock run again from `at`; a stopped (met) clock stays stopped. */
export function resumeClock(clock: SlaClock, at: number): SlaClock {
  if (clock.runningSince !== null || clock.stoppedAt !== null) return clock;
  return { ...clock, runningSince: at };
}

/** The goal was reached at `at`: the clock stops for good with the time it used. */
export function stopClock(clock: SlaClock, at: number, calendars: PlanCalendars): SlaClock {
  if (clock.stoppedAt !== null) return clock;
  return { ...pauseClock(clock, at, calendars), stoppedAt: at };
}

/**
 * A new target for the same clock (priority or category changed): the time consumed is kept, so a
 * ticket moved to a stricter category can be due at once (or already breached).
 */
export function retargetClock(clock: SlaClock, target: SlaTarget, calendars: PlanCalendars): SlaClock {
  return {
    ...clock,
    clock: target.clock,
    binding: target.binding,
    within: target.within,
    targetSeconds: targetSecondsOf(target, calendars),
  };
}

/**
 * When a running clock is due, breaches and warns; null for a paused or stopped clock.
 * @example scheduleOf(startClock('assignment', oneWorkingHour, fri1730Moscow, cals), cals) // dueAt Mon 09:30
 */
export function scheduleOf(clock: SlaClock, calendars: PlanCalendars): SlaSchedule | null {
  if (clock.runningSince === null) return null;
  const cal = calendarOf(clock.clock, calendars);
  const left = clock.targetSeconds - clock.consumedSeconds;
  const dueAt = addWorkingTimeEpoch(cal, clock.runningSince, left);
  const breachedAfter = isWorkingInstantEpoch(cal, dueAt) ? dueAt : nextWorkingInstantEpoch(cal, dueAt);
  const warnLeft = clock.targetSeconds * WARN_FRACTION - clock.consumedSeconds;
  const warnAt = warnLeft > 0 ? addWorkingTimeEpoch(cal, clock.runningSince, warnLeft) : null;
  return { dueAt, breachedAfter, warnAt };
}

/** A stopped clock met its target when it used no more than the target allowed. */
export function wasMet(clock: SlaClock): boolean | null {
  return clock.stoppedAt === null ? null : clock.consumedSeconds <= clock.targetSeconds;
}
