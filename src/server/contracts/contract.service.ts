import type { Kysely } from 'kysely';
import type { Plan } from '../../core/plan/plan.schema.ts';
import type { TaxRate } from '../../core/pricing/index.ts';
import type { OrderResult, PurchaseRequest } from '../../schema/contracts.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import { issueInvoice } from '../billing/invoice.service.ts';
import { compatibilityInForce } from '../catalog/compatibility.service.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { syncLicenseKeys } from '../licenses/license-keys.service.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { countSeats } from '../systems/seat-count.service.ts';
import {
  appendTerms,
  findContractId,
  findProductForSale,
  insertOrder,
  latestMajorOn,
  organisationExists,
  type ProductForSale,
} from './contract.repository.ts';
import { invoiceInputOf, notifyOrder, refusalError, todayFor } from './contract-order.ts';
import { type Quoted, quotePurchase } from './contract-quote.ts';
import { refuseFewerSeats } from './contract-seats.ts';

// R0.1, R0.2, R0.6, R0.7: a purchase is a contract, its first term, an order with the whole quote, an
// invoice, a license with its key and a notice, all in one transaction.

type Db = Kysely<Database>;

/**
 * Who acts and from where (audit), the tax rate new invoice lines snapshot, and the key that seals
 * license keys in the order's notices (docs/licensing.md).
 */
export type OrderContext = {
  viewer: Viewer;
  clientIp: string | null;
  tax: TaxRate;
  now: Date;
  sealingKey: SealingKey;
};

export type PreparedPurchase = { product: ProductForSale; purchasedOn: string; quoted: Quoted };

/** The purchase decision without writes (POST /v1/contracts/quote answers its quote). */
export async function preparePurchase(
  db: Db,
  input: PurchaseRequest,
  ctx: Pick<OrderContext, 'tax' | 'now'> & { viewer?: Viewer },
): Promise<PreparedPurchase> {
  if (!(await organisationExists(db, input.organisationId))) {
    throw new AppError('NOT_FOUND', `body.organisationId: no organisation ${input.organisationId}.`);
  }
  const product = await findProductForSale(db, input.productId);
  if (!product) throw new AppError('NOT_FOUND', `body.productId: no product ${input.productId}.`);
  if (product.archived) {
    throw new AppError('PRICE_UNAVAILABLE', `Product ${product.id} is archived and no longer sold.`, {
      reason: 'PRODUCT_ARCHIVED',
    });
  }
  await refuseSecondContract(db, input.organisationId, input.productId);
  const purchasedOn = input.purchasedOn ?? todayFor(product.plan, ctx.now);
  const quoted = quotePurchase({
    plan: product.plan,
    productName: product.name,
    productCategory: product.category,
    listPriceMinor: product.listPriceMinor,
    purchasedOn,
    seats: await seatsForPurchase(db, input, product.plan, ctx.viewer),
    billing: input.billing,
    discountMinor: input.discountMinor,
    tax: ctx.tax,
  });
  if (!quoted.ok) throw refusalError(quoted);
  return { product, purchasedOn, quoted };
}

/**
 * R4.1: the users a per-user purchase is priced for: the seats given, else the organisation's systems
 * inventory counted by the plan's rule (undefined without an inventory: the price asks for seats).
 */
async function seatsForPurchase(
  db: Db,
  input: PurchaseRequest,
  plan: Plan,
  viewer: Viewer | undefined,
): Promise<number | undefined> {
  if (plan.price.rule !== 'per-user') return undefined;
  const counted = await countSeats(db, input.organisationId, { counting: plan.price.counting });
  // An inventory that counts nobody is no count: the price asks for seats.
  const known = counted === 0 ? undefined : counted;
  if (viewer !== undefined) refuseFewerSeats(viewer, input.seats, known);
  return input.seats ?? known;
}

/** R0.2: one contract per customer and product; the existing one is named in details.contractId. */
async function refuseSecondContract(db: Db, organisationId: string, productId: string): Promise<void> {
  const existing = await findContractId(db, organisationId, productId);
  if (existing !== undefined) {
    throw new AppError(
      'CONTRACT_EXISTS',
      `Organisation ${organisationId} already has contract ${existing} for product ${productId}; renew it instead (R0.2).`,
      { contractId: existing },
    );
  }
}

/** R0.1/R0.2/R0.7: sells the product to the organisation. */
export async function purchaseContract(
  db: Db,
  input: PurchaseRequest,
  ctx: OrderContext,
): Promise<OrderResult> {
  const prepared = await preparePurchase(db, input, ctx);
  try {
    return await db.transaction().execute((trx) => writePurchase(trx, input, prepared, ctx));
  } catch (error) {
    // Two purchases raced past the check: the unique constraint decides (R0.2).
    if ((error as { code?: unknown }).code === '23505') {
      await refuseSecondContract(db, input.organisationId, input.productId);
    }
    throw error;
  }
}

async function writePurchase(
  trx: Db,
  input: PurchaseRequest,
  prepared: PreparedPurchase,
  ctx: OrderContext,
): Promise<OrderResult> {
  const { product, purchasedOn, quoted } = prepared;
  const { quote } = quoted;
  const contractId = newId('ctr');
  const purchasedMajor = await latestMajorOn(trx, product.id, purchasedOn);
  // R1.2: the declaration in force on the purchase date, copied with the contract and its order.
  const compatibility = await compatibilityInForce(trx, product.id, purchasedOn);
  await trx
    .insertInto('contracts')
    .values({
      id: contractId,
      organisation_id: input.organisationId,
      product_id: product.id,
      plan_version_id: product.planVersionId,
      purchased_on: purchasedOn,
      currency: quote.currency,
      list_price_minor: product.listPriceMinor ?? 0,
      purchase_discount_minor: input.discountMinor ?? 0,
      purchased_major: purchasedMajor,
      compatibility_snapshot: compatibility === null ? null : JSON.stringify(compatibility),
    })
    .execute();
  const inputs = {
    ...input,
    purchasedOn,
    planKey: product.plan.key,
    planVersionId: product.planVersionId,
    productCategory: product.category,
    listPriceMinor: product.listPriceMinor,
    purchasedMajor,
    compatibility,
    tax: ctx.tax,
  };
  const orderId = await insertOrder(trx, {
    contractId,
    kind: 'purchase',
    orderedOn: purchasedOn,
    quote: { inputs, quote },
    createdBy: ctx.viewer.accountId,
  });
  await appendTerms(trx, contractId, orderId, quote.newTerms);
  const invoice = await issueInvoice(
    trx,
    invoiceInputOf(input.organisationId, orderId, quoted, ctx.tax),
    ctx.now,
  );
  const keys = await syncLicenseKeys(trx, contractId, ctx.now, ctx.sealingKey);
  const result: OrderResult = {
    contractId,
    orderId,
    invoice: { id: invoice.id, number: invoice.number, totalMinor: invoice.totals.totalMinor },
    quote,
    licenseKeys: keys.issued,
    pendingPayment: false,
  };
  await notifyOrder(
    trx,
    'contract.purchased',
    input.organisationId,
    product,
    result,
    ctx.sealingKey,
    ctx.now,
  );
  await recordAudit(
    trx,
    {
      action: 'contract.purchased',
      viewer: ctx.viewer,
      organisationId: input.organisationId,
      subjectType: 'contract',
      subjectId: contractId,
      details: { orderId, invoiceNumber: invoice.number, productId: product.id },
      clientIp: ctx.clientIp,
    },
    ctx.now,
  );
  return result;
}
