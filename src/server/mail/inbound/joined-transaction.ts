import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/database-types.ts';

/**
 * A transaction that the help-desk services can be called with as if it were the database: each
 * `db.transaction().execute(fn)` they open becomes a SAVEPOINT inside it (released when `fn` returns,
 * rolled back to when it throws), so one inbound mail is decided in ONE transaction — the ticket or
 * reply, its refusal record, its outbox notices and the inbound_mail row commit together or not at
 * all — while each service keeps its own all-or-nothing steps (a refusal is recorded, then thrown).
 *
 * Kysely refuses `transaction()` on a Transaction; this proxy answers it instead and passes every
 * other member through to the real transaction (bound to it: Kysely uses private fields).
 */
export function joinedTransaction(trx: Transaction<Database>): Kysely<Database> {
  let depth = 0;
  const builder = {
    setIsolationLevel: () => builder,
    setAccessMode: () => builder,
    execute: async <T>(fn: (inner: Kysely<Database>) => Promise<T>): Promise<T> => {
      depth += 1;
      const name = sql.raw(`upkeep_sp_${depth}`);
      await sql`SAVEPOINT ${name}`.execute(trx);
      try {
        const result = await fn(proxy);
        await sql`RELEASE SAVEPOINT ${name}`.execute(trx);
        return result;
      } catch (error) {
        await sql`ROLLBACK TO SAVEPOINT ${name}`.execute(trx);
        await sql`RELEASE SAVEPOINT ${name}`.execute(trx);
        throw error;
      } finally {
        depth -= 1;
      }
    },
  };
  const proxy: Kysely<Database> = new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') return () => builder;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
}
