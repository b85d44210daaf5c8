import type { Kysely } from 'kysely';
import { type CivilDate, civilDateIn, maxCivilDate } from '../../core/contract/civil-date.ts';
import { planRenewal } from '../../core/contract/renewal.ts';
import type { OrderResult, Quote } from '../../schema/contracts.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { syncLicenseKeys } from '../licenses/license-keys.service.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { appendTerms, lockContract } from './contract.repository.ts';
import { loadContractFacts } from './contract-facts.ts';
import { notifyOrder } from './contract-order.ts';

// R0.4 decision (S0): a customer's renewal under `serviceResumesFrom: 'payment-date'` is an order and an
// invoice only; its terms, keys and 'contract.renewed' notice follow here, when the invoice is fully paid,
// in the payment's transaction: service resumes on the payment date, the term keeps its backdated start.

type Db = Kysely<Database>;

export type PaidRenewalContext = {
  viewer: Viewer;
  now: Date;
  clientIp: string | null;
  /** Seals the new keys in the notice; without it the notice names them by prefix (docs/licensing.md). */
  sealingKey?: SealingKey | undefined;
};

export type PaidInvoice = { id: string; number: string; totalMinor: number; orderId: string | null };

type StoredQuote = { inputs?: { terms?: number }; quote: Quote; applyOnPayment?: boolean };

/**
 * Appends the terms of the pending renewal an invoice belongs to, dated by the payment (`paidAt`, as a
 * civil date in the plan's zone, never before the order date). Does nothing for any other invoice, and
 * nothing for an order that already has terms (idempotent). Returns the applied order's result, if any.
 */
export async function applyPaidRenewal(
  trx: Db,
  invoice: PaidInvoice,
  paidAt: Date,
  ctx: PaidRenewalContext,
): Promise<OrderResult | undefined> {
  if (invoice.orderId === null) return undefined;
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'contract_id', 'ordered_on', 'quote'])
    .where('id', '=', invoice.orderId)
    .executeTakeFirst();
  const stored = order?.quote as StoredQuote | undefined;
  if (!order || stored?.applyOnPayment !== true) return undefined;
  await lockContract(trx, order.contract_id, null);
  if (await hasTerms(trx, order.id)) return undefined;
  const facts = await loadContractFacts(trx, order.contract_id);
  if (!facts) throw new Error(`contract ${order.contract_id} of order ${order.id} vanished`);
  const { plan, terms, contract } = facts;
  const paidOn = maxCivilDate(civilDateIn(paidAt, plan.calendar?.timeZone ?? 'UTC'), order.ordered_on);
  const renewal = planRenewal({
    plan,
    terms,
    renewOn: order.ordered_on,
    paidOn,
    invoiceOn: order.ordered_on,
    count: stored.inputs?.terms ?? 1,
  });
  const audit = {
    viewer: ctx.viewer,
    organisationId: contract.organisationId,
    subjectType: 'contract',
    subjectId: contract.id,
    clientIp: ctx.clientIp,
  };
  if (!renewal.ok) {
    // The core refused the renewal as of the payment: recorded for staff to settle (docs/contracts-api.md).
    await recordAudit(
      trx,
      {
        ...audit,
        action: 'contract.renewal-not-applied',
        details: { orderId: order.id, paidOn, reason: renewal.reason, message: renewal.message },
      },
      ctx.now,
    );
    return undefined;
  }
  await appendTerms(trx, contract.id, order.id, renewal.newTerms);
  const keys = await syncLicenseKeys(trx, contract.id, ctx.now, ctx.sealingKey);
  const result: OrderResult = {
    contractId: contract.id,
    orderId: order.id,
    invoice: { id: invoice.id, number: invoice.number, totalMinor: invoice.totalMinor },
    quote: {
      ...stored.quote,
      newTerms: renewal.newTerms,
      serviceFrom: renewal.serviceFrom,
      expiresOn: renewal.expiresOn,
      pendingPayment: false,
      explanation: paidExplanation(paidOn, renewal.explanation),
    },
    licenseKeys: keys.issued,
    pendingPayment: false,
  };
  const product = await trx
    .selectFrom('products')
    .select(['id', 'name'])
    .where('id', '=', contract.productId)
    .executeTakeFirstOrThrow();
  await notifyOrder(
    trx,
    'contract.renewed',
    contract.organisationId,
    product,
    result,
    ctx.sealingKey,
    ctx.now,
  );
  await recordAudit(
    trx,
    {
      ...audit,
      action: 'contract.renewed',
      details: { orderId: order.id, invoiceNumber: invoice.number, paidOn, appliedOnPayment: true },
    },
    ctx.now,
  );
  return result;
}

async function hasTerms(trx: Db, orderId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('coverage_terms')
    .select('id')
    .where('order_id', '=', orderId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

function paidExplanation(paidOn: CivilDate, renewal: string): string {
  return `Paid on ${paidOn}: service resumes from the payment date (R0.4). ${renewal}`;
}
