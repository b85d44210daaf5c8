import type { Temporal } from 'temporal-polyfill';
import { type CompiledCalendar, compileCalendar } from '../calendar/calendar.compile.ts';
import { addWorkingDays } from '../calendar/calendar.days.ts';
import { addWorkingTime, isWorkingInstant, nextWorkingInstant } from '../calendar/calendar.ops.ts';
import { alwaysOpenCalendarSpec } from '../calendar/calendar.schema.ts';
import { effectiveTargets, flattenCategories } from './plan.categories.ts';
import type { Plan } from './plan.schema.ts';
import type { Impact, SlaTarget, TargetKind } from './plan-desk.schema.ts';
import { targetKinds } from './plan-desk.schema.ts';
import { parseSlaWithin } from './sla-within.ts';

/** The plan's compiled calendars; compile once per plan version and reuse (holiday lookup is slow). */
export interface PlanCalendars {
  working?: CompiledCalendar;
  always: CompiledCalendar;
}

export function compilePlanCalendars(plan: Plan): PlanCalendars {
  // R2.5 (S1): with maintenance pauses on, calendar-time targets also stop during the announced windows.
  const closures = plan.pauses.maintenanceWindows ? (plan.calendar?.closures ?? []) : [];
  const always = compileCalendar(
    closures.length > 0 ? { ...alwaysOpenCalendarSpec, closures } : alwaysOpenCalendarSpec,
  );
  return plan.calendar ? { working: compileCalendar(plan.calendar), always } : { always };
}

export interface SlaDue {
  kind: TargetKind;
  target: SlaTarget;
  /** When the target is met at the latest (closing-time convention: work ending at 18:00 shows 18:00). */
  dueAt: Temporal.Instant;
  /** Anything later misses the target: dueAt, or when dueAt is a closing time, the next opening (LESSONS). */
  breachedAfter: Temporal.Instant;
}

export interface SlaSkipped {
  kind: TargetKind;
  reason: 'NO_TARGET' | 'IMPACT_NOT_MATCHED';
}

export type SlaDueResult =
  | { ok: true; categoryId: string; categoryName: string; due: SlaDue[]; skipped: SlaSkipped[] }
  | { ok: false; code: 'UNKNOWN_CATEGORY'; message: string; validIds: string[] };

export interface SlaDueOptions {
  /** The ticket's impact, for targets that apply only at some impacts (S3 3.4). */
  impact?: Impact;
  /** Precompiled calendars from compilePlanCalendars, to avoid compiling per call. */
  calendars?: PlanCalendars;
}

/**
 * Each SLA target's due instant for a ticket of this category registered at `registeredAt` (R2.4).
 * Example (business-sla): category '3.1' registered Fri 17:30 Moscow → assignment due Mon 09:30, resolution Mon 17:30.
 */
export function computeSlaDueDates(
  plan: Plan,
  categoryId: string,
  registeredAt: Temporal.Instant,
  options: SlaDueOptions = {},
): SlaDueResult {
  const all = flattenCategories(plan.categories);
  const flat = all.find((f) => f.category.id === categoryId);
  if (!flat) {
    const validIds = all.map((f) => f.category.id);
    const message = `unknown category "${categoryId}"; valid ids: ${validIds.join(', ')}`;
    return { ok: false, code: 'UNKNOWN_CATEGORY', message, validIds };
  }
  const calendars = options.calendars ?? compilePlanCalendars(plan);
  const targets = effectiveTargets(plan.defaultTargets, flat);
  const due: SlaDue[] = [];
  const skipped: SlaSkipped[] = [];
  for (const kind of targetKinds) {
    const target = targets[kind];
    if (!target) skipped.push({ kind, reason: 'NO_TARGET' });
    else if (!impactMatches(target, options.impact)) skipped.push({ kind, reason: 'IMPACT_NOT_MATCHED' });
    else due.push(dueFor(kind, target, registeredAt, calendars));
  }
  return { ok: true, categoryId, categoryName: flat.category.name, due, skipped };
}

function impactMatches(target: SlaTarget, impact: Impact | undefined): boolean {
  if (!target.appliesWhen) return true;
  return impact !== undefined && target.appliesWhen.impact.includes(impact);
}

function dueFor(
  kind: TargetKind,
  target: SlaTarget,
  start: Temporal.Instant,
  calendars: PlanCalendars,
): SlaDue {
  const within = parseSlaWithin(target.within);
  if (!within.ok) throw new RangeError(`invalid target ${kind}.within: ${within.message}`);
  const cal = target.clock === 'working' ? calendars.working : calendars.always;
  // The schema refuses working targets without a calendar, so this is a fault, not bad input.
  if (!cal) throw new RangeError(`target ${kind} runs on working time but the plan has no calendar`);
  const dueAt =
    within.kind === 'working-days'
      ? addWorkingDays(cal, start, within.days, 'working-day-length')
      : addWorkingTime(cal, start, within.seconds);
  const breachedAfter = isWorkingInstant(cal, dueAt) ? dueAt : nextWorkingInstant(cal, dueAt);
  return { kind, target, dueAt, breachedAfter };
}
