import type { Kysely } from 'kysely';
import type { AddSeatsRequest, OrderResult, Quote, RenewalRequest } from '../../schema/contracts.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { organisationIdFilter } from '../auth/access.ts';
import { issueInvoice } from '../billing/invoice.service.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { syncLicenseKeys } from '../licenses/license-keys.service.ts';
import { countSeats } from '../systems/seat-count.service.ts';
import { appendTerms, currentSeats, insertOrder, lockContract } from './contract.repository.ts';
import type { OrderContext } from './contract.service.ts';
import { type ContractFacts, loadContractFacts } from './contract-facts.ts';
import { invoiceInputOf, notifyOrder, refusalError, todayFor } from './contract-order.ts';
import { type Quoted, quoteAddedSeats, quoteRenewal } from './contract-quote.ts';
import { refuseFewerSeats } from './contract-seats.ts';

// R0.4, R0.5, R0.7, R4.2, R4.4: renewals and added users. A write locks the contract row first
// (SELECT … FOR UPDATE) and reads the terms after the lock, so parallel renewals append one after another.

type Db = Kysely<Database>;
type Product = { id: string; name: string; category: string };
type Input = { kind: 'renewal'; body: RenewalRequest } | { kind: 'seats'; body: AddSeatsRequest };

/** The renewal quote (POST /v1/contracts/:id/renewals/quote): the same decision as the renewal, no writes. */
export async function quoteContractRenewal(
  db: Db,
  contractId: string,
  body: RenewalRequest,
  ctx: OrderContext,
): Promise<Quote> {
  return (await decide(db, contractId, { kind: 'renewal', body }, ctx)).quoted.quote;
}

export async function quoteContractSeats(
  db: Db,
  contractId: string,
  body: AddSeatsRequest,
  ctx: OrderContext,
): Promise<Quote> {
  return (await decide(db, contractId, { kind: 'seats', body }, ctx)).quoted.quote;
}

/** R0.4/R0.7/R4.4: renews the contract by its plan's timing rule; an S4 lapse is a reinstatement. */
export function renewContract(db: Db, contractId: string, body: RenewalRequest, ctx: OrderContext) {
  return writeOrder(db, contractId, { kind: 'renewal', body }, ctx);
}

/** R4.2: users added mid-term, prorated by days to the end of the current term. */
export function addSeats(db: Db, contractId: string, body: AddSeatsRequest, ctx: OrderContext) {
  return writeOrder(db, contractId, { kind: 'seats', body }, ctx);
}

async function writeOrder(db: Db, contractId: string, input: Input, ctx: OrderContext): Promise<OrderResult> {
  refuseCustomerUser(ctx);
  return db.transaction().execute(async (trx) => {
    const locked = await lockContract(trx, contractId, organisationIdFilter(ctx.viewer));
    if (!locked) throw notFound(contractId);
    const { facts, product, quoted, inputs } = await decide(trx, contractId, input, ctx);
    const { quote } = quoted;
    const pending = quote.pendingPayment;
    const orgId = facts.contract.organisationId;
    const orderId = await insertOrder(trx, {
      contractId,
      kind: quote.kind,
      orderedOn: quote.orderedOn,
      // R0.4 payment-date: a pending renewal's terms are planned again and appended when it is paid.
      quote: pending ? { inputs, quote, applyOnPayment: true } : { inputs, quote },
      createdBy: ctx.viewer.accountId,
    });
    if (!pending) await appendTerms(trx, contractId, orderId, quote.newTerms);
    const invoice = await issueInvoice(trx, invoiceInputOf(orgId, orderId, quoted, ctx.tax), ctx.now);
    const keys =
      input.kind === 'renewal' && !pending
        ? await syncLicenseKeys(trx, contractId, ctx.now, ctx.sealingKey)
        : { issued: [] };
    const result: OrderResult = {
      contractId,
      orderId,
      invoice: { id: invoice.id, number: invoice.number, totalMinor: invoice.totals.totalMinor },
      quote,
      licenseKeys: keys.issued,
      pendingPayment: pending,
    };
    const topic = input.kind === 'renewal' ? 'contract.renewed' : 'contract.users-added';
    // A pending renewal's 'contract.renewed' notice is written when it is paid (contract-paid-renewal.ts).
    if (!pending) await notifyOrder(trx, topic, orgId, product, result, ctx.sealingKey, ctx.now);
    await recordAudit(
      trx,
      {
        action: pending ? 'contract.renewal-ordered' : topic,
        viewer: ctx.viewer,
        organisationId: orgId,
        subjectType: 'contract',
        subjectId: contractId,
        details: { orderId, kind: quote.kind, invoiceNumber: invoice.number, pendingPayment: pending },
        clientIp: ctx.clientIp,
      },
      ctx.now,
    );
    return result;
  });
}

/** Contract writes by a customer (renewals, added users) need the customer-admin role (docs/contracts-api.md). */
function refuseCustomerUser(ctx: OrderContext): void {
  if (ctx.viewer.kind === 'customer' && ctx.viewer.role !== 'customer-admin') {
    throw new AppError(
      'FORBIDDEN',
      "Only the organisation's customer-admins may renew a contract or add users; a customer-user may quote.",
      { requiredRole: 'customer-admin' },
    );
  }
}

type Decision = { facts: ContractFacts; product: Product; quoted: Quoted; inputs: Record<string, unknown> };

async function decide(db: Db, contractId: string, input: Input, ctx: OrderContext): Promise<Decision> {
  const facts = await loadContractFacts(db, contractId, organisationIdFilter(ctx.viewer));
  if (!facts) throw notFound(contractId);
  refuseCustomerDates(ctx, input);
  const product = await db
    .selectFrom('products')
    .select(['id', 'name', 'category'])
    .where('id', '=', facts.contract.productId)
    .executeTakeFirstOrThrow();
  const { plan, contract, terms } = facts;
  const today = todayFor(plan, ctx.now);
  const isPerUser = plan.price.rule === 'per-user';
  if (input.kind === 'seats') {
    const addedOn = input.body.addedOn ?? today;
    const quoted = quoteAddedSeats({ plan, terms, addedOn, seats: input.body.seats, tax: ctx.tax });
    if (!quoted.ok) throw refusalError(quoted);
    return { facts, product, quoted, inputs: { ...input.body, addedOn, terms, tax: ctx.tax } };
  }
  const body = input.body;
  const renewOn = body.renewOn ?? today;
  const seats = isPerUser ? await renewalSeats(db, facts, body.seats, ctx.viewer) : undefined;
  const quoted = quoteRenewal({
    plan,
    productCategory: product.category,
    currency: contract.currency,
    listPriceMinor: contract.listPriceMinor,
    terms,
    renewOn,
    paidOn: body.paidOn,
    count: body.terms ?? 1,
    seats,
    billing: body.billing,
    tax: ctx.tax,
  });
  if (!quoted.ok) throw refusalError(quoted);
  if (awaitsPayment(plan, ctx, body) && quoted.quote.totals.totalMinor > 0) markPending(quoted);
  const inputs = {
    ...body,
    renewOn,
    seats: seats ?? null,
    planVersionId: contract.planVersionId,
    productCategory: product.category,
    listPriceMinor: contract.listPriceMinor,
    termsBefore: terms,
    tax: ctx.tax,
  };
  return { facts, product, quoted, inputs };
}

/**
 * R4.1: a per-user renewal is priced for the systems linked to the contract, counted by its plan's rule;
 * without such an inventory (or when it counts nobody), for the seats on the contract (last order plus
 * users added since). A customer may pay for more users than that, never fewer (staff may).
 */
async function renewalSeats(
  db: Db,
  facts: ContractFacts,
  asked: number | undefined,
  viewer: OrderContext['viewer'],
): Promise<number | undefined> {
  const { plan, contract } = facts;
  const counting = plan.price.rule === 'per-user' ? plan.price.counting : undefined;
  const counted = await countSeats(db, contract.organisationId, { contractId: contract.id, counting });
  const known =
    (counted === undefined || counted === 0 ? null : counted) ?? (await currentSeats(db, contract.id));
  refuseFewerSeats(viewer, asked, known ?? undefined);
  return asked ?? known ?? undefined;
}

/**
 * R0.4 decision: under `serviceResumesFrom: 'payment-date'` a customer's renewal (which never carries
 * paidOn) waits for its payment. Staff renewals record a paid order (paidOn, default the order date).
 */
function awaitsPayment(plan: ContractFacts['plan'], ctx: OrderContext, body: RenewalRequest): boolean {
  return (
    plan.renewal.serviceResumesFrom === 'payment-date' &&
    ctx.viewer.kind === 'customer' &&
    body.paidOn === undefined
  );
}

function markPending(quoted: Quoted): void {
  const q = quoted.quote;
  q.pendingPayment = true;
  q.explanation = `Service starts on the day the invoice is paid (R0.4): nothing is appended before then, and the dates below assume payment on ${q.orderedOn}; paid later, the term keeps its dates and the unserved gap runs to the payment date. ${q.explanation}`;
}

/** Back-office dates are staff only: a customer orders today (customers may not set renewOn, paidOn, addedOn). */
function refuseCustomerDates(ctx: OrderContext, input: Input): void {
  if (ctx.viewer.kind !== 'customer') return;
  const fields =
    input.kind === 'renewal'
      ? (['renewOn', 'paidOn'] as const).filter((f) => input.body[f] !== undefined)
      : input.body.addedOn === undefined
        ? []
        : ['addedOn'];
  if (fields.length > 0) {
    throw new AppError('FORBIDDEN', `body.${fields[0]}: only the vendor's staff may set this date.`, {
      fields: fields.map((f) => `body.${f}`),
    });
  }
}

function notFound(contractId: string): AppError {
  return new AppError('NOT_FOUND', `No contract ${contractId}.`);
}
