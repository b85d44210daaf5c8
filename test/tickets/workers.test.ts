import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { openPostgres } from '../../src/server/db/database.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { LEASE_MS, runDueJobs } from '../../src/server/jobs/job-queue.ts';
import { createTicket } from '../../src/server/tickets/ticket-create.service.ts';
import { TICKET_JOB_HANDLERS } from '../../src/server/tickets/ticket-jobs.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { DATABASE_URL, describeDb } from '../support/db-harness.ts';
import { deskSetup } from './ticket-fixtures.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const WORDS = (
  'printer driver license backup relay schedule kernel module socket timeout cursor index ' +
  'invoice export import report widget dashboard mailbox gateway cluster replica shard vacuum ' +
  'locale charset font theme plugin webhook token session cookie header proxy tunnel'
).split(' ');

/** Text whose words differ from every other i's, so no two tickets look like the same issue (R2.8). */
function distinctText(i: number, words: number): string {
  return Array.from({ length: words }, (_, k) => `${WORDS[(i * 7 + k * 13) % WORDS.length]}${i}x${k}`).join(
    ' ',
  );
}

/** A second connection pool to the same database and schema: a second worker process, as far as PostgreSQL knows. */
async function secondConnection(db: Kysely<Database>, backend: string) {
  if (backend !== 'postgres' || !DATABASE_URL) return { db, close: async () => {} };
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const handle = await openPostgres({
    connectionString: DATABASE_URL,
    searchPath: rows[0]!.schema,
    maxConnections: 4,
  });
  return { db: handle.db, close: handle.close };
}

async function openMany(
  s: Awaited<ReturnType<typeof deskSetup>>,
  db: Kysely<Database>,
  n: number,
  start: Date,
) {
  const viewer = {
    kind: 'customer',
    accountId: s.customer.accountId,
    organisationId: s.orgId,
    role: 'customer-admin',
  } as const;
  for (let i = 0; i < n; i++) {
    await createTicket(
      db,
      {
        productId: s.productId,
        categoryId: 'support',
        subject: distinctText(i, 3),
        description: distinctText(i + 100, 8),
      },
      { viewer, now: new Date(start.getTime() + i * 1000) },
    );
  }
}

describeDb('job queue: two workers, exactly-once effects', (getDb) => {
  it('R2.4 (S0): two workers racing over 30 first-response breaches fire each warning and breach once, one notice each', async () => {
    const { db, backend } = getDb();
    const start = new Date('2026-03-02T09:00:00Z');
    const s = await deskSetup(db, PRESET.S0, [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }], start);
    await openMany(s, db, 30, start);
    const other = await secondConnection(db, backend);
    try {
      const at = new Date(start.getTime() + 25 * HOUR);
      const [a, b] = await Promise.all([
        runDueJobs(db, TICKET_JOB_HANDLERS, { workerId: 'worker-a', now: at, batch: 5 }),
        runDueJobs(other.db, TICKET_JOB_HANDLERS, { workerId: 'worker-b', now: at, batch: 5 }),
      ]);
      expect(a + b).toBe(30);
      if (backend === 'postgres') expect(Math.min(a, b)).toBeGreaterThan(0);
      const events = await db
        .selectFrom('sla_events')
        .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy('kind')
        .orderBy('kind')
        .execute();
      expect(events.map((e) => [e.kind, Number(e.n)])).toEqual([
        ['breach', 30],
        ['warning', 30],
      ]);
      const notices = await db
        .selectFrom('outbox')
        .select(['topic', (eb) => eb.fn.countAll<string>().as('n')])
        .where('topic', 'in', ['sla.breached', 'sla.warning'])
        .groupBy('topic')
        .execute();
      expect(Object.fromEntries(notices.map((n) => [n.topic, Number(n.n)]))).toEqual({
        'sla.breached': 30,
        'sla.warning': 30,
      });
      // Running again, from either worker, changes nothing.
      expect(
        await runDueJobs(other.db, TICKET_JOB_HANDLERS, {
          workerId: 'worker-b',
          now: new Date(at.getTime() + HOUR),
        }),
      ).toBe(0);
      expect((await db.selectFrom('sla_events').select('id').execute()).length).toBe(60);
    } finally {
      await other.close();
    }
  });

  it('R2.7 (S1): two workers auto-close 20 inactive tickets once each; a worker that died holding jobs loses them when its lease ends', async () => {
    const { db, backend } = getDb();
    const start = new Date('2026-03-02T09:00:00Z');
    const s = await deskSetup(db, PRESET.S1, [{ startsOn: '2026-01-01', endsOn: '2026-07-01' }], start);
    // S1 floods above 3 new tickets in 10 minutes: space them out.
    const viewer = {
      kind: 'customer',
      accountId: s.customer.accountId,
      organisationId: s.orgId,
      role: 'customer-admin',
    } as const;
    for (let i = 0; i < 20; i++) {
      await createTicket(
        db,
        {
          productId: s.productId,
          categoryId: 'question',
          subject: distinctText(i, 3),
          description: distinctText(i + 100, 8),
        },
        { viewer, now: new Date(start.getTime() + i * 10 * 60_000) },
      );
    }
    const open = await db.selectFrom('tickets').select('id').where('status', '=', 'new').execute();
    const closeAt = new Date(start.getTime() + 8 * DAY + 20 * 10 * 60_000);

    // A worker claimed five auto-closes and died before running them: its lease still holds them.
    const victims = (
      await db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', 'auto-close')
        .orderBy('id')
        .limit(5)
        .execute()
    ).map((j) => j.id);
    await db
      .updateTable('jobs')
      .set({ locked_by: 'crashed-worker', locked_until: new Date(closeAt.getTime() + LEASE_MS) })
      .where('id', 'in', victims)
      .execute();
    const other = await secondConnection(db, backend);
    try {
      const [a, b] = await Promise.all([
        runDueJobs(db, TICKET_JOB_HANDLERS, { workerId: 'worker-a', now: closeAt, batch: 3 }),
        runDueJobs(other.db, TICKET_JOB_HANDLERS, { workerId: 'worker-b', now: closeAt, batch: 3 }),
      ]);
      expect(a + b).toBeGreaterThanOrEqual(open.length - 5);
      const stillOpen = await db.selectFrom('tickets').select('id').where('status', '!=', 'closed').execute();
      expect(stillOpen.length).toBe(5);
      // After the lease, the crashed worker's jobs are taken over.
      await runDueJobs(other.db, TICKET_JOB_HANDLERS, {
        workerId: 'worker-b',
        now: new Date(closeAt.getTime() + LEASE_MS),
      });
      const closed = await db
        .selectFrom('tickets')
        .select(['id', 'close_reason', 'closed_at'])
        .where('status', '=', 'closed')
        .execute();
      expect(closed.length).toBe(open.length);
      expect(new Set(closed.map((c) => c.close_reason))).toEqual(new Set(['inactivity']));
      const notices = await db
        .selectFrom('outbox')
        .select('dedupe_key')
        .where('topic', '=', 'ticket.closed')
        .execute();
      expect(notices.length).toBe(open.length);
    } finally {
      await other.close();
    }
  });
});
