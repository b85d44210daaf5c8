/**
 * License-validation benchmark (issue 3 "Speed"): POST /v1/licenses/validate over HTTP with
 * autocannon (50 connections, 10 s), side by side in the same run with a bare Fastify route that
 * returns a constant JSON, on PostgreSQL (DATABASE_URL) and on PGlite. Writes its section of
 * bench/RESULTS.md. Run: `npm run bench:licenses` (see bench/README.md).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { type Backend, type DatabaseHandle, openPglite, openPostgres } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { syncLicenseKeys } from '../src/server/licenses/license-keys.service.ts';
import { s0Contract } from '../test/licenses/license-fixtures.ts';
import { createRelease } from '../test/support/commerce-fixtures.ts';

const run = promisify(execFile);
const args = new Set(process.argv.slice(2));
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
const WARMUP_S = 2;
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
const START = '<!-- license-validation:start -->';
const END = '<!-- license-validation:end -->';

type Row = { name: string; reqPerSec: number; p50: number; p99: number; non2xx: number; errors: number };

async function autocannon(url: string, body: string, seconds: number): Promise<Row> {
  const { stdout } = await run(
    process.execPath,
    [
      AUTOCANNON,
      '-c',
      String(CONNECTIONS),
      '-d',
      String(seconds),
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-b',
      body,
      '-j',
      url,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout);
  return {
    name: url,
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

async function measure(name: string, url: string, body: string): Promise<Row> {
  process.stderr.write(`${name}: warm-up ${WARMUP_S} s, then ${DURATION_S} s …\n`);
  await autocannon(url, body, WARMUP_S);
  return { ...(await autocannon(url, body, DURATION_S)), name };
}

async function listen(app: FastifyInstance): Promise<string> {
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return address;
}

async function bareApp(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const answer = { valid: true, code: 'VALID', coveredUntil: '2027-01-09', features: {} };
  app.post('/bare', async () => answer);
  return app;
}

/** A fresh database: an in-memory PGlite, or a throwaway schema on the PostgreSQL server. */
async function openBenchDatabase(backend: Backend): Promise<DatabaseHandle> {
  if (backend === 'pglite') return openPglite({ dataDir: 'memory' });
  const connectionString = process.env.DATABASE_URL ?? '';
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = await openPostgres({ connectionString, maxConnections: 1 });
  await sql.raw(`create schema ${schema}`).execute(admin.db);
  const handle = await openPostgres({ connectionString, searchPath: schema, maxConnections: 10 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await sql.raw(`drop schema ${schema} cascade`).execute(admin.db);
      await admin.close();
    },
  };
}

/** One S0 contract with a key for 4.x and a covered release, on a fresh schema of the backend. */
async function validationApp(backend: Backend) {
  const handle = await openBenchDatabase(backend);
  await migrateToLatest(handle.db);
  const { contractId, productId } = await s0Contract(handle.db, {
    purchasedOn: '2026-01-10',
    terms: [{ kind: 'initial', startsOn: '2026-01-10', endsOn: '2099-01-10' }],
  });
  await createRelease(handle.db, productId, '4.1.0', '2026-06-01');
  const { issued } = await syncLicenseKeys(handle.db, contractId, new Date());
  const key = issued[0]?.key;
  if (!key) throw new Error('no key issued');
  const base = loadConfig({ LOG_LEVEL: 'silent', UPKEEP_DATA_DIR: '/nonexistent' });
  const config = {
    ...base,
    licensing: { ...base.licensing, validatePerKeyPerMinute: 1e9, validatePerIpPerMinute: 1e9 },
  };
  const app = await buildApp({ config, db: handle.db });
  const close = async () => {
    await app.close();
    await handle.close();
  };
  return { app, key, close };
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${cpu}, ${cpus().length} cores, ${gib} GiB, ${process.platform} ${process.arch}, Node ${process.version}`;
}

function report(rows: Row[], bare: Row, loadBefore: number, loadAfter: number): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const lines = rows.map((r) => {
    const share = r === bare ? '(reference)' : `${((100 * r.reqPerSec) / bare.reqPerSec).toFixed(1)} %`;
    return `| ${r.name} | **${Math.round(r.reqPerSec).toLocaleString('en')}** | ${share} | ${ms(r.p50)} | **${ms(r.p99)}** | ${r.non2xx} | ${r.errors} |`;
  });
  return [
    START,
    '## License validation over HTTP',
    '',
    'Generated by `bench/license-validation.bench.ts`; see `bench/README.md`.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`npm run bench:licenses\` (= \`node --import tsx bench/license-validation.bench.ts\`), DATABASE_URL ${process.env.DATABASE_URL ? 'set (PostgreSQL row included)' : 'not set (PGlite only)'}`,
    `- Machine: ${machine()}; 1-minute load average ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end (shared machine)`,
    `- Load: autocannon ${CONNECTIONS} connections, ${DURATION_S} s after a ${WARMUP_S} s warm-up, one route after the other, autocannon in a child process, server in this process (one Node thread)`,
    '- Request: POST `{ key, version: "4.1.0" }` of one S0 key (covered, so the cache answers after the first call); default cache epoch check (1 s); rate limits raised',
    "- Goal: validation ≥ 70 % of the bare route's req/s, p99 ≤ 5 ms",
    '',
    '| route | req/s | of bare | p50 | p99 | non-2xx | errors |',
    '| ----- | ----- | ------- | --- | --- | ------- | ------ |',
    ...lines,
    END,
  ].join('\n');
}

function writeSection(section: string): void {
  const current = readFileSync(RESULTS, 'utf8');
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + END.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next);
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const rows: Row[] = [];
  const bare = await bareApp();
  const bareUrl = `${await listen(bare)}/bare`;
  const body = (key: string) => JSON.stringify({ key, version: '4.1.0' });
  const bareRow = await measure('bare Fastify route (constant JSON)', bareUrl, body('UPK-X'));
  rows.push(bareRow);
  const backends: Backend[] = process.env.DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];
  for (const backend of backends) {
    const { app, key, close } = await validationApp(backend);
    const url = `${await listen(app)}/v1/licenses/validate`;
    const check = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body(key),
    });
    const answer = (await check.json()) as { code?: string };
    if (answer.code !== 'VALID')
      throw new Error(`the seeded key does not validate: ${JSON.stringify(answer)}`);
    rows.push(
      await measure(
        `POST /v1/licenses/validate (${backend === 'postgres' ? 'PostgreSQL' : 'PGlite'})`,
        url,
        body(key),
      ),
    );
    await close();
  }
  await bare.close();
  const section = report(rows, bareRow, loadBefore, loadavg()[0] ?? 0);
  process.stdout.write(`${section}\n`);
  if (!args.has('--no-write')) writeSection(section);
}

await main();
process.exit(0);
