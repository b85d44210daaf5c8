import type { Kysely } from 'kysely';
import { civilDateIn } from '../../core/contract/civil-date.ts';
import type { CreditNoteRequest } from '../../schema/billing.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import { notifyBilling } from './billing-notices.ts';
import { creditNoteTax } from './credit-note-tax.ts';
import { findInvoiceSummary, listCreditNotes } from './invoice.repository.ts';
import { nextNumber } from './numbering.ts';
import { decideInvoiceRefund, HELP_DESK_REFUND_FACTS, type HelpDeskRefundFacts } from './refund.service.ts';

export type CreditNoteContext = {
  viewer: Viewer;
  now: Date;
  clientIp?: string | null;
  helpDesk?: HelpDeskRefundFacts;
};

/**
 * A refund is a credit note against the invoice, never an edit of it (R5.1). The plan's rule decides
 * (refundEligibility); VENDOR_TERMS plans (S0, S3) leave it to staff, who must give a reason. The amount
 * is at most what is not yet credited; its tax part follows the invoice's tax share (creditNoteTax).
 * The invoice is locked so two credit notes cannot both take the same remainder; the number is gapless.
 */
export async function issueCreditNote(
  db: Kysely<Database>,
  invoiceId: string,
  input: CreditNoteRequest,
  ctx: CreditNoteContext,
) {
  try {
    return await creditInTransaction(db, invoiceId, input, ctx);
  } catch (error) {
    if (error instanceof AppError && error.code === 'REFUND_NOT_ALLOWED')
      await auditRefusal(db, invoiceId, error, ctx);
    throw error;
  }
}

/** A refused refund is audited too, after its transaction rolled back (who asked, why it was refused). */
async function auditRefusal(
  db: Kysely<Database>,
  invoiceId: string,
  error: AppError,
  ctx: CreditNoteContext,
) {
  const row = await db
    .selectFrom('invoices')
    .select('organisation_id')
    .where('id', '=', invoiceId)
    .executeTakeFirst();
  const details = error.details as { reason?: string } | undefined;
  await recordAudit(
    db,
    {
      action: 'credit-note.issued',
      viewer: ctx.viewer,
      organisationId: row?.organisation_id ?? null,
      subjectType: 'invoice',
      subjectId: invoiceId,
      outcome: details?.reason ?? 'REFUND_NOT_ALLOWED',
      details: { refused: error.details },
      clientIp: ctx.clientIp ?? null,
    },
    ctx.now,
  );
}

function creditInTransaction(
  db: Kysely<Database>,
  invoiceId: string,
  input: CreditNoteRequest,
  ctx: CreditNoteContext,
) {
  return db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('invoices')
      .select('id')
      .where('id', '=', invoiceId)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) throw new AppError('NOT_FOUND', `No invoice ${invoiceId}.`);
    const decided = await decideInvoiceRefund(trx, invoiceId, null, ctx.helpDesk ?? HELP_DESK_REFUND_FACTS);
    const before = await findInvoiceSummary(trx, invoiceId, null);
    if (!decided || !before) throw new AppError('NOT_FOUND', `No invoice ${invoiceId}.`);
    const { decision, invoice } = decided;
    if (!decision.eligible && decision.decidedByHand !== true)
      throw new AppError(
        'REFUND_NOT_ALLOWED',
        `This purchase is not refundable: ${decision.reason}.`,
        decision,
      );
    const creditableMinor = invoice.totalMinor - before.amountCreditedMinor;
    const amountMinor = input.amountMinor ?? creditableMinor;
    if (creditableMinor <= 0 || amountMinor > creditableMinor)
      throw new AppError(
        'REFUND_NOT_ALLOWED',
        `At most ${creditableMinor} (minor units) of this invoice is not yet credited.`,
        { ...decision, reason: 'AMOUNT_EXCEEDS_CREDITABLE', creditableMinor },
      );
    const earlier = await listCreditNotes(trx, invoiceId);
    const taxMinor = creditNoteTax(
      invoice,
      { amountMinor: before.amountCreditedMinor, taxMinor: earlier.reduce((sum, c) => sum + c.taxMinor, 0) },
      amountMinor,
    );
    const id = newId('cn');
    await trx
      .insertInto('credit_notes')
      .values({
        id,
        number: await nextNumber(trx, 'credit-note'),
        invoice_id: invoiceId,
        amount_minor: amountMinor,
        tax_minor: taxMinor,
        currency: invoice.currency,
        reason: input.reason,
        eligibility: JSON.stringify(decision),
        issued_on: civilDateIn(ctx.now, decided.timeZone),
        issued_at: ctx.now,
        created_by: ctx.viewer.accountId,
      })
      .execute();
    await recordAudit(
      trx,
      {
        action: 'credit-note.issued',
        viewer: ctx.viewer,
        organisationId: invoice.organisationId,
        subjectType: 'invoice',
        subjectId: invoiceId,
        details: { creditNoteId: id, amountMinor, reason: input.reason, decision: decision.reason },
        clientIp: ctx.clientIp ?? null,
      },
      ctx.now,
    );
    const creditNote = (await listCreditNotes(trx, invoiceId)).find((c) => c.id === id);
    const after = await findInvoiceSummary(trx, invoiceId, null);
    if (!creditNote || !after) throw new Error(`credit note ${id} vanished`);
    const { number } = creditNote;
    await notifyBilling(
      trx,
      { topic: 'invoice.credited', creditNoteId: id, creditNoteNumber: number, amountMinor },
      after,
      ctx.now,
    );
    return { creditNote, invoice: after };
  });
}
