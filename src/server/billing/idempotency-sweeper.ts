import type { Kysely } from 'kysely';
import type { Database } from '../db/database-types.ts';
import { deleteExpiredIdempotencyKeys } from '../http/idempotency.ts';

type Log = { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

/** Every hour by default. */
export const IDEMPOTENCY_SWEEP_SECONDS = 60 * 60;

/**
 * Deletes Idempotency-Keys older than 24 h on a timer (unref'd, so it never keeps the process alive);
 * a failed sweep is logged and retried at the next tick. Same shape as the backup purge scheduler.
 */
export function startIdempotencySweeper(
  db: Kysely<Database>,
  log: Log,
  options: { intervalSeconds?: number; clock?: () => Date } = {},
): { stop: () => void; tick: () => Promise<void> } {
  const clock = options.clock ?? (() => new Date());
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const deleted = await deleteExpiredIdempotencyKeys(db, clock());
      if (deleted > 0) log.info({ deleted }, 'deleted expired idempotency keys');
    } catch (error) {
      log.error({ err: error }, 'idempotency key sweep failed; retrying at the next tick');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), (options.intervalSeconds ?? IDEMPOTENCY_SWEEP_SECONDS) * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
