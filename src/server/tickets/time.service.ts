import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { addTerm, civilDateIn, compareCivilDates } from '../../core/contract/civil-date.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';
import type { Budget } from '../../schema/tickets.schema.ts';
import type { Database } from '../db/database-types.ts';
import { deskPlanOf } from './ticket-plan.ts';

/** The budget period containing `today`: the calendar month, or the contract year from purchasedOn. */
export function budgetPeriod(
  period: 'month' | 'contract-year',
  today: string,
  purchasedOn: string,
): { startsOn: string; endsOn: string } {
  if (period === 'month') {
    const start = Temporal.PlainDate.from(today).with({ day: 1 });
    return { startsOn: start.toString(), endsOn: start.add({ months: 1 }).toString() };
  }
  let n = 0;
  while (compareCivilDates(addTerm(purchasedOn, { years: 1 }, n + 1), today) <= 0) n++;
  return {
    startsOn: addTerm(purchasedOn, { years: 1 }, n),
    endsOn: addTerm(purchasedOn, { years: 1 }, n + 1),
  };
}

/**
 * R2.10 (S3): each budget of the contract's plan for the period containing today, with the minutes
 * logged against it and what remains; the customer sees the same numbers.
 */
export async function contractBudgets(
  db: Kysely<Database>,
  contractId: string,
  now: Date,
): Promise<Budget[]> {
  const contract = await db
    .selectFrom('contracts')
    .select(['plan_version_id', 'purchased_on'])
    .where('id', '=', contractId)
    .executeTakeFirst();
  if (!contract) return [];
  const { plan } = await deskPlanOf(db, contract.plan_version_id);
  const out: Budget[] = [];
  for (const budget of plan.budgets) {
    out.push(await budgetStatus(db, plan, budget, contractId, contract.purchased_on, now));
  }
  return out;
}

export async function budgetStatus(
  db: Kysely<Database>,
  plan: Plan,
  budget: Plan['budgets'][number],
  contractId: string,
  purchasedOn: string,
  now: Date,
): Promise<Budget> {
  const today = civilDateIn(now, plan.calendar?.timeZone ?? 'UTC');
  const { startsOn, endsOn } = budgetPeriod(budget.period, today, purchasedOn);
  const row = await db
    .selectFrom('time_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('minutes'), eb.lit(0)).as('used'))
    .where('contract_id', '=', contractId)
    .where('category_id', '=', budget.category)
    .where('work_date', '>=', startsOn)
    .where('work_date', '<', endsOn)
    .executeTakeFirstOrThrow();
  const used = Number(row.used);
  const cap = budget.hours * 60;
  return {
    category: budget.category,
    period: budget.period,
    periodStartsOn: startsOn,
    periodEndsOn: endsOn,
    capMinutes: cap,
    usedMinutes: used,
    remainingMinutes: Math.max(0, cap - used),
    requiresPriorEstimateAgreement: budget.requiresPriorEstimateAgreement,
  };
}
