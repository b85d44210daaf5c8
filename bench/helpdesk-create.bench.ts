/**
 * Ticket-creation benchmark (help-desk issue, "Speed" 1): POST /v1/tickets served by the real app
 * (buildApp over PostgreSQL, a throwaway schema) under autocannon with 50 connections for 10 s, as
 * a staff API key (tickets:write, organisationId in the body) and as customer sessions, spread over
 * hundreds of organisations with S3 (business-sla) contracts; beside it, in the same run and with
 * the same 50-way concurrency on a pool of the same size, raw pg INSERTs of the rows createTicket
 * writes. Writes its section of bench/RESULTS.md. Run: `npm run bench:tickets` (see bench/README.md).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type pg from 'pg';

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const GOAL_PER_SECOND = 2000;
const PLAN_KEY = 'business-sla';
/** S3 categories: 3.x have an assignment and a resolution clock, 1 a longer resolution, 2.1 assignment only. */
const CATEGORIES = ['3.3', '3.2', '1', '3.1', '2.1'] as const;

type ClientTarget = { headers: Record<string, string>; organisationId?: string };
type ClientConfig = {
  url: string;
  connections: number;
  seconds: number;
  productId: string;
  tag: string;
  targets: ClientTarget[];
  texts: { subject: string; description: string }[];
};
type ClientResult = {
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
  samples: string[];
};

// ---------------------------------------------------------------------------------------------
// Client mode: this same file, run as a child process, drives autocannon with a body per request.
// ---------------------------------------------------------------------------------------------

async function runClient(configPath: string): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as ClientConfig;
  let counter = 0;
  const samples: string[] = [];
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    duration: config.seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const i = counter++;
          const target = config.targets[i % config.targets.length]!;
          const text = config.texts[i % config.texts.length]!;
          const body: Record<string, unknown> = {
            productId: config.productId,
            categoryId: CATEGORIES[i % CATEGORIES.length],
            subject: `${text.subject} [${config.tag}-${i}]`,
            description: text.description,
          };
          if (target.organisationId) body.organisationId = target.organisationId;
          return {
            ...request,
            headers: { ...request.headers, 'content-type': 'application/json', ...target.headers },
            body: JSON.stringify(body),
          };
        },
        onResponse: (status, body) => {
          if (status !== 201 && samples.length < 5) samples.push(`${status} ${String(body).slice(0, 300)}`);
        },
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = (stat as { count: number }).count;
  const out: ClientResult = {
    ok: statusCodes['201'] ?? 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    statusCodes,
    samples,
  };
  process.stdout.write(JSON.stringify(out));
}

// ---------------------------------------------------------------------------------------------
// Bench mode.
// ---------------------------------------------------------------------------------------------

type Row = {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Microseconds of this Node process's CPU per ticket (the app server, or the pg client of the baseline). */
  nodeCpuUs: number;
  /** Microseconds of CPU of this run's PostgreSQL backends per ticket. */
  pgCpuUs: number;
  note: string;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      organisations: { type: 'string', default: '400' },
      seconds: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      pool: { type: 'string', default: '10' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const organisations = Number(values.organisations);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  const poolSize = Number(values.pool);

  const seed = await import('./helpdesk-seed.ts');
  const { buildApp } = await import('../src/server/app.ts');
  const { loadConfig } = await import('../src/server/config.ts');
  const { newId } = await import('../src/server/db/ids.ts');
  const { createApiKey } = await import('../src/server/auth/api-keys.service.ts');
  const { deskPlanOf } = await import('../src/server/tickets/ticket-plan.ts');
  const { isTopPriority } = await import('../src/server/tickets/ticket-create.service.ts');
  const { openClocks, nextDueOf } = await import('../src/core/ticket/ticket-clocks.ts');
  const { scheduleOf } = await import('../src/core/ticket/sla-clock.ts');
  const { slaAlarms } = await import('../src/core/ticket/sla-alarms.ts');
  const { createProduct, signInCustomer, storePreset } = await import('../test/support/commerce-fixtures.ts');
  const { CREATE_TICKETS_SECTION, writeSection } = await import('./results-file.ts');
  const { markdownTable } = await import('./report.ts');

  const loadStart = seed.load1();
  const startedAt = new Date();
  // The app pool and the baseline's raw pool have the same size (the `upkeep serve` default: 10).
  const bench = await seed.openBenchSchema('bench_tickets', poolSize, poolSize);
  seed.dropOnInterrupt(bench);
  const { db } = bench.handle;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    log(`schema ${bench.schema}: seeding ${organisations} organisations with ${PLAN_KEY} contracts …`);
    const now = new Date();
    const planVersionId = await storePreset(db, PLAN_KEY);
    const productId = await createProduct(db, { planKey: PLAN_KEY, prices: { RUB: 6000000 } });
    const orgs: { id: string; contractId: string; cookie: string; csrf: string; accountId: string }[] = [];
    for (let i = 0; i < organisations; i++) {
      const id = newId('org');
      await db
        .insertInto('organisations')
        .values({ id, name: `Customer ${i}`, external_ref: null })
        .execute();
      const contractId = newId('ctr');
      await db
        .insertInto('contracts')
        .values({
          id: contractId,
          organisation_id: id,
          product_id: productId,
          plan_version_id: planVersionId,
          purchased_on: '2026-01-01',
          currency: 'RUB',
          list_price_minor: 6000000,
          purchased_major: 1,
          compatibility_snapshot: null,
        })
        .execute();
      await db
        .insertInto('coverage_terms')
        .values({
          id: newId('cvt'),
          contract_id: contractId,
          seq: 1,
          kind: 'initial',
          starts_on: '2026-01-01',
          ends_on: '2030-12-31',
          gives_service: true,
          order_id: null,
        })
        .execute();
      const customer = await signInCustomer(db, id, 'customer-admin', now);
      orgs.push({
        id,
        contractId,
        cookie: customer.cookie,
        csrf: customer.csrfToken,
        accountId: customer.accountId,
      });
    }
    const { key } = await createApiKey(
      db,
      { name: 'bench integration', scopes: ['tickets:read', 'tickets:write'], createdBy: null },
      now,
    );
    // A key per organisation, for the diagnostic row: the same requests without one shared key row.
    const orgKeys: string[] = [];
    for (const org of orgs) {
      const made = await createApiKey(
        db,
        { name: `bench key ${org.id}`, scopes: ['tickets:write'], createdBy: null },
        now,
      );
      orgKeys.push(made.key);
    }
    const next = seed.rng(20261202);
    const texts = Array.from({ length: 500 }, () => seed.ticketText(next));

    const base = loadConfig({ LOG_LEVEL: 'silent', UPKEEP_DATA_DIR: '/nonexistent' });
    const app = await buildApp({ config: base, db });
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${origin}/v1/tickets`;

    // One ticket each way first: the seeded desk must accept both (201), or the bench stops here.
    const probe = async (headers: Record<string, string>, organisationId?: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          productId,
          categoryId: '3.3',
          subject: 'Probe ticket',
          description: 'The export fails.',
          ...(organisationId ? { organisationId } : {}),
        }),
      });
      if (res.status !== 201) throw new Error(`probe ticket: ${res.status} ${await res.text()}`);
    };
    await probe({ authorization: `Bearer ${key}` }, orgs[0]!.id);
    await probe({ cookie: orgs[0]!.cookie, 'x-csrf-token': orgs[0]!.csrf });

    const dir = mkdtempSync(join(tmpdir(), 'upkeep-bench-tickets-'));
    const client = async (tag: string, targets: ClientTarget[], secs: number): Promise<ClientResult> => {
      const path = join(dir, `${tag}.json`);
      const config: ClientConfig = { url, connections, seconds: secs, productId, tag, targets, texts };
      writeFileSync(path, JSON.stringify(config));
      const { stdout } = await run(process.execPath, ['--import', 'tsx', SELF, '--client', path], {
        maxBuffer: 64 * 1024 * 1024,
      });
      return JSON.parse(stdout) as ClientResult;
    };
    const countTagged = async (tag: string) => {
      const { rows } = await bench.pool.query<{ n: string; without_job: string; without_clock: string }>(
        `SELECT count(*) AS n,
                count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.key = 'sla:' || t.id)) AS without_job,
                count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM sla_clocks c WHERE c.ticket_id = t.id)) AS without_clock
           FROM tickets t WHERE subject LIKE $1`,
        [`%[${tag}-%`],
      );
      const r = rows[0]!;
      return { n: Number(r.n), withoutJob: Number(r.without_job), withoutClock: Number(r.without_clock) };
    };

    const rows: Row[] = [];
    const runId = randomBytes(3).toString('hex');
    const measureApp = async (name: string, tag: string, targets: ClientTarget[]) => {
      log(`${name}: warm-up ${warmup} s, then ${seconds} s with ${connections} connections …`);
      await client(`${tag}w`, targets, warmup);
      const cpu = process.cpuUsage();
      const pgBefore = await seed.backendCpu(bench.pool, bench.appName);
      const r = await client(tag, targets, seconds);
      const pgAfter = await seed.backendCpu(bench.pool, bench.appName);
      const used = process.cpuUsage(cpu);
      const stored = await countTagged(tag);
      const perTicket = (s: number) => (1e6 * s) / Math.max(1, r.ok);
      rows.push({
        name,
        perSecond: r.ok / r.seconds,
        p50: r.p50,
        p99: r.p99,
        ok: r.ok,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
        nodeCpuUs: perTicket((used.user + used.system) / 1e6),
        pgCpuUs: perTicket(seed.backendCpuSpent(pgBefore, pgAfter)),
        note:
          `${stored.n} rows stored (201s + requests in flight when the run stopped); ` +
          `${stored.withoutClock} without clocks, ${stored.withoutJob} without an SLA job` +
          (r.samples.length > 0 ? `; first refusals: ${r.samples.join(' | ')}` : ''),
      });
      log(
        `  ${Math.round(r.ok / r.seconds)} tickets/s, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`,
      );
    };
    await measureApp(
      'POST /v1/tickets as a staff API key (tickets:write, organisationId in the body)',
      `k${runId}`,
      orgs.map((o) => ({ headers: { authorization: `Bearer ${key}` }, organisationId: o.id })),
    );
    await measureApp(
      'POST /v1/tickets as staff API keys, one key per organisation (diagnostic: no shared key row)',
      `m${runId}`,
      orgs.map((o, i) => ({ headers: { authorization: `Bearer ${orgKeys[i]}` }, organisationId: o.id })),
    );
    await measureApp(
      'POST /v1/tickets as customer sessions (one customer-admin per organisation)',
      `s${runId}`,
      orgs.map((o) => ({ headers: { cookie: o.cookie, 'x-csrf-token': o.csrf } })),
    );
    await app.close();
    rmSync(dir, { recursive: true, force: true });

    // The baseline: the same rows through pg directly, 50 concurrent loops on a pool of the same size.
    const desk = await deskPlanOf(db, planVersionId);
    const keyId = (
      await db
        .selectFrom('api_keys')
        .select('id')
        .where('name', '=', 'bench integration')
        .executeTakeFirstOrThrow()
    ).id;
    type Mode = 'transaction' | 'one statement';
    /**
     * The rows createTicket writes for ticket i, written either as one transaction of plain INSERTs
     * (8 round trips) or as a single statement of data-modifying CTEs (1 round trip, autocommit).
     */
    const raw = async (client: pg.PoolClient, i: number, tag: string, mode: Mode) => {
      const statements: { text: string; params: unknown[] }[] = [];
      const push = (text: string, params: unknown[]) => statements.push({ text, params });
      const at = new Date();
      const org = orgs[i % orgs.length]!;
      const text = texts[i % texts.length]!;
      const categoryId = CATEGORIES[i % CATEGORIES.length]!;
      const id = newId('tkt');
      const subject = `${text.subject} [${tag}-${i}]`;
      const clocks = openClocks(desk.plan, categoryId, null, at.getTime() / 1000, desk.calendars);
      const nextDue = nextDueOf(clocks, desk.calendars);
      const alarmed = clocks.map((clock) => ({ clock, warnedAt: null, breachedAt: null }));
      const { nextAt } = slaAlarms(alarmed, at.getTime() / 1000, desk.calendars);
      const date = (s: number | null | undefined) => (s == null ? null : new Date(Math.round(s * 1000)));
      const top = isTopPriority(desk.plan, categoryId, null);
      push(
        `INSERT INTO tickets (id, organisation_id, product_id, contract_id, plan_version_id, calendar_hash,
           category_id, impact, priority, top_priority, channel, status, billable, hourly_rate_minor,
           hourly_rate_currency, requester_account_id, created_by_account_id, subject, environment, platform,
           platform_version, created_at, updated_at, last_public_message_at, next_due_at, sla_state,
           search_public, search_all)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, 'api', 'new', false, NULL, NULL, NULL, NULL, $10,
           '{}', NULL, NULL, $11, $11, $11, $12, 'ok',
           setweight(to_tsvector('english', $10), 'A') || to_tsvector('english', $13),
           setweight(to_tsvector('english', $10), 'A') || to_tsvector('english', $13))`,
        [
          id,
          org.id,
          productId,
          org.contractId,
          planVersionId,
          desk.calendarHash,
          categoryId,
          top ? 'urgent' : 'normal',
          top,
          subject,
          at,
          date(nextDue),
          text.description,
        ],
      );
      push(
        `INSERT INTO ticket_messages (id, ticket_id, author_account_id, author_kind, visibility, body, created_at)
         VALUES ($1, $2, NULL, 'agent', 'public', $3, $4)`,
        [newId('msg'), id, text.description, at],
      );
      const clockParams: unknown[] = [];
      const tuples = clocks.map((c) => {
        const s = scheduleOf(c, desk.calendars);
        const values = [
          id,
          c.metric,
          c.cycle,
          c.clock,
          c.binding,
          c.within,
          c.targetSeconds,
          c.consumedSeconds,
          date(c.runningSince),
          date(c.stoppedAt),
          date(s?.dueAt),
          date(s?.breachedAfter),
          date(s?.warnAt),
        ];
        const from = clockParams.length;
        clockParams.push(...values);
        return `(${values.map((_, k) => `$${from + k + 1}`).join(', ')}, NULL, NULL)`;
      });
      push(
        `INSERT INTO sla_clocks (ticket_id, metric, cycle, clock, binding, within, target_seconds,
           consumed_seconds, running_since, stopped_at, due_at, breached_after, warn_at, warned_at, breached_at)
         VALUES ${tuples.join(', ')}`,
        clockParams,
      );
      push(
        `INSERT INTO jobs (id, kind, key, run_at, payload, created_at) VALUES ($1, 'sla', $2, $3, '{}', $4)`,
        [newId('job'), `sla:${id}`, date(nextAt), at],
      );
      push(
        `INSERT INTO audit_events (id, at, action, actor_account_id, actor_api_key_id, organisation_id,
           subject_type, subject_id, outcome, details, client_ip)
         VALUES ($1, $2, 'ticket.created', NULL, $3, $4, 'ticket', $5, 'ok', $6, NULL)`,
        [
          newId('aud'),
          at,
          keyId,
          org.id,
          id,
          JSON.stringify({ channel: 'api', billable: false, categoryId }),
        ],
      );
      push(
        `INSERT INTO outbox (id, topic, dedupe_key, organisation_id, recipient, payload, created_at, available_at,
           last_error)
         VALUES ($1, 'ticket.created', $2, $3, NULL, $4, $5, $5, NULL)`,
        [
          newId('out'),
          `ticket.created:${id}`,
          org.id,
          JSON.stringify({ ticketId: id, subject, billable: false, accountId: null }),
          at,
        ],
      );
      if (mode === 'transaction') {
        await client.query('BEGIN');
        for (const st of statements) await client.query(st.text, st.params);
        await client.query('COMMIT');
        return;
      }
      const params: unknown[] = [];
      const parts = statements.map((st, k) => {
        const from = params.length;
        params.push(...st.params);
        return `s${k} AS (${st.text.replace(/\$(\d+)/g, (_, n: string) => `$${from + Number(n)}`)})`;
      });
      await client.query(`WITH ${parts.join(', ')} SELECT 1`, params);
    };
    const loops = async (tag: string, secs: number, mode: Mode) => {
      const latencies: number[] = [];
      let counter = 0;
      let errors = 0;
      const end = performance.now() + secs * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (performance.now() < end) {
            const t0 = performance.now();
            const pooled = await bench.pool.connect();
            try {
              await raw(pooled, counter++, tag, mode);
              latencies.push(performance.now() - t0);
            } catch (error) {
              errors++;
              await pooled.query('ROLLBACK').catch(() => undefined);
              if (errors <= 3) log(`  raw insert failed: ${(error as Error).message}`);
            } finally {
              pooled.release();
            }
          }
        }),
      );
      return { latencies, errors, seconds: (performance.now() - started) / 1000 };
    };
    const measureRaw = async (name: string, tag: string, mode: Mode) => {
      log(`${name}: warm-up ${warmup} s, then ${seconds} s …`);
      await loops(`${tag}w`, warmup, mode);
      const cpu = process.cpuUsage();
      const pgBefore = await seed.backendCpu(bench.pool, bench.appName);
      const r = await loops(tag, seconds, mode);
      const pgAfter = await seed.backendCpu(bench.pool, bench.appName);
      const used = process.cpuUsage(cpu);
      const stored = await countTagged(tag);
      const ok = r.latencies.length;
      rows.push({
        name,
        perSecond: ok / r.seconds,
        p50: seed.percentile(r.latencies, 50),
        p99: seed.percentile(r.latencies, 99),
        ok,
        non2xx: 0,
        errors: r.errors,
        nodeCpuUs: (used.user + used.system) / Math.max(1, ok),
        pgCpuUs: (1e6 * seed.backendCpuSpent(pgBefore, pgAfter)) / Math.max(1, ok),
        note: `${stored.n} rows stored, ${stored.withoutClock} without clocks, ${stored.withoutJob} without an SLA job`,
      });
      log(`  ${Math.round(ok / r.seconds)} tickets/s, p99 ${seed.percentile(r.latencies, 99).toFixed(1)} ms`);
    };
    // The aside first, so the baseline row stays last (the reference of the table).
    await measureRaw(
      `aside: the same rows as one statement of data-modifying CTEs (1 round trip; ${connections} loops, pool of ${poolSize})`,
      `c${runId}`,
      'one statement',
    );
    await measureRaw(
      `raw pg INSERTs of the same rows, one transaction each (8 round trips; ${connections} concurrent loops, pool of ${poolSize})`,
      `r${runId}`,
      'transaction',
    );

    const version = await seed.postgresVersion(bench.pool);
    const settings = await seed.postgresSettings(bench.pool);
    const totals = await bench.pool.query<{ tickets: string; clocks: string }>(
      'SELECT (SELECT count(*) FROM tickets) AS tickets, (SELECT count(*) FROM sla_clocks) AS clocks',
    );
    const section = report({
      rows,
      startedAt,
      loadStart,
      loadEnd: seed.load1(),
      machine: seed.machineLine,
      version,
      settings,
      organisations,
      seconds,
      warmup,
      connections,
      poolSize,
      schema: bench.schema,
      tickets: Number(totals.rows[0]?.tickets ?? 0),
      markdownTable,
      args: process.argv.slice(2),
    });
    process.stdout.write(`${section}\n`);
    if (!values['no-write']) writeSection(RESULTS, CREATE_TICKETS_SECTION, section);
  } finally {
    await bench.close();
  }
}

function report(input: {
  rows: Row[];
  startedAt: Date;
  loadStart: number;
  loadEnd: number;
  machine: (a: number, b: number) => string;
  version: string;
  settings: string;
  organisations: number;
  seconds: number;
  warmup: number;
  connections: number;
  poolSize: number;
  schema: string;
  tickets: number;
  markdownTable: (h: readonly string[], r: ReadonlyArray<readonly string[]>) => string;
  args: string[];
}): string {
  const { rows } = input;
  const baseline = rows[rows.length - 1]!;
  const f1 = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '–');
  const us = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} µs` : '–');
  const table = input.markdownTable(
    [
      'path',
      'tickets/s',
      'of raw INSERTs',
      'goal 2 000/s',
      'p50',
      'p99',
      '201 (or committed)',
      'non-2xx',
      'errors',
      'Node CPU / ticket',
      'PostgreSQL CPU / ticket',
    ],
    rows.map((r) => [
      r.name,
      `**${Math.round(r.perSecond).toLocaleString('en')}**`,
      r === baseline ? '(baseline)' : `${((100 * r.perSecond) / baseline.perSecond).toFixed(1)} %`,
      r === baseline || r.name.startsWith('aside')
        ? '–'
        : r.perSecond >= GOAL_PER_SECOND
          ? 'met'
          : '**missed**',
      f1(r.p50),
      `**${f1(r.p99)}**`,
      r.ok.toLocaleString('en'),
      String(r.non2xx),
      String(r.errors),
      us(r.nodeCpuUs),
      us(r.pgCpuUs),
    ]),
  );
  const verdicts = rows
    .filter((r) => r !== baseline && !r.name.startsWith('aside'))
    .map((r) => {
      const goal =
        r.perSecond >= GOAL_PER_SECOND
          ? `meets the ${GOAL_PER_SECOND.toLocaleString('en')} tickets/s goal`
          : `misses the ${GOAL_PER_SECOND.toLocaleString('en')} tickets/s goal (${((100 * r.perSecond) / GOAL_PER_SECOND).toFixed(0)} % of it)`;
      const all =
        r.non2xx === 0 && r.errors === 0
          ? 'every request answered 201'
          : `**${r.non2xx} non-2xx, ${r.errors} errors**`;
      return `- ${r.name}: ${goal}; ${all}; ${r.note}.`;
    });
  const args = input.args.length > 0 ? input.args.join(' ') : '(defaults)';
  return [
    '## Ticket creation over HTTP (PostgreSQL)',
    '',
    'Generated by `bench/helpdesk-create.bench.ts`; see `bench/README.md`.',
    '',
    `- Date: ${input.startedAt.toISOString()}`,
    `- Command: \`DATABASE_URL=… npm run bench:tickets\` (= \`node --import tsx bench/helpdesk-create.bench.ts\`), args: \`${args}\``,
    `- Machine: ${input.machine(input.loadStart, input.loadEnd)}`,
    `- Database: ${input.version} on 127.0.0.1 (${input.settings}); fresh schema \`${input.schema}\`, dropped after the run; ${input.tickets.toLocaleString('en')} tickets in it at the end (warm-ups and probes included)`,
    `- Load: ${input.connections} connections (autocannon in a child process, a new body per request) or ${input.connections} concurrent loops (baseline), ${input.seconds} s each after a ${input.warmup} s warm-up, one row after the other; the app (buildApp, every hook, logging silent) in this process on one Node thread with a pool of ${input.poolSize} connections (the \`upkeep serve\` default), the baseline's pg pool of the same size`,
    `- Tickets: ${input.organisations} organisations, each with one S3 (business-sla) contract for the same product; requests go round-robin over the organisations and over categories 3.3, 3.2, 1, 3.1, 2.1 (2 SLA clocks, or 1 for 2.1); every subject is distinct; no flooding or duplicate rule applies (S3 has neither)`,
    '- Baseline: per ticket one transaction on a pooled connection with the rows createTicket writes, as plain parameterised INSERTs (BEGIN, tickets with both tsvectors, ticket_messages, sla_clocks (1–2 rows in one statement), jobs, audit_events, outbox, COMMIT: 8 round trips); the clock rows come from the same core functions (openClocks, scheduleOf, slaAlarms). Aside (not the product): the same statements sent as one statement of data-modifying CTEs (one round trip, autocommit), to show what the round trips cost',
    `- Goal: at least ${GOAL_PER_SECOND.toLocaleString('en')} tickets/s through the API; every request 201`,
    '',
    table,
    '',
    ...verdicts,
    '',
    "Node CPU / ticket is this process (the app server, or the baseline's pg client); PostgreSQL CPU /",
    "ticket sums /proc utime+stime of this run's backends (found by application_name) over the measured",
    "seconds. On 2 shared cores the app's Node thread, PostgreSQL, autocannon and other work compete, so",
    'tickets/s is bounded by their sum of CPU per ticket; compare the rows of one run.',
  ].join('\n');
}

const clientAt = process.argv.indexOf('--client');
if (clientAt >= 0) {
  await runClient(process.argv[clientAt + 1] ?? '');
  process.exit(0);
} else {
  await main();
  process.exit(0);
}
