import { type Kysely, sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import type { Restriction } from '../../core/contract/entitlement.ts';
import { flattenCategories } from '../../core/plan/plan.categories.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';
import {
  contractYearOf,
  decideIntake,
  type IntakeDecision,
  type IntakeRestriction,
  type MaintenanceNotice,
  type TicketChannel,
} from '../../core/ticket/intake.ts';
import { openClocks } from '../../core/ticket/ticket-clocks.ts';
import type { Priority, TicketCreateRequest } from '../../schema/tickets.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import { loadActiveRestrictions, loadTerms } from '../contracts/contract-facts.ts';
import { isRegisteredOnDesk, isSubscribedToProductUpdates } from '../customers/desk-facts.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { carryAlarms, saveClocks, toEpoch } from './sla-clocks.repository.ts';
import {
  afterCustomerText,
  closeDuplicatesOf,
  refuseIfFlooding,
  scheduleAutoClose,
} from './ticket-automations.ts';
import { type AutoAssign, autoAssignTicket } from './ticket-dispatch.ts';
import { type DeskPlan, deskPlanOf, latestPlanVersionId } from './ticket-plan.ts';
import { requireTicket, type TicketRowLite } from './ticket-read.ts';

/** Who a ticket is for and what the gate reads about them (R1.1). */
type Requester = { accountId: string | null; registeredOnDesk: boolean; subscribedToProductUpdates: boolean };

type ContractRow = {
  id: string;
  plan_version_id: string;
  purchased_on: string;
  purchased_major: number;
  compatibility_snapshot: unknown;
};

export type CreateContext = { viewer: Viewer; now: Date; autoAssign?: AutoAssign };

export type CreatedTicket = { ticket: TicketRowLite; maintenance: MaintenanceNotice | null };

/**
 * Opens a ticket (R2.1–R2.2) behind the intake gate (R1.1–R1.7): one pure decision from the contract
 * and its plan; a refusal is stored with its reason code and the submitted text, then answered
 * 422 TICKET_REFUSED; an accepted ticket is written with its pinned plan version, its first message and
 * its SLA clocks in one transaction.
 */
export async function createTicket(
  db: Kysely<Database>,
  body: TicketCreateRequest,
  ctx: CreateContext,
): Promise<CreatedTicket> {
  const organisationId = owningOrganisation(ctx.viewer, body.organisationId);
  const product = await db
    .selectFrom('products')
    .select(['id', 'plan_key'])
    .where('id', '=', body.productId)
    .executeTakeFirst();
  if (!product) throw new AppError('NOT_FOUND', `No product ${body.productId}.`);
  const contract = await findContract(db, organisationId, product.id);
  const planVersionId = contract?.plan_version_id ?? (await latestPlanVersionId(db, product.plan_key));
  if (!planVersionId)
    throw new Error(`product ${product.id}: plan ${product.plan_key} has no stored version`);
  const desk = await deskPlanOf(db, planVersionId);
  requireCategory(desk.plan, body.categoryId);
  const channel: TicketChannel = body.channel ?? (isApiKey(ctx.viewer) ? 'api' : 'portal');
  const requester = await requesterOf(db, ctx.viewer, organisationId, body.requesterAccountId);
  const decision = await gate(db, { body, desk, contract, organisationId, channel, requester, ctx });
  if (decision.outcome === 'refused') {
    return recordRefusal(db, { body, organisationId, contract, channel, requester, decision, ctx });
  }
  await refuseIfFlooding(db, desk.plan, { organisationId, requesterAccountId: requester.accountId }, ctx.now);
  const ticket = await db.transaction().execute(async (trx) => {
    const row = await insertTicket(trx, {
      body,
      desk,
      contract,
      organisationId,
      channel,
      requester,
      decision,
      ctx,
    });
    await closeDuplicatesOf(trx, row, desk.plan, body.description, ctx.now);
    await autoAssignTicket(trx, row, ctx.autoAssign ?? 'off', ctx.now);
    await afterCustomerText(
      trx,
      row,
      desk.plan,
      null,
      `${body.subject}\n${body.description}`,
      ctx.viewer,
      ctx.now,
    );
    return requireTicket(trx, row.id, null);
  });
  return { ticket, maintenance: decision.maintenance };
}

function isApiKey(viewer: Viewer): boolean {
  return viewer.kind === 'staff' && viewer.apiKeyId !== null;
}

function owningOrganisation(viewer: Viewer, named: string | undefined): string {
  if (viewer.kind === 'customer') {
    if (named !== undefined && named !== viewer.organisationId)
      throw new AppError('NOT_FOUND', `No organisation ${named}.`);
    return viewer.organisationId;
  }
  if (named === undefined) {
    throw new AppError('VALIDATION_FAILED', 'Invalid request: body.organisationId: required for staff', [
      { path: 'body.organisationId', rule: 'required', message: 'staff must name the customer organisation' },
    ]);
  }
  return named;
}

function requireCategory(plan: Plan, categoryId: string): void {
  const ids = flattenCategories(plan.categories).map((f) => f.category.id);
  if (ids.includes(categoryId)) return;
  throw new AppError('VALIDATION_FAILED', `Invalid request: body.categoryId: not a category of this plan`, [
    {
      path: 'body.categoryId',
      rule: 'plan_category',
      message: `not a category of plan ${plan.key}; one of: ${ids.join(', ')}`,
    },
  ]);
}

async function findContract(
  db: Kysely<Database>,
  organisationId: string,
  productId: string,
): Promise<ContractRow | undefined> {
  return db
    .selectFrom('contracts')
    .select(['id', 'plan_version_id', 'purchased_on', 'purchased_major', 'compatibility_snapshot'])
    .where('organisation_id', '=', organisationId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
}

async function requesterOf(
  db: Kysely<Database>,
  viewer: Viewer,
  organisationId: string,
  named: string | undefined,
): Promise<Requester> {
  const accountId = viewer.kind === 'customer' ? viewer.accountId : (named ?? null);
  if (accountId === null) {
    // Staff logging an incident for the organisation without naming the person: the organisation's facts.
    return { accountId: null, registeredOnDesk: true, subscribedToProductUpdates: true };
  }
  const account = await db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', accountId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!account)
    throw new AppError('NOT_FOUND', `No customer account ${accountId} in organisation ${organisationId}.`);
  return {
    accountId,
    registeredOnDesk: await isRegisteredOnDesk(db, accountId),
    subscribedToProductUpdates: await isSubscribedToProductUpdates(db, accountId),
  };
}

type GateInput = {
  body: TicketCreateRequest;
  desk: DeskPlan;
  contract: ContractRow | undefined;
  organisationId: string;
  channel: TicketChannel;
  requester: Requester;
  ctx: CreateContext;
};

async function gate(db: Kysely<Database>, input: GateInput): Promise<IntakeDecision> {
  const { desk, contract, ctx } = input;
  const plan = desk.plan;
  const zone = plan.calendar?.timeZone ?? 'UTC';
  const today = civilDateIn(ctx.now, zone);
  const restrictions: IntakeRestriction[] = (await loadActiveRestrictions(db, input.organisationId)).map(
    (r) => ({
      kind: r.kind,
      reason: r.reason,
      revokes: r.revokes as Restriction['revokes'],
    }),
  );
  const terms = contract ? await loadTerms(db, contract.id) : [];
  const phoneIncidents =
    contract && input.channel === 'phone' ? await phoneIncidentsOf(db, contract, today, zone) : 0;
  return decideIntake({
    plan,
    contract: contract
      ? { terms, purchasedOn: contract.purchased_on, purchasedMajor: contract.purchased_major }
      : null,
    restrictions,
    today,
    now: Temporal.Instant.fromEpochMilliseconds(ctx.now.getTime()),
    channel: input.channel,
    loggedByAgent: ctx.viewer.kind === 'staff',
    requester: input.requester,
    platform: input.body.platform ?? null,
    compatibility: (contract?.compatibility_snapshot as IntakeCompatibility) ?? null,
    phoneIncidentsThisContractYear: phoneIncidents,
  });
}

/** The instant a civil date begins in a time zone. */
function startOfDay(date: string, zone: string): Date {
  const instant = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone }).toInstant();
  return new Date(instant.epochMilliseconds);
}

type IntakeCompatibility = { platforms: { platform: string; versions: string[] }[] } | null;

/** R2.1 (S4): phone tickets already accepted in the contract year containing today. */
async function phoneIncidentsOf(
  db: Kysely<Database>,
  contract: ContractRow,
  today: string,
  zone: string,
): Promise<number> {
  const year = contractYearOf(contract.purchased_on, today);
  const row = await db
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('contract_id', '=', contract.id)
    .where('channel', '=', 'phone')
    .where('created_at', '>=', startOfDay(year.startsOn, zone))
    .where('created_at', '<', startOfDay(year.endsOn, zone))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

type RefusalInput = Omit<GateInput, 'desk'> & { decision: Extract<IntakeDecision, { outcome: 'refused' }> };

/** A refused request is kept with its reason and text (nothing silently dropped), then answered plainly. */
async function recordRefusal(db: Kysely<Database>, input: RefusalInput): Promise<never> {
  const { decision, ctx } = input;
  const id = newId('ref');
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('intake_refusals')
      .values({
        id,
        organisation_id: input.organisationId,
        product_id: input.body.productId,
        contract_id: input.contract?.id ?? null,
        requester_account_id: input.requester.accountId,
        channel: input.channel,
        reason: decision.reason,
        message: decision.message,
        subject: input.body.subject,
        body: input.body.description,
        created_at: ctx.now,
      })
      .execute();
    await recordAudit(
      trx,
      {
        action: 'ticket.refused',
        viewer: ctx.viewer,
        organisationId: input.organisationId,
        subjectType: 'intake-refusal',
        subjectId: id,
        outcome: decision.reason,
      },
      ctx.now,
    );
    await enqueueNotice(
      trx,
      {
        topic: 'ticket.refused',
        dedupeKey: `ticket.refused:${id}`,
        organisationId: input.organisationId,
        payload: {
          refusalId: id,
          reason: decision.reason,
          message: decision.message,
          accountId: input.requester.accountId,
        },
      },
      ctx.now,
    );
  });
  const details: Record<string, string> = { reason: decision.reason, refusalId: id };
  if (decision.field) details.field = decision.field;
  throw new AppError('TICKET_REFUSED', decision.message, details);
}

type InsertInput = GateInput & { decision: Exclude<IntakeDecision, { outcome: 'refused' }> };

async function insertTicket(trx: Kysely<Database>, input: InsertInput): Promise<TicketRowLite> {
  const { body, desk, ctx, decision } = input;
  const plan = desk.plan;
  const id = newId('tkt');
  const top = isTopPriority(plan, body.categoryId, body.impact ?? null);
  const priority: Priority = top ? 'urgent' : (body.priority ?? 'normal');
  const billable = decision.outcome === 'billable';
  await trx
    .insertInto('tickets')
    .values({
      id,
      organisation_id: input.organisationId,
      product_id: body.productId,
      contract_id: input.contract?.id ?? null,
      plan_version_id: desk.planVersionId,
      calendar_hash: desk.calendarHash,
      category_id: body.categoryId,
      impact: body.impact ?? null,
      priority,
      top_priority: top,
      channel: input.channel,
      status: 'new',
      billable,
      hourly_rate_minor: billable ? decision.ratePerHour.amountMinor : null,
      hourly_rate_currency: billable ? decision.ratePerHour.currency : null,
      requester_account_id: input.requester.accountId,
      created_by_account_id: ctx.viewer.accountId,
      subject: body.subject,
      environment: JSON.stringify(body.environment ?? {}),
      platform: body.platform?.platform ?? null,
      platform_version: body.platform?.version ?? null,
      created_at: ctx.now,
      updated_at: ctx.now,
      last_public_message_at: ctx.now,
      search_public: sql`setweight(to_tsvector('english', ${body.subject}), 'A') || to_tsvector('english', ${body.description})`,
      search_all: sql`setweight(to_tsvector('english', ${body.subject}), 'A') || to_tsvector('english', ${body.description})`,
    } as never)
    .execute();
  await trx
    .insertInto('ticket_messages')
    .values({
      id: newId('msg'),
      ticket_id: id,
      author_account_id: ctx.viewer.accountId,
      author_kind: ctx.viewer.kind === 'customer' ? 'customer' : 'agent',
      visibility: 'public',
      body: body.description,
      created_at: ctx.now,
    })
    .execute();
  const clocks = openClocks(plan, body.categoryId, body.impact ?? null, toEpoch(ctx.now), desk.calendars);
  await saveClocks(trx, id, carryAlarms(clocks, []), desk.calendars, ctx.now);
  await scheduleAutoClose(trx, id, plan, ctx.now, ctx.now);
  await recordAudit(
    trx,
    {
      action: 'ticket.created',
      viewer: ctx.viewer,
      organisationId: input.organisationId,
      subjectType: 'ticket',
      subjectId: id,
      details: { channel: input.channel, billable, categoryId: body.categoryId },
    },
    ctx.now,
  );
  await enqueueNotice(
    trx,
    {
      topic: 'ticket.created',
      dedupeKey: `ticket.created:${id}`,
      organisationId: input.organisationId,
      payload: { ticketId: id, subject: body.subject, billable, accountId: input.requester.accountId },
    },
    ctx.now,
  );
  return requireTicket(trx, id, null);
}

/** R2.6 (S4): a top-priority category or impact (a total outage) goes to the top of the queue. */
export function isTopPriority(plan: Plan, categoryId: string, impact: string | null): boolean {
  const category = flattenCategories(plan.categories).find((f) => f.category.id === categoryId);
  if (category?.category.topPriority || category?.ancestors.some((a) => a.topPriority)) return true;
  return impact !== null && (plan.queue.topPriorityImpacts as readonly string[]).includes(impact);
}
