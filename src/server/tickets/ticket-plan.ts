import type { Kysely } from 'kysely';
import { type Plan, planSchema } from '../../core/plan/plan.schema.ts';
import { compilePlanCalendars, type PlanCalendars } from '../../core/plan/plan.sla.ts';
import { canonicalJson, sha256Hex } from '../../core/plan/plan.version.ts';
import type { Database } from '../db/database-types.ts';

/** A plan version as the help desk uses it: the document, its compiled calendars and the calendar's version. */
export type DeskPlan = {
  planVersionId: string;
  plan: Plan;
  calendars: PlanCalendars;
  /** sha256 of the canonical calendar and pause settings: what a ticket's clocks are pinned to. */
  calendarHash: string;
};

// Plan versions never change, so a compiled one can be kept; compiling (holidays) costs milliseconds.
const cache = new Map<string, DeskPlan>();
const CACHE_MAX = 200;

/** The stored plan version with its compiled calendars (cached per version id). */
export async function deskPlanOf(db: Kysely<Database>, planVersionId: string): Promise<DeskPlan> {
  const hit = cache.get(planVersionId);
  if (hit) return hit;
  const row = await db
    .selectFrom('plan_versions')
    .select(['id', 'document'])
    .where('id', '=', planVersionId)
    .executeTakeFirst();
  if (!row) throw new Error(`plan version ${planVersionId} is missing`);
  const plan = planSchema.parse(row.document);
  const desk: DeskPlan = {
    planVersionId,
    plan,
    calendars: compilePlanCalendars(plan),
    calendarHash: calendarHashOf(plan),
  };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(planVersionId, desk);
  return desk;
}

/** The latest stored version of a plan key (a product's plan for tickets without a contract). */
export async function latestPlanVersionId(
  db: Kysely<Database>,
  planKey: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('plan_versions')
    .select('id')
    .where('plan_key', '=', planKey)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

export function calendarHashOf(plan: Plan): string {
  return `sha256:${sha256Hex(canonicalJson({ calendar: plan.calendar ?? null, pauses: plan.pauses }))}`.slice(
    0,
    23,
  );
}
