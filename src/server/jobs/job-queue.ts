import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';

/**
 * The PostgreSQL-backed job queue (migration 0008 `jobs`). A job is one row keyed by what it is
 * about (`sla:tkt_…`, `auto-close:tkt_…`): scheduling the same key again moves its instant, so a
 * ticket never has two competing timers. Workers claim due rows with FOR UPDATE SKIP LOCKED and a
 * lease; a handler runs in one transaction with the row locked and the completion written, so its
 * effects and "done" commit together. Handlers must still be idempotent (a lease can expire under a
 * slow handler): every effect they make is keyed (unique rows, guarded updates).
 */

export type Job = { id: string; kind: string; key: string; runAt: Date; payload: Record<string, unknown> };
export type JobHandler = (trx: Transaction<Database>, job: Job, now: Date) => Promise<void>;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

export const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 10;

/** Schedules (or moves) the job with this key to run at `runAt`; call it in the transaction of the change. */
export async function scheduleJob(
  db: Kysely<Database>,
  job: { kind: string; key: string; runAt: Date; payload?: Record<string, unknown> },
  now: Date,
): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: newId('job'),
      kind: job.kind,
      key: job.key,
      run_at: job.runAt,
      payload: JSON.stringify(job.payload ?? {}),
      created_at: now,
    })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        run_at: eb.ref('excluded.run_at'),
        payload: eb.ref('excluded.payload'),
        done_at: null,
        attempts: 0,
        last_error: null,
      })),
    )
    .execute();
}

/** Cancels a pending job (nothing left to do for it); a no-op when there is none. */
export async function cancelJob(db: Kysely<Database>, key: string, now: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ done_at: now })
    .where('key', '=', key)
    .where('done_at', 'is', null)
    .execute();
}

/** Claims up to `limit` due jobs for `workerId` for one lease. */
export async function claimJobs(
  db: Kysely<Database>,
  workerId: string,
  now: Date,
  limit: number,
): Promise<Job[]> {
  const leaseUntil = new Date(now.getTime() + LEASE_MS);
  const rows = await sql<{ id: string; kind: string; key: string; run_at: Date; payload: unknown }>`
    UPDATE jobs SET locked_by = ${workerId}, locked_until = ${leaseUntil}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM jobs
      WHERE done_at IS NULL AND run_at <= ${now} AND (locked_until IS NULL OR locked_until <= ${now})
      ORDER BY run_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, kind, key, run_at, payload`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    key: r.key,
    runAt: r.run_at,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
  }));
}

/**
 * Runs one claimed job: the handler and the completion in one transaction, the job row locked. When the
 * handler rescheduled its own key (a later instant), the row stays pending; a lost lease runs nothing.
 */
export async function runJob(
  db: Kysely<Database>,
  job: Job,
  workerId: string,
  handlers: JobHandlers,
  now: Date,
): Promise<'done' | 'rescheduled' | 'lost' | 'failed'> {
  const handler = handlers[job.kind];
  try {
    return await db.transaction().execute(async (trx) => {
      const mine = await trx
        .selectFrom('jobs')
        .select(['run_at', 'done_at'])
        .where('id', '=', job.id)
        .where('locked_by', '=', workerId)
        .forUpdate()
        .executeTakeFirst();
      if (!mine || mine.done_at !== null) return 'lost' as const;
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(trx, job, now);
      const after = await trx
        .selectFrom('jobs')
        .select('run_at')
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      const rescheduled = after.run_at.getTime() !== mine.run_at.getTime();
      await trx
        .updateTable('jobs')
        .set(
          rescheduled
            ? { locked_by: null, locked_until: null }
            : { done_at: now, locked_by: null, locked_until: null },
        )
        .where('id', '=', job.id)
        .execute();
      return rescheduled ? ('rescheduled' as const) : ('done' as const);
    });
  } catch (error) {
    await recordFailure(db, job, workerId, error, now);
    return 'failed';
  }
}

/** A failed attempt: retried with exponential backoff (1 s … ~8 min), given up after MAX_ATTEMPTS. */
async function recordFailure(db: Kysely<Database>, job: Job, workerId: string, error: unknown, now: Date) {
  const row = await db.selectFrom('jobs').select('attempts').where('id', '=', job.id).executeTakeFirst();
  const attempts = row?.attempts ?? MAX_ATTEMPTS;
  const message = error instanceof Error ? error.message : String(error);
  const giveUp = attempts >= MAX_ATTEMPTS;
  await db
    .updateTable('jobs')
    .set({
      last_error: message.slice(0, 2000),
      locked_by: null,
      locked_until: null,
      run_at: new Date(now.getTime() + 1000 * 2 ** Math.min(attempts, 9)),
      done_at: giveUp ? now : null,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** Claims and runs every job due at `now`, batch by batch; returns how many ran to completion. */
export async function runDueJobs(
  db: Kysely<Database>,
  handlers: JobHandlers,
  options: { workerId: string; now: Date; batch?: number },
): Promise<number> {
  let done = 0;
  for (;;) {
    const jobs = await claimJobs(db, options.workerId, options.now, options.batch ?? 50);
    if (jobs.length === 0) return done;
    for (const job of jobs) {
      const outcome = await runJob(db, job, options.workerId, handlers, options.now);
      if (outcome === 'done' || outcome === 'rescheduled') done++;
    }
  }
}

/** The next instant a job is due (for the worker to sleep until), or null when none is pending. */
export async function nextJobAt(db: Kysely<Database>): Promise<Date | null> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('run_at').as('next'))
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return (row?.next as Date | null | undefined) ?? null;
}

export type Worker = { stop(): Promise<void> };

/**
 * A worker loop: runs what is due, then sleeps until the next job's instant (at most `pollMs`, since
 * another process may schedule an earlier one). Several workers, in one process or many, share the queue.
 */
export function startWorker(options: {
  db: Kysely<Database>;
  handlers: JobHandlers;
  clock: () => Date;
  workerId?: string;
  pollMs?: number;
  onError?: (error: unknown) => void;
}): Worker {
  const workerId = options.workerId ?? newId('wrk');
  const pollMs = options.pollMs ?? 1000;
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      try {
        await runDueJobs(options.db, options.handlers, { workerId, now: options.clock() });
        const next = await nextJobAt(options.db);
        const wait =
          next === null ? pollMs : Math.min(pollMs, Math.max(0, next.getTime() - options.clock().getTime()));
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.max(wait, 10));
        });
      } catch (error) {
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
