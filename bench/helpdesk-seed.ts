// Shared helpers of the help-desk benches (bench/helpdesk-create.bench.ts, bench/helpdesk-scale.bench.ts):
// a throwaway PostgreSQL schema with the app's pool and a raw pg pool beside it, the machine and
// PostgreSQL facts a results section records, the CPU time of this run's PostgreSQL backends, and
// a seeded word list for ticket subjects and bodies.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type DatabaseHandle, openPostgres } from '../src/server/db/database.ts';
import type { Database } from '../src/server/db/database-types.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { resultParsers } from '../src/server/db/type-parsers.ts';
import { describeMachine } from './report.ts';

export type BenchSchema = {
  schema: string;
  /** application_name of every connection of this run: finds our backends in pg_stat_activity. */
  appName: string;
  /** The app's own database handle (openPostgres, as `upkeep serve` opens it). */
  handle: DatabaseHandle;
  /** A plain pg pool on the same schema, same session settings, for baselines and bulk SQL. */
  pool: pg.Pool;
  /** Kysely over a one-connection pool that remembers the last compiled query (for EXPLAIN). */
  capture: { db: Kysely<Database>; last(): { sql: string; parameters: readonly unknown[] } | undefined };
  close(): Promise<void>;
};

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write(
      'DATABASE_URL is not set: these benches run on PostgreSQL only, e.g.\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:tickets\n',
    );
    process.exit(2);
  }
  return url;
}

function withAppName(url: string, appName: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}application_name=${appName}`;
}

/** The same type parsers as openPostgres: ours first, pg's defaults for every other type. */
function typeParser(oid: number, format?: 'text' | 'binary'): unknown {
  const parser = format === 'binary' ? undefined : resultParsers[oid];
  return parser ?? pg.types.getTypeParser(oid, format ?? 'text');
}

function rawPool(url: string, schema: string, max: number): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    options: `-c TimeZone=UTC -c search_path=${schema}`,
    max,
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  });
}

/** A fresh schema `<prefix>_<random>`, migrated; close() drops it. */
export async function openBenchSchema(prefix: string, appPoolSize: number, rawPoolSize: number) {
  const url = databaseUrl();
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const appName = `upkeep_${schema}`;
  const named = withAppName(url, appName);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const handle = await openPostgres({
    connectionString: named,
    searchPath: schema,
    maxConnections: appPoolSize,
  });
  await migrateToLatest(handle.db);
  const pool = rawPool(named, schema, rawPoolSize);
  let last: { sql: string; parameters: readonly unknown[] } | undefined;
  const capturePool = rawPool(named, schema, 1);
  const captureDb = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: capturePool }),
    log: (event) => {
      if (event.level === 'query') last = { sql: event.query.sql, parameters: event.query.parameters };
    },
  });
  let closed = false;
  return {
    schema,
    appName,
    handle,
    pool,
    capture: { db: captureDb, last: () => last },
    close: async () => {
      if (closed) return;
      closed = true;
      await captureDb.destroy().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await handle.close().catch(() => undefined);
      const drop = new pg.Client({ connectionString: url });
      await drop.connect();
      await drop.query(`DROP SCHEMA ${schema} CASCADE`);
      await drop.end();
    },
  } satisfies BenchSchema;
}

/** Drops the schema when the process is interrupted (Ctrl-C), so no bench schema is left behind. */
export function dropOnInterrupt(bench: BenchSchema): void {
  const stop = () => {
    process.stderr.write(`\ninterrupted: dropping schema ${bench.schema} …\n`);
    // Queries in flight fail once their pool closes: keep the process alive until the schema is gone.
    process.on('uncaughtException', () => undefined);
    process.on('unhandledRejection', () => undefined);
    bench.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function postgresVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return `PostgreSQL ${rows[0]?.v ?? '?'}`;
}

export async function postgresSettings(pool: pg.Pool): Promise<string> {
  const names = ['shared_buffers', 'work_mem', 'synchronous_commit', 'max_connections'];
  const { rows } = await pool.query<{ name: string; setting: string; unit: string | null }>(
    'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name',
    [names],
  );
  return rows.map((r) => `${r.name}=${r.setting}`).join(', ');
}

export function machineLine(loadStart: number, loadEnd: number): string {
  const m = describeMachine();
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; 1-minute load average ` +
    `${loadStart.toFixed(2)} at the start, ${loadEnd.toFixed(2)} at the end (shared machine: other ` +
    'work, including other test runs against the same PostgreSQL server, ran at the same time)'
  );
}

export const load1 = (): number => loadavg()[0] ?? 0;

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by each PostgreSQL backend of this run, by pid. */
export async function backendCpu(pool: pg.Pool, appName: string): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [appName],
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name.
      const ticks = Number(fields[11]) + Number(fields[12]);
      out.set(pid, ticks / CLOCK_TICKS_PER_SECOND);
    } catch {
      // Not on this machine (a remote server) or not readable: leave it out.
    }
  }
  return out;
}

/** CPU seconds our backends used between two samples (a backend that appeared counts from zero). */
export function backendCpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  if (after.size === 0) return Number.NaN;
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** A small seeded PRNG (mulberry32): every run and machine gets the same tickets. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The vocabulary of the generated tickets, most frequent first: picking index ⌊n·u^SKEW⌋ for uniform
 * u gives a long-tailed (Zipf-like) spread, so the first words occur in a large share of tickets
 * and the last ones in a handful, as in a real help desk.
 */
export const WORDS: readonly string[] = `
error update export report login password server install version license database
upgrade connection timeout crash invoice email customer dashboard backup restore
configuration permission failed slow network certificate download upload import
sync settings user account page screen message notification printer template
plugin module service window button report field column filter search query
record file folder document attachment image chart graph calendar schedule task
job queue worker process memory disk storage cache proxy firewall port address
domain redirect session cookie token browser mobile android iphone tablet desktop
linux windows macos ubuntu debian docker kubernetes container cluster node host
backup snapshot migration schema table index trigger constraint transaction lock
deadlock replication latency throughput performance freeze hang reboot restart
shutdown startup boot driver hardware firmware keyboard mouse monitor display
resolution font colour layout style theme language translation locale timezone
currency payment refund subscription renewal contract trial activation serial
key signature encryption decryption password reset unlock blocked denied expired
invalid missing duplicate corrupt broken wrong unexpected incorrect empty blank
partial truncated garbled delayed stuck pending retry loop overflow leak spike
warning alert alarm monitor metric log trace debug stack exception fault panic
abort segfault assertion regression bug defect issue ticket incident outage
maintenance patch hotfix release build compile deploy rollback pipeline script
cron api endpoint webhook callback request response header payload json xml csv
pdf excel spreadsheet word archive zip tar compress extract encode decode unicode
utf8 ascii barcode scanner label shipping warehouse inventory stock order cart
checkout discount coupon tax vat shipping delivery tracking carrier address postcode
gateway bank transfer card visa mastercard paypal stripe ledger journal balance
audit compliance gdpr retention privacy consent role group member team tenant
organisation branch office region country offline online wifi vpn dns dhcp ldap
sso saml oauth mfa otp captcha spam virus malware quarantine scan antivirus
kernel cpu ram gpu ssd raid nas san mount partition quota inode permission chmod
symlink path directory registry service daemon agent probe heartbeat watchdog
`
  .trim()
  .split(/\s+/);

export const WORD_SKEW = 2.2;

/** `count` words of the vocabulary, long-tailed. */
export function words(next: () => number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(WORDS[Math.floor(WORDS.length * next() ** WORD_SKEW)] ?? 'error');
  return out.join(' ');
}

/**
 * The rare terms real tickets carry besides words: an error code (E1000–E9999, long-tailed, so a code
 * is in tens to hundreds of tickets out of a million) and, in 3 tickets of 10, an invoice number
 * (INV + 7 digits, nearly unique). Searching for them is what finds the needle in a large desk.
 */
export const errorCode = (next: () => number): string => `E${1000 + Math.floor(9000 * next() ** 1.5)}`;
export const invoiceNumber = (next: () => number): string => `INV${1000000 + Math.floor(9000000 * next())}`;

/** A subject and a description as a customer writes them. */
export function ticketText(next: () => number): { subject: string; description: string } {
  const subject = words(next, 4 + Math.floor(next() * 5));
  const sentences: string[] = [];
  const n = 2 + Math.floor(next() * 4);
  for (let i = 0; i < n; i++) sentences.push(`${words(next, 6 + Math.floor(next() * 9))}.`);
  sentences.push(`Error code ${errorCode(next)}.`);
  if (next() < 0.3) sentences.push(`Invoice ${invoiceNumber(next)}.`);
  return { subject: subject.charAt(0).toUpperCase() + subject.slice(1), description: sentences.join(' ') };
}

/** The p-th percentile (0–100) of the values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
