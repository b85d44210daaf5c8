import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { LAPSE_NOTICES_JOB, runLapseNoticesJob } from '../contracts/lapse-notices.ts';
import type { Database } from '../db/database-types.ts';
import { TICKET_JOB_HANDLERS } from '../tickets/ticket-jobs.ts';
import { type JobHandlers, startWorker, type Worker } from './job-queue.ts';

/** Every kind of job and its handler. */
export const JOB_HANDLERS: JobHandlers = { ...TICKET_JOB_HANDLERS, [LAPSE_NOTICES_JOB]: runLapseNoticesJob };

/** `count` job workers over the shared queue; any number of processes may run them against one database. */
export function startWorkers(
  db: Kysely<Database>,
  count: number,
  log: Pick<FastifyBaseLogger, 'error'>,
  clock: () => Date = () => new Date(),
): Worker {
  const workers = Array.from({ length: count }, () =>
    startWorker({
      db,
      handlers: JOB_HANDLERS,
      clock,
      onError: (error) => log.error({ err: error }, 'job worker failed; retrying'),
    }),
  );
  return { stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) };
}
