import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { formatMoney } from '../core/pricing/index.ts';
import type { ContractDetail, OrderResult, Quote } from '../schema/contracts.schema.ts';
import type { Viewer } from '../server/auth/access.ts';
import type { Config } from '../server/config.ts';
import type { OrderContext } from '../server/contracts/contract.service.ts';
import { getContractDetail } from '../server/contracts/contract-read.service.ts';
import { quoteContractRenewal, renewContract } from '../server/contracts/contract-renewal.service.ts';
import type { Database } from '../server/db/database-types.ts';
import { isAppError } from '../server/http/errors.ts';
import { withCliDatabase } from './cli-database.ts';
import { CliError, runAction } from './cli-io.ts';
import { loadCliSealingKey } from './sealing-key.ts';

// upkeep contract show ID and upkeep renew CONTRACT_ID [--quote]: the same service functions as the API,
// as the vendor's staff (an operator on the server has the database).

type ShowOptions = { json?: boolean };
type RenewOptions = { quote?: boolean; terms?: string; json?: boolean };
type Out = (text: string) => void;

const OPERATOR: Viewer = { kind: 'staff', accountId: null, apiKeyId: null };
const stdout: Out = (text) => process.stdout.write(`${text}\n`);

export function registerContractCommands(program: Command): void {
  const contract = program.command('contract').description('Contracts: coverage, entitlements and orders.');
  contract
    .command('show <id>')
    .description('Show a contract: plan version, terms, state today, entitlements and orders.')
    .option('--json', 'print the contract as JSON (the API’s GET /v1/contracts/:id body)')
    .action((id: string, options: ShowOptions) =>
      runAction(options.json === true, () =>
        withCliDatabase(({ db }) => showContract(db, id, options, new Date(), stdout), USE_THE_API),
      ),
    );
}

export function registerRenewCommand(program: Command): void {
  program
    .command('renew <contractId>')
    .description(
      'Renew a contract by its plan’s timing rule and print the invoice number; --quote only prices it.',
    )
    .option('--quote', 'show the price, the new terms and the explanation without renewing')
    .option('--terms <n>', 'renewal terms to buy at once (default 1)')
    .option('--json', 'print the result as JSON')
    .action((contractId: string, options: RenewOptions) =>
      runAction(options.json === true, () =>
        withCliDatabase(
          async ({ db }, config) =>
            renewFromCli(db, contractId, options, await contextOf(config, new Date()), stdout),
          USE_THE_API,
        ),
      ),
    );
}

const USE_THE_API = ': stop it, or use the API';

async function contextOf(config: Config, now: Date): Promise<OrderContext> {
  return {
    viewer: OPERATOR,
    clientIp: null,
    tax: config.tax,
    now,
    sealingKey: await loadCliSealingKey(config),
  };
}

export async function showContract(
  db: Kysely<Database>,
  id: string,
  options: ShowOptions,
  now: Date,
  out: Out,
): Promise<void> {
  const detail = await getContractDetail(db, id, null, now);
  if (!detail) throw new CliError(`no contract ${id}`, 'NOT_FOUND', 1);
  out(options.json === true ? JSON.stringify(detail) : formatContract(detail));
}

export async function renewFromCli(
  db: Kysely<Database>,
  contractId: string,
  options: RenewOptions,
  ctx: OrderContext,
  out: Out,
): Promise<void> {
  const terms = parseTerms(options.terms);
  const body = terms === undefined ? {} : { terms };
  try {
    if (options.quote === true) {
      const quote = await quoteContractRenewal(db, contractId, body, ctx);
      out(options.json === true ? JSON.stringify(quote) : formatQuote(quote));
      return;
    }
    const result = await renewContract(db, contractId, body, ctx);
    out(options.json === true ? JSON.stringify(result) : formatRenewal(result));
  } catch (error) {
    if (isAppError(error)) {
      throw new CliError(error.message, error.code, error.code === 'NOT_FOUND' ? 1 : 2, error.details);
    }
    throw error;
  }
}

function parseTerms(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1) {
    throw new CliError(`--terms: expected a whole number from 1, got "${text}"`, 'INVALID_INPUT', 2);
  }
  return Number(text);
}

const money = (amountMinor: number, currency: string) => formatMoney({ amountMinor, currency });

export function formatContract(c: ContractDetail): string {
  const lines = [
    `Contract ${c.id}: ${c.productName} for ${c.organisationId}`,
    `Plan ${c.plan.key} version ${c.plan.version}; purchased ${c.purchasedOn} (major ${c.purchasedMajor}, list price ${money(c.listPriceMinor, c.currency)})`,
    `Today ${c.today}: ${c.state}${c.serviceToday ? '' : ', no service'}${c.lastCoveredDay === null ? '' : `; covered until ${c.lastCoveredDay} (expires ${c.expiresOn})`}`,
  ];
  if (c.seats !== null) lines.push(`Users: ${c.seats}`);
  lines.push('Terms:');
  c.terms.stored.forEach((t, i) => {
    lines.push(
      `  ${String(i + 1).padStart(2)} ${t.kind.padEnd(14)} ${t.startsOn} → ${t.endsOn}${t.givesService ? '' : '  (no service)'}`,
    );
  });
  const e = c.entitlements;
  const decision = (d: { allowed: boolean; reason: string }) => `${d.allowed ? 'yes' : 'no'} (${d.reason})`;
  lines.push(`Entitlements: support ${decision(e.support)}, updates ${decision(e.updates)}`);
  if (e.downloads !== null) lines.push(`  download of the latest release: ${decision(e.downloads)}`);
  for (const [key, d] of Object.entries(e.features)) lines.push(`  feature ${key}: ${decision(d)}`);
  lines.push('Orders:');
  for (const o of c.orders) {
    const total = o.totalMinor === null ? '' : ` ${money(o.totalMinor, c.currency)}`;
    lines.push(`  ${o.orderedOn} ${o.kind.padEnd(13)} ${o.invoiceNumber ?? '(no invoice)'}${total}`);
  }
  return lines.join('\n');
}

export function formatQuote(q: Quote): string {
  const lines = [`Quote (${q.kind}), ordered ${q.orderedOn}:`];
  for (const l of q.lines) lines.push(`  ${money(l.totalMinor, q.currency).padStart(14)}  ${l.description}`);
  lines.push(`  ${money(q.totals.totalMinor, q.currency).padStart(14)}  total`);
  if (q.instalments.length > 1) {
    lines.push(`  paid in ${q.instalments.length} instalments from ${q.instalments[0]?.dueOn}`);
  }
  for (const t of q.newTerms) {
    lines.push(`  new term: ${t.kind} ${t.startsOn} → ${t.endsOn}${t.givesService ? '' : ' (no service)'}`);
  }
  lines.push(q.explanation);
  return lines.join('\n');
}

export function formatRenewal(r: OrderResult): string {
  const q = r.quote;
  const lines = [
    `Renewed ${r.contractId}: invoice ${r.invoice.number}, ${money(r.invoice.totalMinor, q.currency)}; expires ${q.expiresOn}.`,
    q.explanation,
  ];
  for (const k of r.licenseKeys) lines.push(`New license key for major ${k.major} (shown once): ${k.key}`);
  return lines.join('\n');
}
