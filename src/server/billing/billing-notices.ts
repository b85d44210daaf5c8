import type { Kysely } from 'kysely';
import type { InvoiceSummary } from '../../schema/billing.schema.ts';
import { customerAdminEmails } from '../contracts/contract.repository.ts';
import type { Database } from '../db/database-types.ts';
import { enqueueNotice } from '../outbox/outbox.repository.ts';

/**
 * Receipts for the customer's admins, written to the outbox in the transaction that records the money
 * (the mail worker delivers them): a payment received, a credit note issued. Deduplicated per document.
 */
export async function notifyBilling(
  trx: Kysely<Database>,
  notice:
    | { topic: 'invoice.payment-received'; paymentId: string; amountMinor: number }
    | { topic: 'invoice.credited'; creditNoteId: string; creditNoteNumber: string; amountMinor: number },
  invoice: InvoiceSummary,
  now: Date,
): Promise<void> {
  const recipients = await customerAdminEmails(trx, invoice.organisationId);
  const documentId = notice.topic === 'invoice.payment-received' ? notice.paymentId : notice.creditNoteId;
  await enqueueNotice(
    trx,
    {
      topic: notice.topic,
      dedupeKey: `${notice.topic}:${documentId}`,
      organisationId: invoice.organisationId,
      recipient: recipients.join(', ') || null,
      payload: {
        ...notice,
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        currency: invoice.currency,
        totalMinor: invoice.totalMinor,
        amountDueMinor: invoice.amountDueMinor,
        status: invoice.status,
      },
    },
    now,
  );
}
