import type { Kysely } from 'kysely';
import { addDays, type CivilDate, civilDateIn } from '../../core/contract/civil-date.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';
import type { TaxRate } from '../../core/pricing/index.ts';
import type { OrderResult } from '../../schema/contracts.schema.ts';
import type { IssueInvoiceInput } from '../billing/invoice.service.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';
import { sealLicenseKeys } from '../secrets/notice-secrets.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import { customerAdminEmails } from './contract.repository.ts';
import type { Quoted, QuoteRefusal } from './contract-quote.ts';

// The parts every order shares: its invoice (R0.7), its notice (R0.7) and how a refusal is answered.

/** The invoice of an order, from the same price lines the quote was built from. */
export function invoiceInputOf(
  organisationId: string,
  orderId: string,
  quoted: Quoted,
  tax: TaxRate,
): IssueInvoiceInput {
  const { quote, payment } = quoted;
  return {
    organisationId,
    orderId,
    currency: quote.currency,
    taxMode: tax.mode,
    issuedOn: quote.orderedOn,
    lines: quoted.priceLines.map((line) => ({
      description: line.description,
      quantity: line.quantity,
      unitAmountMinor: line.unitAmountMinor,
      taxRatePercent: tax.ratePercent,
      ...(line.periodStart === undefined ? {} : { periodStart: line.periodStart }),
      ...(line.periodEnd === undefined ? {} : { periodEnd: line.periodEnd }),
    })),
    ...(payment.kind === 'instalments'
      ? {
          instalments: {
            count: payment.count,
            firstDueOn: quoted.firstDueOn,
            everyMonths: payment.everyMonths,
            upfrontLines: payment.upfrontLines,
          },
        }
      : {}),
  };
}

/**
 * R0.7: the email of a purchase (license key and validity) or renewal (new validity), to the organisation's
 * customer-admins. The full key is in the API answer once; the notice carries it sealed (`sealedKey`), to
 * be opened by the delivery worker for the mail and then erased from the row (docs/licensing.md).
 */
export async function notifyOrder(
  trx: Kysely<Database>,
  topic: 'contract.purchased' | 'contract.renewed' | 'contract.users-added',
  organisationId: string,
  product: { id: string; name: string },
  result: OrderResult,
  sealingKey: SealingKey | undefined,
  now: Date,
): Promise<void> {
  const recipients = await customerAdminEmails(trx, organisationId);
  const { quote } = result;
  await enqueueNotice(
    trx,
    {
      topic,
      dedupeKey: `${topic}:${result.orderId}`,
      organisationId,
      recipient: recipients.join(', ') || null,
      payload: {
        contractId: result.contractId,
        orderId: result.orderId,
        product,
        kind: quote.kind,
        invoiceNumber: result.invoice.number,
        totalMinor: quote.totals.totalMinor,
        currency: quote.currency,
        validity: {
          serviceFrom: quote.serviceFrom,
          expiresOn: quote.expiresOn,
          newTerms: quote.newTerms,
          lastCoveredDay: quote.expiresOn === null ? null : addDays(quote.expiresOn, -1),
        },
        // Without a sealing key (a payment recorded outside the app) the notice names keys by prefix only.
        licenseKeys:
          sealingKey === undefined
            ? result.licenseKeys.map(({ major, prefix }) => ({ major, prefix }))
            : sealLicenseKeys(sealingKey, result.licenseKeys),
        explanation: quote.explanation,
      },
    },
    now,
  );
}

/** A refused quote as the API answers it: 422 RENEWAL_REFUSED or PRICE_UNAVAILABLE with details.reason. */
export function refusalError(refusal: QuoteRefusal): AppError {
  return new AppError(refusal.code, refusal.message, { reason: refusal.reason, ...refusal.details });
}

/** Today in the plan's time zone (UTC for a plan without a calendar): the civil date orders default to. */
export function todayFor(plan: Plan, now: Date): CivilDate {
  return civilDateIn(now, plan.calendar?.timeZone ?? 'UTC');
}
