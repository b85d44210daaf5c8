import type { PlanCalendars } from '../plan/plan.sla.ts';
import { type SlaClock, scheduleOf } from './sla-clock.ts';

/** A clock with what has already fired for its current cycle. */
export interface AlarmedClock {
  clock: SlaClock;
  warnedAt: number | null;
  breachedAt: number | null;
}

export interface SlaAlarm {
  metric: SlaClock['metric'];
  cycle: number;
  kind: 'warning' | 'breach';
  /** The exact instant it fires: the warning instant, or the first second after breachedAfter. */
  at: number;
}

/**
 * The first instant that misses a target: one second after breachedAfter (an answer at breachedAfter
 * itself still meets it). Working targets due at closing time breach a second after the next opening.
 */
export function breachInstantOf(breachedAfter: number): number {
  return Math.floor(breachedAfter) + 1;
}

/**
 * What fires by `now` on these clocks and when to look again (R2.4: warnings and breaches at their
 * exact instants, from a scheduled job). Paused and stopped clocks fire nothing.
 * @example slaAlarms([{ clock: running1h, warnedAt: null, breachedAt: null }], t0 + 3600 + 1, cals)
 *   // { due: [warning, breach], nextAt: null }
 */
export function slaAlarms(
  clocks: readonly AlarmedClock[],
  now: number,
  calendars: PlanCalendars,
): { due: SlaAlarm[]; nextAt: number | null } {
  const due: SlaAlarm[] = [];
  let nextAt: number | null = null;
  const later = (at: number) => {
    nextAt = nextAt === null ? at : Math.min(nextAt, at);
  };
  for (const { clock, warnedAt, breachedAt } of clocks) {
    const schedule = scheduleOf(clock, calendars);
    if (!schedule) continue;
    const { metric, cycle } = clock;
    if (warnedAt === null && schedule.warnAt !== null) {
      if (schedule.warnAt <= now) due.push({ metric, cycle, kind: 'warning', at: schedule.warnAt });
      else later(schedule.warnAt);
    }
    if (breachedAt === null) {
      const at = breachInstantOf(schedule.breachedAfter);
      if (at <= now) due.push({ metric, cycle, kind: 'breach', at });
      else later(at);
    }
  }
  return { due, nextAt };
}

/** The worst SLA state of a ticket's current clocks, for the queue's colours and the `sla` filter. */
export function slaStateOf(clocks: readonly AlarmedClock[]): 'ok' | 'warning' | 'breached' {
  const live = clocks.filter((c) => c.clock.stoppedAt === null);
  if (live.some((c) => c.breachedAt !== null)) return 'breached';
  if (live.some((c) => c.warnedAt !== null)) return 'warning';
  return 'ok';
}
