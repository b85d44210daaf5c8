import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { issueInvoice } from '../../src/server/billing/invoice.service.ts';
import { loadConfig } from '../../src/server/config.ts';
import { createOrganisation } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { oneLine } from './billing-fixtures.ts';

const NOW = new Date('2026-03-02T09:00:00Z');

describeDb('issueInvoice', (getDb) => {
  it('R0.6 half-up tax per line: 3 × 33.33 at 19 % exclusive, totals add the rounded lines', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    const issued = await db.transaction().execute((trx) =>
      issueInvoice(
        trx,
        {
          ...oneLine(org, null),
          lines: [
            { description: 'A', quantity: 3, unitAmountMinor: 3333, taxRatePercent: '19' },
            {
              description: 'B',
              quantity: { num: 306, den: 365 },
              unitAmountMinor: 9600,
              taxRatePercent: '7.7',
            },
          ],
        },
        NOW,
      ),
    );
    expect(issued.number).toBe('INV-000001');
    // 9999 × 19 % = 1899.81 → 1900; 9600 × 306/365 = 8048.2 → 8048, × 7.7 % = 619.696 → 620
    expect(issued.totals).toEqual({
      currency: 'USD',
      subtotalMinor: 18047,
      taxMinor: 2520,
      totalMinor: 20567,
    });
    const lines = await db.selectFrom('invoice_lines').selectAll().orderBy('seq').execute();
    expect(
      lines.map((l) => [
        l.quantity_num,
        l.quantity_den,
        l.amount_minor,
        Number(l.tax_rate_percent),
        l.tax_minor,
      ]),
    ).toEqual([
      [3, 1, 9999, 19, 1900],
      [306, 365, 8048, 7.7, 620],
    ]);
  });

  it('R0.6 the tax rate snapshot stays on issued lines when the configured rate changes later', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    const before = loadConfig({ UPKEEP_TAX_RATE_PERCENT: '19' }).tax;
    const first = await issueInvoice(db, oneLine(org, null, 10000, before.ratePercent), NOW);
    const after = loadConfig({ UPKEEP_TAX_RATE_PERCENT: '21' }).tax;
    const second = await issueInvoice(db, oneLine(org, null, 10000, after.ratePercent), NOW);
    const rows = await db.selectFrom('invoices').select(['id', 'tax_minor']).orderBy('number').execute();
    expect(rows).toEqual([
      { id: first.id, tax_minor: 1900 },
      { id: second.id, tax_minor: 2100 },
    ]);
    const rates = await db.selectFrom('invoice_lines').select('tax_rate_percent').orderBy('id').execute();
    expect(rates.map((r) => Number(r.tax_rate_percent))).toEqual([19, 21]);
  });

  it('R4.2 instalments: 12 monthly by largest remainder from a month end, upfront line in the first', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    const issued = await issueInvoice(
      db,
      {
        ...oneLine(org, null),
        lines: [
          { description: 'Users', quantity: 1, unitAmountMinor: 10001, taxRatePercent: '0' },
          { description: 'Reinstatement fee', quantity: 1, unitAmountMinor: 500, taxRatePercent: '0' },
        ],
        instalments: { count: 12, firstDueOn: '2026-01-31', everyMonths: 1, upfrontLines: [1] },
      },
      NOW,
    );
    expect(issued.instalments.map((i) => i.amountMinor)).toEqual([
      1334, 834, 834, 834, 834, 833, 833, 833, 833, 833, 833, 833,
    ]);
    expect(issued.instalments[1]?.dueOn).toBe('2026-02-28');
    const invoice = await db.selectFrom('invoices').select('due_on').executeTakeFirstOrThrow();
    expect(invoice.due_on).toBe('2026-12-31');
  });

  it('R0.6 gapless: a rolled-back issue gives its number back, the next issue reuses it', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    await issueInvoice(db, oneLine(org, null), NOW);
    await expect(
      db.transaction().execute(async (trx) => {
        const second = await issueInvoice(trx, oneLine(org, null), NOW);
        expect(second.number).toBe('INV-000002');
        throw new Error('payment provider down');
      }),
    ).rejects.toThrow('payment provider down');
    const third = await issueInvoice(db, oneLine(org, null), NOW);
    expect(third.number).toBe('INV-000002');
  });

  it('R0.6 gapless under concurrency: 20 parallel issues get INV-000001 … INV-000020, each once', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    const issued = await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction().execute((trx) => issueInvoice(trx, oneLine(org, null), NOW)),
      ),
    );
    const expected = Array.from({ length: 20 }, (_, i) => `INV-${String(i + 1).padStart(6, '0')}`);
    expect(issued.map((i) => i.number).sort()).toEqual(expected);
    const stored = await db.selectFrom('invoices').select('number').orderBy('number').execute();
    expect(stored.map((r) => r.number)).toEqual(expected);
  });

  it('R0.6 immutability: UPDATE and DELETE of an issued invoice and its lines are refused by the database', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    const issued = await issueInvoice(db, oneLine(org, null), NOW);
    await expect(
      db.updateTable('invoices').set({ total_minor: 1 }).where('id', '=', issued.id).execute(),
    ).rejects.toThrow(/immutable/);
    await expect(sql`DELETE FROM invoice_lines WHERE invoice_id = ${issued.id}`.execute(db)).rejects.toThrow(
      /immutable/,
    );
    const row = await db.selectFrom('invoices').select('total_minor').executeTakeFirstOrThrow();
    expect(row.total_minor).toBe(10000);
  });

  it('bad input is VALIDATION_FAILED naming the field, nothing written', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    await expect(
      issueInvoice(db, { ...oneLine(org, null), issuedOn: '2026-02-30' }, NOW),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'issuedOn' }],
    });
    await expect(issueInvoice(db, { ...oneLine(org, null), lines: [] }, NOW)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(issueInvoice(db, { ...oneLine(org, null), currency: 'usd' }, NOW)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await db.selectFrom('invoices').select('id').execute()).toEqual([]);
  });
});
