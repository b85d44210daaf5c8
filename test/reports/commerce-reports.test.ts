import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { buy, contractWorld, get } from '../contracts/contract-helpers.ts';
import { makeApp, signIn, testClock } from '../server/app-helpers.ts';
import { createOrganisation, PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { createContractWithTerms, type TermRow } from '../systems/systems-fixtures.ts';

const yearTo = (endsOn: string): TermRow => ({
  startsOn: `${Number(endsOn.slice(0, 4)) - 1}${endsOn.slice(4)}`,
  endsOn,
});

async function contractsWorld(db: Kysely<Database>, now: string) {
  const clock = testClock(new Date(now));
  const app = await makeApp(db, clock);
  const agent = await signIn(db, 'agent', clock.now());
  const orgId = await createOrganisation(db, 'Acme GmbH');
  const contract = (...terms: TermRow[]) => createContractWithTerms(db, orgId, terms, PRESET.S0);
  return { app, agent, orgId, contract };
}

describeDb('reports: renewals due and lapsed contracts', (getDb) => {
  it('lists contracts covered today whose coverage expires within the window, by week', async () => {
    const w = await contractsWorld(getDb().db, '2026-03-02T09:00:00Z'); // a Monday
    const k1 = await w.contract(yearTo('2026-03-03')); // first uncovered day tomorrow
    const k2 = await w.contract(yearTo('2026-03-10'));
    const k3 = await w.contract(yearTo('2026-04-01')); // today + 30: included
    await w.contract(yearTo('2026-04-02')); // today + 31: outside
    await w.contract(yearTo('2026-03-02')); // expired today: lapsed, not due
    await w.contract(yearTo('2026-03-20'), { startsOn: '2026-03-20', endsOn: '2027-03-20' }); // renewed

    const res = await get(w.app, w.agent, '/v1/reports/renewals-due?days=30');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ today: '2026-03-02', until: '2026-04-01', total: 3 });
    expect(body.weeks.map((x: { weekStartsOn: string; count: number }) => [x.weekStartsOn, x.count])).toEqual(
      [
        ['2026-03-02', 1],
        ['2026-03-09', 1],
        ['2026-03-16', 0],
        ['2026-03-23', 0],
        ['2026-03-30', 1],
      ],
    );
    expect(body.weeks[0].contracts).toEqual([
      expect.objectContaining({
        contractId: k1,
        organisationId: w.orgId,
        organisationName: 'Acme GmbH',
        productName: 'Test product',
        planKey: PRESET.S0,
        expiresOn: '2026-03-03',
        lastCoveredDay: '2026-03-02',
      }),
    ]);
    expect(body.weeks[1].contracts[0].contractId).toBe(k2);
    expect(body.weeks[4].contracts[0]).toMatchObject({ contractId: k3, expiresOn: '2026-04-01' });

    // At 23:30 UTC it is already 3 March in Auckland: k1 expires that day, so it is lapsed there.
    const late = await contractsWorld(getDb().db, '2026-03-02T23:30:00Z');
    const auckland = await get(
      late.app,
      late.agent,
      '/v1/reports/renewals-due?days=30&timeZone=Pacific/Auckland',
    );
    expect(auckland.json()).toMatchObject({ today: '2026-03-03', until: '2026-04-02', total: 3 });
    const dueIds = auckland
      .json()
      .weeks.flatMap((x: { contracts: { contractId: string }[] }) => x.contracts.map((c) => c.contractId));
    expect(dueIds).not.toContain(k1);
    expect(dueIds).toContain(k2);
  });

  it('lists contracts that lapsed in the window and were not renewed, by month', async () => {
    const w = await contractsWorld(getDb().db, '2026-03-02T09:00:00Z');
    const today = await w.contract(yearTo('2026-03-02'));
    const january = await w.contract(yearTo('2026-01-15'));
    await w.contract(yearTo('2026-01-10'), { startsOn: '2026-02-01', endsOn: '2027-02-01' }); // renewed after a gap
    await w.contract(yearTo('2025-12-02')); // today - 90: outside
    const first = await w.contract(yearTo('2025-12-03')); // today - 89: the window's first day
    await w.contract(yearTo('2026-03-03')); // still covered

    const res = await get(w.app, w.agent, '/v1/reports/lapsed?days=90');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ today: '2026-03-02', since: '2025-12-03', total: 3 });
    const summary = body.months.map(
      (m: { month: string; contracts: { contractId: string; daysLapsed: number }[] }) => [
        m.month,
        m.contracts.map((c) => [c.contractId, c.daysLapsed]),
      ],
    );
    expect(summary).toEqual([
      ['2025-12', [[first, 90]]],
      ['2026-01', [[january, 47]]],
      ['2026-02', []],
      ['2026-03', [[today, 1]]],
    ]);
    expect(body.months[3].contracts[0]).toMatchObject({
      expiresOn: '2026-03-02',
      lastCoveredDay: '2026-03-01',
    });
  });
});

async function invoice(
  db: Kysely<Database>,
  orgId: string,
  currency: string,
  totalMinor: number,
  taxMinor: number,
  issuedAt: string,
): Promise<string> {
  const id = newId('inv');
  await db
    .insertInto('invoices')
    .values({
      id,
      number: `T-${id}`,
      organisation_id: orgId,
      order_id: null,
      currency,
      tax_mode: 'exclusive',
      subtotal_minor: totalMinor - taxMinor,
      tax_minor: taxMinor,
      total_minor: totalMinor,
      issued_on: issuedAt.slice(0, 10),
      due_on: issuedAt.slice(0, 10),
      issued_at: new Date(issuedAt),
    })
    .execute();
  return id;
}

async function payment(
  db: Kysely<Database>,
  invoiceId: string,
  currency: string,
  amountMinor: number,
  at: string,
) {
  await db
    .insertInto('payments')
    .values({
      id: newId('pay'),
      invoice_id: invoiceId,
      amount_minor: amountMinor,
      currency,
      received_at: new Date(at),
      provider_ref: null,
    })
    .execute();
}

async function creditNote(
  db: Kysely<Database>,
  invoiceId: string,
  currency: string,
  amountMinor: number,
  at: string,
) {
  const id = newId('crn');
  await db
    .insertInto('credit_notes')
    .values({
      id,
      number: `CN-${id}`,
      invoice_id: invoiceId,
      amount_minor: amountMinor,
      currency,
      reason: 'goodwill',
      eligibility: JSON.stringify({}),
      issued_on: at.slice(0, 10),
      issued_at: new Date(at),
      created_by: null,
    })
    .execute();
}

describeDb('reports: revenue', (getDb) => {
  it('sums invoiced, credited and paid minor units per month, one series per currency', async () => {
    const { db } = getDb();
    const w = await contractWorld(db, { planKey: PRESET.S0, prices: { USD: 49900 } });
    const agent = await signIn(db, 'agent');
    const usd = await invoice(db, w.organisationId, 'USD', 11900, 1900, '2026-01-15T10:00:00Z');
    await payment(db, usd, 'USD', 11900, '2026-01-31T23:30:00Z'); // January in UTC, February in Berlin
    const eur = await invoice(db, w.organisationId, 'EUR', 5000, 0, '2026-02-10T12:00:00Z');
    await payment(db, eur, 'EUR', 2000, '2026-02-11T12:00:00Z');
    await creditNote(db, eur, 'EUR', 1000, '2026-03-01T12:00:00Z');
    await invoice(db, w.organisationId, 'USD', 2500, 0, '2025-12-31T12:00:00Z'); // before the window
    // A real sale on 2 March (the clock's day): its invoice counts in March.
    const sold = await buy(w.app, w.admin, {
      organisationId: w.organisationId,
      productId: w.productId,
      purchasedOn: '2026-03-02',
    });
    const soldTotal: number = sold.invoice.totalMinor;
    expect(soldTotal).toBeGreaterThan(0);

    const res = await get(w.app, agent, '/v1/reports/revenue?months=3');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.months).toEqual(['2026-01', '2026-02', '2026-03']);
    const none = { invoiceCount: 0, invoicedMinor: 0, taxMinor: 0, creditedMinor: 0, paidMinor: 0 };
    const soldInvoice = await db
      .selectFrom('invoices')
      .select(['tax_minor'])
      .where('id', '=', sold.invoice.id)
      .executeTakeFirstOrThrow();
    expect(body.currencies).toEqual([
      {
        currency: 'EUR',
        months: [
          { month: '2026-01', ...none },
          { month: '2026-02', ...none, invoiceCount: 1, invoicedMinor: 5000, paidMinor: 2000 },
          { month: '2026-03', ...none, creditedMinor: 1000 },
        ],
        totals: { ...none, invoiceCount: 1, invoicedMinor: 5000, creditedMinor: 1000, paidMinor: 2000 },
      },
      {
        currency: 'USD',
        months: [
          {
            month: '2026-01',
            ...none,
            invoiceCount: 1,
            invoicedMinor: 11900,
            taxMinor: 1900,
            paidMinor: 11900,
          },
          { month: '2026-02', ...none },
          {
            month: '2026-03',
            ...none,
            invoiceCount: 1,
            invoicedMinor: soldTotal,
            taxMinor: soldInvoice.tax_minor,
          },
        ],
        totals: {
          ...none,
          invoiceCount: 2,
          invoicedMinor: 11900 + soldTotal,
          taxMinor: 1900 + soldInvoice.tax_minor,
          paidMinor: 11900,
        },
      },
    ]);

    const berlin = (await get(w.app, agent, '/v1/reports/revenue?months=3&timeZone=Europe/Berlin')).json();
    const usdBerlin = berlin.currencies.find((c: { currency: string }) => c.currency === 'USD');
    expect(usdBerlin.months.map((m: { paidMinor: number }) => m.paidMinor)).toEqual([0, 11900, 0]);
  });
});
