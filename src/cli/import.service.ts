import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { parseCivilDate } from '../core/contract/civil-date.ts';
import type { PurchaseRequest } from '../schema/contracts.schema.ts';
import type { Viewer } from '../server/auth/access.ts';
import { normalizeEmail } from '../server/auth/accounts.service.ts';
import {
  type OrderContext,
  preparePurchase,
  purchaseContract,
} from '../server/contracts/contract.service.ts';
import { inviteCustomerUser } from '../server/customers/customer-users.service.ts';
import { createOrganisation } from '../server/customers/organisations.repository.ts';
import type { Database } from '../server/db/database-types.ts';
import { isAppError } from '../server/http/errors.ts';
import { type CsvColumns, type CsvRow, type RowError, readCsv } from './import.csv.ts';

// `upkeep import customers|contracts FILE.csv` (issue §10): every row is validated first, with every
// problem reported by row, column and rule; only a file without problems is written, all rows in ONE
// transaction, so a failure while writing leaves nothing half-imported.

export type ImportKind = 'customers' | 'contracts';
export type ImportOptions = {
  dryRun: boolean;
  /** Where invitation links point (UPKEEP_PUBLIC_URL or the serve address). */
  baseUrl: string;
  ctx: Pick<OrderContext, 'tax' | 'now' | 'sealingKey'>;
  /** Called after each row is checked (phase 'check') and written (phase 'write'). */
  onProgress?: (phase: 'check' | 'write', done: number, total: number) => void;
};
export type ImportReport = {
  kind: ImportKind;
  dryRun: boolean;
  ok: boolean;
  rows: number;
  imported: number;
  created: Record<string, unknown>[];
  errors: RowError[];
};

/** The import runs as the operator at the console: staff, no account. */
export const OPERATOR: Viewer = { kind: 'staff', accountId: null, apiKeyId: null };

export const CUSTOMER_COLUMNS: CsvColumns = {
  required: ['externalRef', 'name', 'adminEmail'],
  optional: ['adminName'],
};
export const CONTRACT_COLUMNS: CsvColumns = {
  required: ['organisationExternalRef', 'productSlug', 'purchasedOn'],
  optional: ['discountMinor', 'seats'],
};

/** A write that failed on one row: the whole transaction rolls back and the row is reported. */
class RowFailed extends Error {
  constructor(readonly error: RowError) {
    super(error.message);
  }
}

export async function runImport(
  db: Kysely<Database>,
  kind: ImportKind,
  text: string | Buffer,
  options: ImportOptions,
): Promise<ImportReport> {
  return kind === 'customers'
    ? runPlan(db, customersImport, kind, text, options)
    : runPlan(db, contractsImport, kind, text, options);
}

async function runPlan<T extends { row: number }>(
  db: Kysely<Database>,
  plan: ImportPlan<T>,
  kind: ImportKind,
  text: string | Buffer,
  options: ImportOptions,
): Promise<ImportReport> {
  const read = readCsv(text, plan.columns);
  const report: ImportReport = {
    kind,
    dryRun: options.dryRun,
    ok: false,
    rows: read.rows.length,
    imported: 0,
    created: [],
    errors: read.errors,
  };
  // Header and syntax problems leave no rows; rows with the wrong field count are reported and the
  // others are still checked, so one run lists every problem.
  const valid = await plan.validate(db, read.rows, options, report.errors);
  if (report.errors.length > 0) return sortErrors(report);
  if (options.dryRun) return { ...report, ok: true };
  let current = 0;
  try {
    report.created = await db.transaction().execute(async (trx) => {
      const created: Record<string, unknown>[] = [];
      for (const [index, item] of valid.entries()) {
        current = item.row;
        created.push(await plan.write(trx, item, options));
        options.onProgress?.('write', index + 1, valid.length);
      }
      return created;
    });
  } catch (error) {
    // Rolled back: nothing of this file was written. Report the row that failed.
    report.created = [];
    report.errors.push(
      error instanceof RowFailed
        ? error.error
        : { row: current, column: null, rule: 'write-failed', message: (error as Error).message },
    );
    return report;
  }
  return { ...report, ok: true, imported: report.created.length };
}

function sortErrors(report: ImportReport): ImportReport {
  report.errors.sort((a, b) => a.row - b.row);
  return report;
}

type ImportPlan<T extends { row: number }> = {
  columns: CsvColumns;
  validate: (
    db: Kysely<Database>,
    rows: CsvRow[],
    options: ImportOptions,
    errors: RowError[],
  ) => Promise<T[]>;
  write: (trx: Transaction<Database>, item: T, options: ImportOptions) => Promise<Record<string, unknown>>;
};

/** Checks one field with a zod schema; a failure is reported with the column and zod's rule. */
function field<T>(schema: z.ZodType<T>, row: CsvRow, column: string, errors: RowError[]): T | undefined {
  const result = schema.safeParse(row.values[column] ?? '');
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  errors.push({
    row: row.row,
    column,
    rule: issue?.code ?? 'invalid',
    message: issue?.message ?? 'invalid value',
  });
  return undefined;
}

const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .transform((t) => (t === '' ? undefined : t));
const optionalInt = (min: number) =>
  z
    .string()
    .regex(/^(\d{1,15})?$/, 'expected a whole number')
    .transform((t) => (t === '' ? undefined : Number(t)))
    .refine((n) => n === undefined || n >= min, `expected at least ${min}`);

// ---- customers: externalRef,name,adminEmail,adminName ----

type CustomerRow = { row: number; externalRef: string; name: string; adminEmail: string; adminName: string };

const customersImport: ImportPlan<CustomerRow> = {
  columns: CUSTOMER_COLUMNS,
  validate: async (db, rows, options, errors) => {
    const candidates: CustomerRow[] = [];
    const refs = new Map<string, number>();
    const emails = new Map<string, number>();
    for (const [index, row] of rows.entries()) {
      options.onProgress?.('check', index + 1, rows.length);
      const externalRef = field(z.string().min(1, 'required').max(100), row, 'externalRef', errors);
      const name = field(z.string().min(1, 'required').max(200), row, 'name', errors);
      const email = field(z.email('expected an email address').max(254), row, 'adminEmail', errors);
      const adminName = field(optionalText(200), row, 'adminName', errors);
      if (externalRef !== undefined) duplicate(refs, externalRef, row, 'externalRef', errors);
      if (email !== undefined) duplicate(emails, normalizeEmail(email), row, 'adminEmail', errors);
      if (externalRef === undefined || name === undefined || email === undefined) continue;
      const adminEmail = normalizeEmail(email);
      candidates.push({
        row: row.row,
        externalRef,
        name,
        adminEmail,
        adminName: adminName ?? adminEmail.split('@')[0]!,
      });
    }
    await existingCustomers(db, candidates, errors);
    const failed = new Set(errors.map((e) => e.row));
    const valid = candidates.filter((c) => !failed.has(c.row));
    return valid;
  },
  write: async (trx, item, options) => {
    const org = await createOrganisation(
      trx,
      { name: item.name, externalRef: item.externalRef },
      options.ctx.now,
    );
    if (!org.ok)
      fail(item.row, 'externalRef', 'already-exists', `an organisation has externalRef ${item.externalRef}`);
    const invited = await inviteCustomerUser(
      passThrough(trx),
      {
        organisationId: org.organisation.id,
        email: item.adminEmail,
        name: item.adminName,
        role: 'customer-admin',
        baseUrl: options.baseUrl,
        viewer: OPERATOR,
      },
      options.ctx.now,
    );
    if (!invited.ok)
      fail(item.row, 'adminEmail', 'email-taken', `an account already uses ${item.adminEmail}`);
    return {
      row: item.row,
      organisationId: org.organisation.id,
      externalRef: item.externalRef,
      adminAccountId: invited.user.id,
    };
  },
};

function duplicate(
  seen: Map<string, number>,
  key: string,
  row: CsvRow,
  column: string,
  errors: RowError[],
): void {
  const first = seen.get(key);
  if (first === undefined) {
    seen.set(key, row.row);
    return;
  }
  errors.push({
    row: row.row,
    column,
    rule: 'duplicate-in-file',
    message: `${key} is already on row ${first}`,
  });
}

async function existingCustomers(
  db: Kysely<Database>,
  rows: CustomerRow[],
  errors: RowError[],
): Promise<void> {
  if (rows.length === 0) return;
  const refs = new Set(
    (
      await db
        .selectFrom('organisations')
        .select('external_ref')
        .where(
          'external_ref',
          'in',
          rows.map((r) => r.externalRef),
        )
        .execute()
    ).map((r) => r.external_ref),
  );
  const emails = new Set(
    (
      await db
        .selectFrom('accounts')
        .select('email')
        .where(
          'email',
          'in',
          rows.map((r) => r.adminEmail),
        )
        .execute()
    ).map((r) => r.email),
  );
  for (const r of rows) {
    if (refs.has(r.externalRef)) {
      errors.push({
        row: r.row,
        column: 'externalRef',
        rule: 'already-exists',
        message: `an organisation has externalRef ${r.externalRef}`,
      });
    }
    if (emails.has(r.adminEmail)) {
      errors.push({
        row: r.row,
        column: 'adminEmail',
        rule: 'email-taken',
        message: `an account already uses ${r.adminEmail}`,
      });
    }
  }
}

// ---- contracts: organisationExternalRef,productSlug,purchasedOn,discountMinor?,seats? ----

type ContractRow = { row: number; request: PurchaseRequest };

const contractsImport: ImportPlan<ContractRow> = {
  columns: CONTRACT_COLUMNS,
  validate: async (db, rows, options, errors) => {
    const valid: ContractRow[] = [];
    const pairs = new Map<string, number>();
    for (const [index, row] of rows.entries()) {
      options.onProgress?.('check', index + 1, rows.length);
      const before = errors.length;
      const ref = field(z.string().min(1, 'required'), row, 'organisationExternalRef', errors);
      const slug = field(z.string().min(1, 'required'), row, 'productSlug', errors);
      const purchasedOn = field(civilDate, row, 'purchasedOn', errors);
      const discountMinor = field(optionalInt(0), row, 'discountMinor', errors);
      const seats = field(optionalInt(1), row, 'seats', errors);
      if (errors.length > before || ref === undefined || slug === undefined || purchasedOn === undefined)
        continue;
      const organisationId = await lookup(db, 'organisations', ref);
      const productId = await lookup(db, 'products', slug);
      if (organisationId === undefined) {
        errors.push({
          row: row.row,
          column: 'organisationExternalRef',
          rule: 'not-found',
          message: `no organisation with externalRef ${ref}`,
        });
      }
      if (productId === undefined) {
        errors.push({
          row: row.row,
          column: 'productSlug',
          rule: 'not-found',
          message: `no product with slug ${slug}`,
        });
      }
      if (organisationId === undefined || productId === undefined) continue;
      duplicate(pairs, `${ref} + ${slug}`, row, 'productSlug', errors);
      const request: PurchaseRequest = { organisationId, productId, purchasedOn };
      if (discountMinor !== undefined) request.discountMinor = discountMinor;
      // Without seats, the purchase service counts the organisation's systems by the plan's rule (R4.1).
      if (seats !== undefined) request.seats = seats;
      if (await quoteFails(db, row.row, request, options, errors)) continue;
      valid.push({ row: row.row, request });
    }
    return valid;
  },
  write: async (trx, item, options) => {
    try {
      const result = await purchaseContract(passThrough(trx), item.request, {
        ...options.ctx,
        viewer: OPERATOR,
        clientIp: null,
      });
      return { row: item.row, contractId: result.contractId, invoiceNumber: result.invoice.number };
    } catch (error) {
      if (isAppError(error)) fail(item.row, columnOf(error.message), error.code, error.message);
      throw error;
    }
  },
};

const civilDate = z.string().refine((t) => parseCivilDate(t).ok, 'expected a date YYYY-MM-DD');

/** The purchase decision as the API makes it (R0.2 one contract, price rules), without writing. */
async function quoteFails(
  db: Kysely<Database>,
  row: number,
  request: PurchaseRequest,
  options: ImportOptions,
  errors: RowError[],
): Promise<boolean> {
  try {
    await preparePurchase(db, request, options.ctx);
    return false;
  } catch (error) {
    if (!isAppError(error)) throw error;
    errors.push({ row, column: columnOf(error.message), rule: error.code, message: error.message });
    return true;
  }
}

function columnOf(message: string): string {
  if (/seat|user/i.test(message)) return 'seats';
  if (/discount/i.test(message)) return 'discountMinor';
  if (/organisation/i.test(message) && !/already has contract/i.test(message))
    return 'organisationExternalRef';
  return 'productSlug';
}

async function lookup(
  db: Kysely<Database>,
  table: 'organisations' | 'products',
  value: string,
): Promise<string | undefined> {
  const row =
    table === 'organisations'
      ? await db.selectFrom('organisations').select('id').where('external_ref', '=', value).executeTakeFirst()
      : await db.selectFrom('products').select('id').where('slug', '=', value).executeTakeFirst();
  return row?.id;
}

function fail(row: number, column: string | null, rule: string, message: string): never {
  throw new RowFailed({ row, column, rule, message });
}

/**
 * The services an import calls open their own transaction; inside the import's one transaction they
 * must join it instead (PGlite has one connection; Kysely refuses nested transactions). This view of
 * the transaction runs `transaction().execute(fn)` as `fn(this same transaction)`.
 */
function passThrough(trx: Transaction<Database>): Kysely<Database> {
  const view: Kysely<Database> = new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') {
        return () => ({ execute: <R>(fn: (t: Kysely<Database>) => Promise<R>) => fn(view) });
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return view;
}
