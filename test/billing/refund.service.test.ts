import { expect, it } from 'vitest';
import type { Viewer } from '../../src/server/auth/access.ts';
import { issueCreditNote } from '../../src/server/billing/credit-note.service.ts';
import { issueInvoice } from '../../src/server/billing/invoice.service.ts';
import { recordPayment } from '../../src/server/billing/payment.service.ts';
import { decideInvoiceRefund, type HelpDeskRefundFacts } from '../../src/server/billing/refund.service.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { oneLine, sellContract } from './billing-fixtures.ts';

const NOW = new Date('2026-03-02T09:00:00Z');
const STAFF: Viewer = { kind: 'staff', accountId: null, apiKeyId: null };

/** A help desk that reports a resolved first ticket (S1) and a breached defect (S2). */
const DESK_WITH_HISTORY: HelpDeskRefundFacts = {
  firstTicketResolvedAt: async () => new Date('2026-03-05T12:00:00Z'),
  uncorrectedDefectBreachedAt: async () => new Date('2026-04-20T12:00:00Z'),
};

describeDb('refund decisions per preset (R5.1)', (getDb) => {
  async function invoiceOf(planKey: string, paid: boolean) {
    const { db } = getDb();
    const sold = await sellContract(db, planKey);
    const invoice = await issueInvoice(db, oneLine(sold.organisationId, sold.orderId, 10000), NOW);
    if (paid) {
      await recordPayment(
        db,
        invoice.id,
        { amountMinor: 10000, currency: 'USD', receivedAt: '2026-03-02T10:00:00Z' },
        { viewer: STAFF, now: NOW },
      );
    }
    return { db, sold, invoice };
  }

  const cases = [
    { preset: 'S4', plan: PRESET.S4, paid: true, desk: undefined, eligible: false, reason: 'S4_NEVER' },
    {
      preset: 'S1',
      plan: PRESET.S1,
      paid: true,
      desk: undefined,
      eligible: true,
      reason: 'NO_TICKET_RESOLVED_YET',
    },
    {
      preset: 'S1',
      plan: PRESET.S1,
      paid: true,
      desk: DESK_WITH_HISTORY,
      eligible: false,
      reason: 'FIRST_TICKET_RESOLVED',
    },
    { preset: 'S1', plan: PRESET.S1, paid: false, desk: undefined, eligible: false, reason: 'NOT_PAID' },
    {
      preset: 'S2',
      plan: PRESET.S2,
      paid: true,
      desk: undefined,
      eligible: false,
      reason: 'NO_UNCORRECTED_DEFECT',
    },
    {
      preset: 'S2',
      plan: PRESET.S2,
      paid: true,
      desk: DESK_WITH_HISTORY,
      eligible: true,
      reason: 'DEFECT_UNCORRECTED_30_WORKING_DAYS',
    },
    { preset: 'S0', plan: PRESET.S0, paid: true, desk: undefined, eligible: false, reason: 'VENDOR_TERMS' },
    { preset: 'S3', plan: PRESET.S3, paid: true, desk: undefined, eligible: false, reason: 'VENDOR_TERMS' },
  ] as const;

  for (const c of cases) {
    const desk = c.desk ? 'help desk reports history' : 'no help desk yet';
    it(`R5.1 (${c.preset}) ${c.paid ? 'paid' : 'unpaid'}, ${desk}: ${c.reason}`, async () => {
      const { db, invoice } = await invoiceOf(c.plan, c.paid);
      const decided = await decideInvoiceRefund(db, invoice.id, null, c.desk);
      expect(decided?.decision).toMatchObject({ eligible: c.eligible, reason: c.reason });
    });
  }

  it('R5.1 (S1) after credit notes: partly credited is due only the rest; fully credited is FULLY_CREDITED', async () => {
    const { db, invoice } = await invoiceOf(PRESET.S1, true);
    const ctx = { viewer: STAFF, now: NOW };
    await issueCreditNote(db, invoice.id, { reason: 'part', amountMinor: 4000 }, ctx);
    expect((await decideInvoiceRefund(db, invoice.id, null))?.decision).toEqual({
      eligible: true,
      reason: 'NO_TICKET_RESOLVED_YET',
      amountMinor: 6000,
      currency: 'USD',
    });
    await issueCreditNote(db, invoice.id, { reason: 'the rest' }, ctx);
    expect((await decideInvoiceRefund(db, invoice.id, null))?.decision).toEqual({
      eligible: false,
      reason: 'FULLY_CREDITED',
    });
  });

  it('R5.1 (S0) vendor terms: a fully credited invoice is FULLY_CREDITED, no longer decided by hand', async () => {
    const { db, invoice } = await invoiceOf(PRESET.S0, true);
    await issueCreditNote(db, invoice.id, { reason: 'goodwill' }, { viewer: STAFF, now: NOW });
    expect((await decideInvoiceRefund(db, invoice.id, null))?.decision).toEqual({
      eligible: false,
      reason: 'FULLY_CREDITED',
    });
  });

  it('R5.1 (S1) once the first ticket is resolved, a credit note is refused 409 and nothing is written', async () => {
    const { db, invoice } = await invoiceOf(PRESET.S1, true);
    await expect(
      issueCreditNote(
        db,
        invoice.id,
        { reason: 'late' },
        { viewer: STAFF, now: NOW, helpDesk: DESK_WITH_HISTORY },
      ),
    ).rejects.toMatchObject({ code: 'REFUND_NOT_ALLOWED', details: { reason: 'FIRST_TICKET_RESOLVED' } });
    expect(await db.selectFrom('credit_notes').select('id').execute()).toEqual([]);
    expect(
      await db.selectFrom('number_sequences').selectAll().where('name', '=', 'credit-note').execute(),
    ).toEqual([]);
  });

  it('a customer filter hides another organisation’s invoice (undefined → 404)', async () => {
    const { db, invoice } = await invoiceOf(PRESET.S1, true);
    expect(await decideInvoiceRefund(db, invoice.id, 'org_someone_else')).toBeUndefined();
  });
});
