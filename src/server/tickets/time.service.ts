import type { Kysely, Selectable } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { addTerm, civilDateIn, compareCivilDates } from '../../core/contract/civil-date.ts';
import { flattenCategories } from '../../core/plan/plan.categories.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';
import type { TimeEntry, TimeEntryCreate } from '../../schema/ticket-work.schema.ts';
import type { Budget } from '../../schema/tickets.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { checkEstimate, currentEstimate, toEstimate } from './estimates.service.ts';
import { deskPlanOf } from './ticket-plan.ts';
import { requireTicket, type TicketRowLite } from './ticket-read.ts';
import type { TimeEntriesTable } from './tickets.tables.ts';

type PlanBudget = Plan['budgets'][number];
type ContractFacts = { id: string; plan_version_id: string; purchased_on: string };
const orgOf = (viewer: Viewer) => (viewer.kind === 'customer' ? viewer.organisationId : null);
const zoneOf = (plan: Plan) => plan.calendar?.timeZone ?? 'UTC';

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
 * logged against it and what remains (the customer sees what remains), leaving out for a customer
 * the budgets its plan keeps internal (visibleToCustomer: false).
 */
export async function budgetsFor(
  db: Kysely<Database>,
  contractId: string,
  viewer: Viewer,
  now: Date,
): Promise<Budget[]> {
  return budgetsWhere(db, contractId, now, (b) => viewer.kind === 'staff' || b.visibleToCustomer);
}

async function budgetsWhere(
  db: Kysely<Database>,
  contractId: string,
  now: Date,
  shown: (budget: PlanBudget) => boolean,
): Promise<Budget[]> {
  const contract = await findContract(db, contractId, null);
  if (!contract) return [];
  const { plan } = await deskPlanOf(db, contract.plan_version_id);
  const out: Budget[] = [];
  for (const budget of plan.budgets.filter(shown)) {
    out.push(await budgetStatus(db, plan, budget, contractId, contract.purchased_on, now));
  }
  return out;
}

/** R2.10: a contract's budgets; another organisation's contract answers 404 like a missing one. */
export async function contractBudgetsFor(
  db: Kysely<Database>,
  viewer: Viewer,
  contractId: string,
  now: Date,
): Promise<{ contractId: string; budgets: Budget[] }> {
  if (!(await findContract(db, contractId, orgOf(viewer))))
    throw new AppError('NOT_FOUND', `No contract ${contractId}.`);
  return { contractId, budgets: await budgetsFor(db, contractId, viewer, now) };
}

export async function budgetStatus(
  db: Kysely<Database>,
  plan: Plan,
  budget: PlanBudget,
  contractId: string,
  purchasedOn: string,
  now: Date,
): Promise<Budget> {
  return budgetOn(db, budget, contractId, purchasedOn, civilDateIn(now, zoneOf(plan)));
}

/** The budget's period containing `day` and the minutes logged in it. */
async function budgetOn(
  db: Kysely<Database>,
  budget: PlanBudget,
  contractId: string,
  purchasedOn: string,
  day: string,
): Promise<Budget> {
  const { startsOn, endsOn } = budgetPeriod(budget.period, day, purchasedOn);
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

async function findContract(
  db: Kysely<Database>,
  contractId: string,
  organisationId: string | null,
  forUpdate = false,
): Promise<ContractFacts | undefined> {
  let q = db
    .selectFrom('contracts')
    .select(['id', 'plan_version_id', 'purchased_on'])
    .where('id', '=', contractId);
  if (organisationId !== null) q = q.where('organisation_id', '=', organisationId);
  return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/**
 * R2.10 (S3): an agent logs time on a ticket by category. A budget of the contract's plan for that
 * category caps the minutes per period (422 BUDGET_EXCEEDED); one that needs prior agreement wants
 * an estimate the customer agreed to, and no more minutes than it (409 ESTIMATE_NOT_AGREED).
 * Lock order ticket → contract; the contract lock makes parallel entries check one after another.
 */
export async function logTime(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  input: TimeEntryCreate,
  now: Date,
): Promise<TimeEntry> {
  return db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ticketId, null, true);
    if (ticket.status === 'merged')
      throw new AppError(
        'TICKET_STATE_CONFLICT',
        `Ticket ${ticket.id} was merged into ${ticket.merged_into_id}; log the time there.`,
      );
    const { plan } = await deskPlanOf(trx, ticket.plan_version_id);
    const categoryId = input.categoryId ?? ticket.category_id;
    requirePlanCategory(plan, categoryId);
    const workDate = requireWorkDate(input.workDate, civilDateIn(now, zoneOf(plan)));
    if (ticket.contract_id !== null) {
      const contract = await findContract(trx, ticket.contract_id, null, true);
      if (contract) await checkBudgets(trx, ticket, contract, categoryId, workDate, input.minutes);
    }
    const row = await insertEntry(trx, ticket, viewer, { ...input, categoryId, workDate }, now);
    await recordAudit(
      trx,
      {
        action: 'ticket.time-logged',
        viewer,
        organisationId: ticket.organisation_id,
        subjectType: 'ticket',
        subjectId: ticket.id,
        details: { entryId: row.id, minutes: row.minutes, categoryId, workDate },
      },
      now,
    );
    return toTimeEntry(row);
  });
}

function requirePlanCategory(plan: Plan, categoryId: string): void {
  const ids = flattenCategories(plan.categories).map((f) => f.category.id);
  if (ids.includes(categoryId)) return;
  throw new AppError('VALIDATION_FAILED', 'Invalid request: body.categoryId: not a category of this plan', [
    { path: 'body.categoryId', rule: 'plan_category', message: `one of: ${ids.join(', ')}` },
  ]);
}

/** Work is logged once done: a day after today (in the plan's zone) is a mistake. */
function requireWorkDate(workDate: string | undefined, today: string): string {
  if (workDate === undefined) return today;
  if (compareCivilDates(workDate, today) <= 0) return workDate;
  const message = `not after today (${today} in the plan's time zone)`;
  throw new AppError('VALIDATION_FAILED', `Invalid request: body.workDate: ${message}`, [
    { path: 'body.workDate', rule: 'not_in_future', message },
  ]);
}

async function checkBudgets(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  contract: ContractFacts,
  categoryId: string,
  workDate: string,
  minutes: number,
): Promise<void> {
  const { plan } = await deskPlanOf(trx, contract.plan_version_id);
  for (const budget of plan.budgets.filter((b) => b.category === categoryId)) {
    if (budget.requiresPriorEstimateAgreement) await checkEstimate(trx, ticket, categoryId, minutes);
    const status = await budgetOn(trx, budget, contract.id, contract.purchased_on, workDate);
    if (minutes <= status.remainingMinutes) continue;
    throw new AppError(
      'BUDGET_EXCEEDED',
      `The ${budget.hours} h budget of category ${categoryId} for ${status.periodStartsOn} to ${status.periodEndsOn} ` +
        `has ${status.remainingMinutes} min left (${status.usedMinutes} of ${status.capMinutes} used); ${minutes} min do not fit (R2.10).`,
      { ...status, requestedMinutes: minutes, contractId: contract.id },
    );
  }
}

async function insertEntry(
  trx: Kysely<Database>,
  ticket: TicketRowLite,
  viewer: Viewer,
  input: { minutes: number; categoryId: string; workDate: string; note?: string | undefined },
  now: Date,
): Promise<Selectable<TimeEntriesTable>> {
  return trx
    .insertInto('time_entries')
    .values({
      id: newId('tim'),
      ticket_id: ticket.id,
      contract_id: ticket.contract_id,
      account_id: viewer.accountId,
      category_id: input.categoryId,
      minutes: input.minutes,
      work_date: input.workDate,
      note: input.note ?? '',
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A ticket's time: entries oldest first, the current estimate and its contract's budgets (R2.10). */
export async function ticketTime(db: Kysely<Database>, viewer: Viewer, ticketId: string, now: Date) {
  const ticket = await requireTicket(db, ticketId, orgOf(viewer));
  const rows = await db
    .selectFrom('time_entries')
    .selectAll()
    .where('ticket_id', '=', ticket.id)
    .orderBy('work_date')
    .orderBy('id')
    .execute();
  const estimate = await currentEstimate(db, ticket.id);
  return {
    ticketId: ticket.id,
    contractId: ticket.contract_id,
    entries: rows.map(toTimeEntry),
    totalMinutes: rows.reduce((sum, r) => sum + r.minutes, 0),
    estimate: estimate ? toEstimate(estimate) : null,
    budgets: ticket.contract_id === null ? [] : await budgetsFor(db, ticket.contract_id, viewer, now),
  };
}

function toTimeEntry(r: Selectable<TimeEntriesTable>): TimeEntry {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    contractId: r.contract_id,
    accountId: r.account_id,
    categoryId: r.category_id,
    minutes: r.minutes,
    workDate: r.work_date,
    note: r.note,
    createdAt: r.created_at.toISOString(),
  };
}
