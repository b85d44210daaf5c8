import { effectiveTargets, flattenCategories } from '../plan/plan.categories.ts';
import type { Plan } from '../plan/plan.schema.ts';
import type { PlanCalendars } from '../plan/plan.sla.ts';
import type { Impact, SlaTarget, TargetKind } from '../plan/plan-desk.schema.ts';
import {
  consumedAt,
  pauseClock,
  resumeClock,
  retargetClock,
  type SlaClock,
  scheduleOf,
  startClock,
  stopClock,
} from './sla-clock.ts';

/**
 * What happens to a ticket's clocks (R2.4–R2.5) when something happens to the ticket. Pure: the
 * service loads the clocks, applies one event, stores the result and schedules the next instant.
 */
export type ClockEvent =
  | { kind: 'assigned' }
  | { kind: 'agent-replied' }
  | { kind: 'customer-replied' }
  | { kind: 'waiting-on-customer' }
  | { kind: 'customer-answered' }
  | { kind: 'resolved' }
  | { kind: 'reopened' }
  | { kind: 'closed' };

/** The targets that apply to a ticket of this category and impact; a target limited to other impacts is left out. */
export function applicableTargets(
  plan: Plan,
  categoryId: string,
  impact: Impact | null,
): Partial<Record<TargetKind, SlaTarget>> {
  const flat = flattenCategories(plan.categories).find((f) => f.category.id === categoryId);
  if (!flat) return {};
  const all = effectiveTargets(plan.defaultTargets, flat);
  const out: Partial<Record<TargetKind, SlaTarget>> = {};
  for (const [kind, target] of Object.entries(all) as [TargetKind, SlaTarget][]) {
    const when = target.appliesWhen?.impact;
    if (when === undefined || (impact !== null && when.includes(impact))) out[kind] = target;
  }
  return out;
}

/**
 * The clocks a new ticket starts at registration (R2.4: every target counts from registration).
 * nextResponse starts later, at the first customer message after an answer.
 * @example openClocks(s3, '3.1', null, registeredAt, cals).map((c) => c.metric) // ['assignment', 'resolution']
 */
export function openClocks(
  plan: Plan,
  categoryId: string,
  impact: Impact | null,
  at: number,
  calendars: PlanCalendars,
): SlaClock[] {
  const targets = applicableTargets(plan, categoryId, impact);
  const clocks: SlaClock[] = [];
  for (const metric of ['assignment', 'firstResponse', 'resolution'] as const) {
    const target = targets[metric];
    if (target) clocks.push(startClock(metric, target, at, calendars));
  }
  return clocks;
}

/**
 * Applies one ticket event to its clocks at `at`. `targets` are the ticket's applicable targets,
 * needed to start a new nextResponse cycle; `pauseWhenWaiting` is the plan's R2.5 setting.
 */
export function applyClockEvent(
  clocks: readonly SlaClock[],
  event: ClockEvent,
  at: number,
  context: {
    calendars: PlanCalendars;
    targets: Partial<Record<TargetKind, SlaTarget>>;
    pauseWhenWaiting: boolean;
  },
): SlaClock[] {
  const { calendars } = context;
  const stop = (metrics: readonly TargetKind[]) =>
    clocks.map((c) => (metrics.includes(c.metric) ? stopClock(c, at, calendars) : c));
  switch (event.kind) {
    case 'assigned':
      return stop(['assignment']);
    case 'agent-replied':
      return stop(['firstResponse', 'nextResponse']);
    case 'customer-replied':
      return startNextResponse(clocks, at, context);
    case 'waiting-on-customer':
      return context.pauseWhenWaiting ? clocks.map((c) => pauseClock(c, at, calendars)) : [...clocks];
    case 'customer-answered':
      return clocks.map((c) => resumeClock(c, at));
    case 'resolved':
    case 'closed':
      return clocks.map((c) => stopClock(c, at, calendars));
    case 'reopened':
      // The resolution clock goes on from where it stopped: a reopened ticket was not resolved.
      return clocks.map((c) => (c.metric === 'resolution' ? { ...c, stoppedAt: null, runningSince: at } : c));
  }
}

function startNextResponse(
  clocks: readonly SlaClock[],
  at: number,
  context: { calendars: PlanCalendars; targets: Partial<Record<TargetKind, SlaTarget>> },
): SlaClock[] {
  const target = context.targets.nextResponse;
  const first = clocks.find((c) => c.metric === 'firstResponse');
  const next = clocks.find((c) => c.metric === 'nextResponse');
  // Before the first answer, the first-response clock is still the one running.
  const answered = first === undefined || first.stoppedAt !== null;
  if (!target || !answered || (next && next.stoppedAt === null)) return [...clocks];
  const fresh = startClock('nextResponse', target, at, context.calendars, (next?.cycle ?? 0) + 1);
  return [...clocks.filter((c) => c.metric !== 'nextResponse'), fresh];
}

/**
 * New targets after a category, impact or priority change, keeping the time each clock used. A metric
 * that now has a target but had none starts with the time since registration already consumed;
 * one that lost its target is dropped.
 */
export function retargetClocks(
  clocks: readonly SlaClock[],
  targets: Partial<Record<TargetKind, SlaTarget>>,
  registeredAt: number,
  at: number,
  calendars: PlanCalendars,
): SlaClock[] {
  const out: SlaClock[] = [];
  for (const clock of clocks) {
    const target = targets[clock.metric];
    if (target) out.push(retargetClock(clock, target, calendars));
  }
  for (const metric of ['assignment', 'firstResponse', 'resolution'] as const) {
    const target = targets[metric];
    if (!target || out.some((c) => c.metric === metric)) continue;
    const fresh = startClock(metric, target, registeredAt, calendars);
    out.push({ ...fresh, consumedSeconds: consumedAt(fresh, at, calendars), runningSince: at });
  }
  return out;
}

/** The next instant something is due across the clocks (the queue orders by it, S1), or null. */
export function nextDueOf(clocks: readonly SlaClock[], calendars: PlanCalendars): number | null {
  let best: number | null = null;
  for (const clock of clocks) {
    const schedule = scheduleOf(clock, calendars);
    if (schedule && (best === null || schedule.dueAt < best)) best = schedule.dueAt;
  }
  return best;
}
