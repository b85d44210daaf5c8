import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database-types.ts';
import { startWorker, type Worker } from '../jobs/job-queue.ts';
import { TICKET_JOB_HANDLERS } from './ticket-jobs.ts';

/** `count` job workers over the shared queue; any number of processes may run them against one database. */
export function startTicketWorkers(
  db: Kysely<Database>,
  count: number,
  log: Pick<FastifyBaseLogger, 'error'>,
  clock: () => Date = () => new Date(),
): Worker {
  const workers = Array.from({ length: count }, () =>
    startWorker({
      db,
      handlers: TICKET_JOB_HANDLERS,
      clock,
      onError: (error) => log.error({ err: error }, 'job worker failed; retrying'),
    }),
  );
  return { stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) };
}
