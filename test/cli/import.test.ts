import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { type ImportKind, runImport } from '../../src/cli/import.service.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { testSealingKey } from '../server/app-helpers.ts';
import { createOrganisation, createProduct, PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

const NOW = new Date('2026-03-02T09:00:00Z');
const OPTIONS = {
  dryRun: false,
  baseUrl: 'http://upkeep.test',
  ctx: { tax: { ratePercent: '0', mode: 'exclusive' as const }, now: NOW, sealingKey: testSealingKey },
};

function run(db: Kysely<Database>, kind: ImportKind, text: string, dryRun = false) {
  return runImport(db, kind, text, { ...OPTIONS, dryRun });
}

async function counts(db: Kysely<Database>) {
  const count = async (table: 'organisations' | 'accounts' | 'contracts' | 'invoices' | 'outbox') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    organisations: await count('organisations'),
    accounts: await count('accounts'),
    contracts: await count('contracts'),
    invoices: await count('invoices'),
    outbox: await count('outbox'),
  };
}

// A BOM, CRLF line ends, a quoted name with a comma and a doubled quote, a quoted field with a line break.
const CUSTOMERS =
  '\uFEFFexternalRef,name,adminEmail,adminName\r\n' +
  'CRM-1,"Acme, Inc.",Ann@Acme.test,Ann Lee\r\n' +
  'CRM-2,"The ""Best"" Shop",bob@best.test,\r\n' +
  'CRM-3,"Multi\nLine GmbH",cem@multi.test,Cem\r\n';

describeDb('upkeep import (issue §10)', (getDb) => {
  it('customers: quoted commas and quotes, BOM, CRLF; an organisation and an invited customer-admin per row', async () => {
    const { db } = getDb();
    const report = await run(db, 'customers', CUSTOMERS);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ ok: true, rows: 3, imported: 3 });
    const orgs = await db
      .selectFrom('organisations')
      .select(['name', 'external_ref'])
      .orderBy('external_ref')
      .execute();
    expect(orgs).toEqual([
      { name: 'Acme, Inc.', external_ref: 'CRM-1' },
      { name: 'The "Best" Shop', external_ref: 'CRM-2' },
      { name: 'Multi\nLine GmbH', external_ref: 'CRM-3' },
    ]);
    const admins = await db
      .selectFrom('accounts')
      .select(['email', 'name', 'role'])
      .orderBy('email')
      .execute();
    expect(admins).toEqual([
      { email: 'ann@acme.test', name: 'Ann Lee', role: 'customer-admin' },
      { email: 'bob@best.test', name: 'bob', role: 'customer-admin' },
      { email: 'cem@multi.test', name: 'Cem', role: 'customer-admin' },
    ]);
    const invites = await db
      .selectFrom('outbox')
      .select('topic')
      .where('topic', '=', 'customer.invited')
      .execute();
    expect(invites).toHaveLength(3);
  });

  it('customers: bad rows are all reported by row, column and rule; nothing is written', async () => {
    const { db } = getDb();
    await db
      .insertInto('organisations')
      .values({ id: newId('org'), name: 'Old', external_ref: 'CRM-9' })
      .execute();
    const before = await counts(db);
    const text =
      'externalRef,name,adminEmail,adminName\n' +
      'CRM-1,Good Ltd,good@x.test,\n' +
      'CRM-2,,not-an-email,\n' +
      'CRM-1,Again,again@x.test,\n' +
      'CRM-9,Taken,GOOD@x.test,\n' +
      'CRM-5,Short row\n';
    const report = await run(db, 'customers', text);
    expect(report.ok).toBe(false);
    expect(report.errors.map(({ row, column, rule }) => ({ row, column, rule }))).toEqual([
      { row: 3, column: 'name', rule: 'too_small' },
      { row: 3, column: 'adminEmail', rule: 'invalid_format' },
      { row: 4, column: 'externalRef', rule: 'duplicate-in-file' },
      { row: 5, column: 'adminEmail', rule: 'duplicate-in-file' },
      { row: 5, column: 'externalRef', rule: 'already-exists' },
      { row: 6, column: null, rule: 'column-count' },
    ]);
    expect(await counts(db)).toEqual(before);
  });

  it('a header with a missing or unknown column is reported on row 1', async () => {
    const { db } = getDb();
    const report = await run(db, 'customers', 'externalRef,name,email\nA,B,c@d.test\n');
    expect(report.errors.map(({ row, column, rule }) => ({ row, column, rule }))).toEqual([
      { row: 1, column: 'adminEmail', rule: 'required-column' },
      { row: 1, column: 'email', rule: 'unknown-column' },
    ]);
    const unclosed = await run(db, 'customers', 'externalRef,name,adminEmail\nA,"B,c@d.test\n');
    expect(unclosed.errors[0]).toMatchObject({ rule: 'csv-syntax' });
  });

  it('progress: every row is reported when checked, then when written; a dry run only checks', async () => {
    const { db } = getDb();
    const seen: string[] = [];
    const onProgress = (phase: string, done: number, total: number) => seen.push(`${phase} ${done}/${total}`);
    await runImport(db, 'customers', CUSTOMERS, { ...OPTIONS, dryRun: true, onProgress });
    expect(seen).toEqual(['check 1/3', 'check 2/3', 'check 3/3']);
    seen.length = 0;
    await runImport(db, 'customers', CUSTOMERS, { ...OPTIONS, onProgress });
    expect(seen).toEqual(['check 1/3', 'check 2/3', 'check 3/3', 'write 1/3', 'write 2/3', 'write 3/3']);
  });

  it('--dry-run validates every row and writes nothing', async () => {
    const { db } = getDb();
    const before = await counts(db);
    const report = await run(db, 'customers', CUSTOMERS, true);
    expect(report).toMatchObject({ ok: true, dryRun: true, rows: 3, imported: 0, errors: [] });
    expect(await counts(db)).toEqual(before);
  });

  it('contracts (S0): each row is a purchase with its order, invoice and first term (R0.1); a bad row fails the whole file', async () => {
    const { db } = getDb();
    await run(db, 'customers', CUSTOMERS);
    await createProduct(db, { planKey: PRESET.S0, slug: 'editor', category: 'professional' });
    await createProduct(db, { planKey: PRESET.S0, slug: 'viewer', category: 'standard' });
    const bad =
      'organisationExternalRef,productSlug,purchasedOn,discountMinor,seats\n' +
      'CRM-1,editor,2026-01-15,,\n' +
      'CRM-2,editor,2026-02-30,,\n' +
      'CRM-X,viewer,2026-01-15,-5,\n' +
      'CRM-1,editor,2026-01-20,,\n';
    const before = await counts(db);
    const failed = await run(db, 'contracts', bad);
    expect(failed.errors.map(({ row, column, rule }) => ({ row, column, rule }))).toEqual([
      { row: 3, column: 'purchasedOn', rule: 'custom' },
      { row: 4, column: 'discountMinor', rule: 'invalid_format' },
      { row: 5, column: 'productSlug', rule: 'duplicate-in-file' },
    ]);
    expect(await counts(db)).toEqual(before);

    const good =
      'organisationExternalRef,productSlug,purchasedOn,discountMinor,seats\n' +
      'CRM-1,editor,2026-01-15,1000,\n' +
      'CRM-2,viewer,2026-02-01,,\n';
    const report = await run(db, 'contracts', good);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ ok: true, imported: 2 });
    const terms = await db
      .selectFrom('coverage_terms')
      .innerJoin('contracts', 'contracts.id', 'coverage_terms.contract_id')
      .select(['contracts.purchased_on', 'contracts.purchase_discount_minor', 'starts_on', 'ends_on'])
      .orderBy('starts_on')
      .execute();
    expect(terms).toEqual([
      {
        purchased_on: '2026-01-15',
        purchase_discount_minor: 1000,
        starts_on: '2026-01-15',
        ends_on: '2027-01-15',
      },
      {
        purchased_on: '2026-02-01',
        purchase_discount_minor: 0,
        starts_on: '2026-02-01',
        ends_on: '2027-02-01',
      },
    ]);
    expect((await counts(db)).invoices).toBe(before.invoices + 2);

    // R0.2: importing the same purchase again is refused on its row; nothing is written.
    const again = await run(db, 'contracts', good);
    expect(again.errors.map((e) => ({ row: e.row, rule: e.rule }))).toEqual([
      { row: 2, rule: 'CONTRACT_EXISTS' },
      { row: 3, rule: 'CONTRACT_EXISTS' },
    ]);
    expect((await counts(db)).contracts).toBe(before.contracts + 2);
  });

  it('contracts: a failure while writing rolls back every row of the file', async () => {
    const { db } = getDb();
    const orgA = await createOrganisation(db, 'A');
    const orgB = await createOrganisation(db, 'B');
    await db.updateTable('organisations').set({ external_ref: 'A' }).where('id', '=', orgA).execute();
    await db.updateTable('organisations').set({ external_ref: 'B' }).where('id', '=', orgB).execute();
    const productId = await createProduct(db, { planKey: PRESET.S0, slug: 'tool', category: 'standard' });
    // Row 3's purchase passes validation but the database refuses it while writing: a trigger stands in
    // for anything that can go wrong between the check and the write.
    const { sql } = await import('kysely');
    await sql`CREATE FUNCTION refuse_b() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.organisation_id = ${sql.lit(orgB)} THEN RAISE EXCEPTION 'refused for B'; END IF; RETURN NEW; END $$`.execute(
      db,
    );
    await sql`CREATE TRIGGER refuse_b BEFORE INSERT ON contracts FOR EACH ROW EXECUTE FUNCTION refuse_b()`.execute(
      db,
    );
    const report = await run(
      db,
      'contracts',
      'organisationExternalRef,productSlug,purchasedOn\nA,tool,2026-01-15\nB,tool,2026-01-15\n',
    );
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      { row: 3, column: null, rule: 'write-failed', message: expect.stringContaining('refused for B') },
    ]);
    expect(
      await db.selectFrom('contracts').select('id').where('product_id', '=', productId).execute(),
    ).toEqual([]);
    expect((await counts(db)).invoices).toBe(0);
  });
});

describeDb('upkeep import contracts (S4)', (getDb) => {
  it('R4.1 (S4): a per-user row without seats is priced for the users counted on the organisation systems', async () => {
    const { db } = getDb();
    const orgId = await createOrganisation(db, 'Phones Inc');
    await db.updateTable('organisations').set({ external_ref: 'PH' }).where('id', '=', orgId).execute();
    await createProduct(db, { planKey: PRESET.S4, slug: 'pbx-support' });
    const systemId = newId('sys');
    await db.insertInto('systems').values({ id: systemId, organisation_id: orgId, name: 'PBX' }).execute();
    const items = [
      ['desk-phone', 'Ann'],
      ['app-user', 'Ann'],
      ['cordless-phone', 'Bob'],
      ['voicemail-box', null],
    ] as const;
    for (const [kind, assignedTo] of items) {
      await db
        .insertInto('system_items')
        .values({ id: newId('sit'), system_id: systemId, kind, label: kind, assigned_to: assignedTo })
        .execute();
    }
    const report = await run(
      db,
      'contracts',
      'organisationExternalRef,productSlug,purchasedOn,seats\nPH,pbx-support,2026-03-01,\nPH,pbx-support,2026-03-01,\n',
    );
    expect(report.errors.map((e) => e.rule)).toEqual(['duplicate-in-file']);
    const ok = await run(
      db,
      'contracts',
      'organisationExternalRef,productSlug,purchasedOn\nPH,pbx-support,2026-03-01\n',
    );
    expect(ok.errors).toEqual([]);
    const line = await db
      .selectFrom('invoice_lines')
      .select(['quantity_num', 'quantity_den', 'description'])
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    expect(line.quantity_num / line.quantity_den).toBe(2);
  });
});
