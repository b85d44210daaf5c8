import type { Kysely } from 'kysely';
import type { InvoiceSummary, Payment, PaymentRequest } from '../../schema/billing.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import { applyPaidRenewal } from '../contracts/contract-paid-renewal.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { notifyBilling } from './billing-notices.ts';
import { findInvoiceSummary, toPayment } from './invoice.repository.ts';

export type PaymentOutcome = { payment: Payment; duplicate: boolean; invoice: InvoiceSummary };

/** Who records the payment (audit) and the key that seals license keys in a renewal's notice. */
export type PaymentContext = {
  viewer: Viewer;
  now: Date;
  clientIp?: string | null;
  sealingKey?: SealingKey | undefined;
};

export type PaymentRefusal = 'CURRENCY_MISMATCH' | 'AMOUNT_EXCEEDS_OPEN' | 'PROVIDER_REF_OTHER_INVOICE';

/**
 * Records money received against an invoice (R0.6). The invoice row is locked while the open amount is
 * checked, so two payments cannot both fit into the same open amount. A provider retrying its webhook
 * with the same providerRef gets the first payment back (duplicate: true) instead of a second one.
 */
export async function recordPayment(
  db: Kysely<Database>,
  invoiceId: string,
  input: PaymentRequest,
  ctx: PaymentContext,
): Promise<PaymentOutcome> {
  try {
    return await db.transaction().execute((trx) => recordInTransaction(trx, invoiceId, input, ctx));
  } catch (error) {
    // Two first deliveries of one provider event raced past the lookup: the loser returns the winner's row.
    if (input.providerRef !== undefined && isUniqueViolation(error)) {
      const first = await findByProviderRef(db, input.providerRef);
      if (first) return duplicateOf(db, first, invoiceId);
    }
    throw error;
  }
}

async function recordInTransaction(
  trx: Kysely<Database>,
  invoiceId: string,
  input: PaymentRequest,
  ctx: PaymentContext,
): Promise<PaymentOutcome> {
  const locked = await trx
    .selectFrom('invoices')
    .select(['id', 'organisation_id'])
    .where('id', '=', invoiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!locked) throw new AppError('NOT_FOUND', `No invoice ${invoiceId}.`);
  if (input.providerRef !== undefined) {
    const first = await findByProviderRef(trx, input.providerRef);
    if (first) return duplicateOf(trx, first, invoiceId);
  }
  const before = await findInvoiceSummary(trx, invoiceId, null);
  if (!before) throw new AppError('NOT_FOUND', `No invoice ${invoiceId}.`);
  if (input.currency !== before.currency)
    throw refused(
      'CURRENCY_MISMATCH',
      `The invoice is in ${before.currency}, the payment in ${input.currency}.`,
      {
        invoiceCurrency: before.currency,
      },
    );
  if (input.amountMinor > before.amountDueMinor)
    throw refused(
      'AMOUNT_EXCEEDS_OPEN',
      `The payment of ${input.amountMinor} exceeds the open amount ${before.amountDueMinor} (minor units).`,
      { amountDueMinor: before.amountDueMinor },
    );
  const row = await trx
    .insertInto('payments')
    .values({
      id: newId('pay'),
      invoice_id: invoiceId,
      amount_minor: input.amountMinor,
      currency: input.currency,
      received_at: new Date(input.receivedAt),
      method: input.method ?? 'manual',
      provider_ref: input.providerRef ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(
    trx,
    {
      action: 'payment.recorded',
      viewer: ctx.viewer,
      organisationId: locked.organisation_id,
      subjectType: 'invoice',
      subjectId: invoiceId,
      details: { paymentId: row.id, amountMinor: row.amount_minor, providerRef: row.provider_ref },
      clientIp: ctx.clientIp ?? null,
    },
    ctx.now,
  );
  const invoice = await findInvoiceSummary(trx, invoiceId, null);
  if (!invoice) throw new Error(`invoice ${invoiceId} vanished`);
  if (invoice.amountDueMinor === 0 && invoice.amountPaidMinor > 0) {
    // R0.4 (S0): a customer's renewal waiting for this payment gets its terms now, served from the payment date.
    await applyPaidRenewal(trx, invoice, row.received_at, {
      viewer: ctx.viewer,
      now: ctx.now,
      clientIp: ctx.clientIp ?? null,
      sealingKey: ctx.sealingKey,
    });
  }
  await notifyBilling(
    trx,
    { topic: 'invoice.payment-received', paymentId: row.id, amountMinor: row.amount_minor },
    invoice,
    ctx.now,
  );
  return { payment: toPayment(row), duplicate: false, invoice };
}

async function findByProviderRef(db: Kysely<Database>, providerRef: string) {
  return db.selectFrom('payments').selectAll().where('provider_ref', '=', providerRef).executeTakeFirst();
}

async function duplicateOf(
  db: Kysely<Database>,
  first: NonNullable<Awaited<ReturnType<typeof findByProviderRef>>>,
  invoiceId: string,
): Promise<PaymentOutcome> {
  if (first.invoice_id !== invoiceId)
    throw refused('PROVIDER_REF_OTHER_INVOICE', 'This providerRef was recorded against another invoice.', {});
  const invoice = await findInvoiceSummary(db, invoiceId, null);
  if (!invoice) throw new Error(`invoice ${invoiceId} vanished`);
  return { payment: toPayment(first), duplicate: true, invoice };
}

function refused(reason: PaymentRefusal, message: string, extra: Record<string, unknown>): AppError {
  return new AppError('PAYMENT_REFUSED', message, { reason, ...extra });
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
