import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { issueInvoice } from '../../src/server/billing/invoice.service.ts';
import { recordPayment } from '../../src/server/billing/payment.service.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { oneLine } from '../billing/billing-fixtures.ts';
import { apiKeyWith, withKey } from '../server/app-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, type DeskSetup, deskSetup, openTicket, runJobs } from './ticket-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');
const STAFF = { kind: 'staff', accountId: null, apiKeyId: null } as const;

/** The contract's purchase: an order, its invoice, paid in full. */
async function paidPurchase(db: Kysely<Database>, s: DeskSetup) {
  const orderId = newId('ord');
  await db
    .insertInto('orders')
    .values({
      id: orderId,
      contract_id: s.contractId,
      kind: 'purchase',
      ordered_on: '2026-03-02',
      quote: JSON.stringify({}),
      created_by: null,
    })
    .execute();
  const invoice = await issueInvoice(db, oneLine(s.orgId, orderId, 10000), START);
  await recordPayment(
    db,
    invoice.id,
    { amountMinor: 10000, currency: 'USD', receivedAt: '2026-03-02T09:30:00Z' },
    { viewer: STAFF, now: START },
  );
  const key = await apiKeyWith(db, ['billing:read', 'billing:write'], START);
  const eligibility = async () => {
    const res = await call(s.app, s.customer, 'GET', `/v1/contracts/${s.contractId}/refund-eligibility`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const credit = (idempotencyKey: string) =>
    s.app.inject(
      withKey(key, {
        method: 'POST',
        url: `/v1/invoices/${invoice.id}/credit-notes`,
        payload: { reason: 'customer asked' },
        headers: { 'idempotency-key': idempotencyKey },
      }),
    );
  return { invoice, eligibility, credit };
}

async function resolve(s: DeskSetup, ticketId: string) {
  const res = await call(s.app, s.agent, 'POST', `/v1/tickets/${ticketId}/status`, { status: 'resolved' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describeDb('R5.1 refunds from the help desk’s facts', (getDb) => {
  it('R5.1 (S1): a purchase is refundable until support resolves its first ticket, then refused FIRST_TICKET_RESOLVED', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, [{ startsOn: '2026-03-02', endsOn: '2026-09-02' }], START);
    const { eligibility, credit, invoice } = await paidPurchase(db, s);
    expect(await eligibility()).toMatchObject({ eligible: true, reason: 'NO_TICKET_RESOLVED_YET' });

    const first = await openTicket(s, { categoryId: 'question' });
    s.clock.advance(3_600_000);
    const second = await openTicket(s, {
      categoryId: 'question',
      subject: 'Invoice address',
      description: 'How do I change the billing address on my account?',
    });
    // A later ticket resolved first does not count: S1 names the first ticket.
    s.clock.advance(3_600_000);
    await resolve(s, second.id);
    expect(await eligibility()).toMatchObject({ eligible: true, reason: 'NO_TICKET_RESOLVED_YET' });

    s.clock.advance(3_600_000);
    const resolved = await resolve(s, first.id);
    expect(resolved.status).toBe('closed');
    expect(await eligibility()).toMatchObject({ eligible: false, reason: 'FIRST_TICKET_RESOLVED' });
    const refused = await credit('cn-1');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'REFUND_NOT_ALLOWED',
      details: { eligible: false, reason: 'FIRST_TICKET_RESOLVED' },
    });
    expect(
      await db.selectFrom('credit_notes').select('id').where('invoice_id', '=', invoice.id).execute(),
    ).toEqual([]);
  });

  it('R5.1 (S1): a first ticket closed as a duplicate counts as resolved when the ticket it was merged into is', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, [{ startsOn: '2026-03-02', endsOn: '2026-09-02' }], START);
    const { eligibility } = await paidPurchase(db, s);
    const text = {
      categoryId: 'question',
      subject: 'Gallery upload fails',
      description: 'Uploading images to the gallery fails with a timeout after 30 seconds.',
    };
    const first = await openTicket(s, text);
    s.clock.advance(3_600_000);
    const survivor = await openTicket(s, { ...text, description: `${text.description}!` });
    const old = (await call(s.app, s.agent, 'GET', `/v1/tickets/${first.id}`)).json();
    expect(old).toMatchObject({ status: 'merged', mergedIntoId: survivor.id });
    expect(await eligibility()).toMatchObject({ eligible: true, reason: 'NO_TICKET_RESOLVED_YET' });
    await resolve(s, survivor.id);
    expect(await eligibility()).toMatchObject({ eligible: false, reason: 'FIRST_TICKET_RESOLVED' });
  });

  it('R5.1 + R2.4 (S2): the add-on becomes refundable only once an anomaly stays uncorrected for 30 working days', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S2, [{ startsOn: '2026-03-02', endsOn: '2026-06-02' }], START);
    await db
      .updateTable('contracts')
      .set({
        compatibility_snapshot: JSON.stringify({
          platforms: [{ platform: 'PrestaShop', versions: ['8.1'] }],
        }) as never,
      })
      .where('id', '=', s.contractId)
      .execute();
    const { eligibility, credit } = await paidPurchase(db, s);
    const platform = { platform: 'PrestaShop', version: '8.1' };
    // Assistance has no correction target: it never makes the price refundable.
    await openTicket(s, {
      categoryId: 'assistance',
      platform,
      subject: 'Configure',
      description: 'How to set it up?',
    });
    const anomaly = await openTicket(s, { categoryId: 'anomaly', platform });
    expect(await eligibility()).toMatchObject({ eligible: false, reason: 'NO_UNCORRECTED_DEFECT' });

    const clock = await db
      .selectFrom('sla_clocks')
      .select(['breached_after', 'target_seconds', 'within'])
      .where('ticket_id', '=', anomaly.id)
      .where('metric', '=', 'resolution')
      .executeTakeFirstOrThrow();
    expect(clock).toMatchObject({ within: '30wd', target_seconds: 30 * 9 * 3600 });
    // 30 working days of 9 h from Monday 2 March 10:00 Paris, Easter Monday (6 April) off: 14 April 10:00.
    expect(clock.breached_after).toEqual(new Date('2026-04-14T08:00:00Z'));
    // The target is missed from the first second after it (LESSONS: a breach counts from there).
    const breachAt = new Date('2026-04-14T08:00:01Z');

    await runJobs(db, new Date('2026-04-14T08:00:00Z'));
    expect(await eligibility()).toMatchObject({ eligible: false, reason: 'NO_UNCORRECTED_DEFECT' });
    expect((await credit('cn-early')).statusCode).toBe(409);

    await runJobs(db, breachAt);
    const breached = await db
      .selectFrom('sla_clocks')
      .select('breached_at')
      .where('ticket_id', '=', anomaly.id)
      .where('metric', '=', 'resolution')
      .executeTakeFirstOrThrow();
    expect(breached.breached_at).toEqual(breachAt);
    expect(await eligibility()).toMatchObject({
      eligible: true,
      reason: 'DEFECT_UNCORRECTED_30_WORKING_DAYS',
      amountMinor: 10000,
    });
    // Correcting the defect afterwards does not take the refund back: the target was missed.
    await resolve(s, anomaly.id);
    const refund = await credit('cn-due');
    expect(refund.statusCode, refund.body).toBe(201);
    expect(refund.json().creditNote).toMatchObject({
      amountMinor: 10000,
      eligibility: { eligible: true, reason: 'DEFECT_UNCORRECTED_30_WORKING_DAYS' },
    });
  });

  it('R5.1 security: another organisation’s customer cannot read the refund eligibility (404); a customer cannot issue a credit note (403)', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, [{ startsOn: '2026-03-02', endsOn: '2026-09-02' }], START);
    const { invoice } = await paidPurchase(db, s);
    const foreign = await call(s.app, s.stranger, 'GET', `/v1/contracts/${s.contractId}/refund-eligibility`);
    expect(foreign.statusCode).toBe(404);
    const bySession = await call(s.app, s.customer, 'POST', `/v1/invoices/${invoice.id}/credit-notes`, {
      reason: 'x',
    });
    expect(bySession.statusCode).toBe(403);
  });
});
