// Child process of durability.test.ts: writes rows, each in its own transaction, and prints a
// row's id on stdout only after its commit has been acknowledged. The parent kill -9s it.
// Each transaction also writes a twin row, so the parent can check atomicity too.
// Usage: node --import tsx test/db/durability-child.ts pglite <dataDir>
//        node --import tsx test/db/durability-child.ts postgres <url> <schema>
import { sql } from 'kysely';
import { type DatabaseHandle, openPglite, openPostgres } from '../../src/server/db/database.ts';

const [backend, target, schema] = process.argv.slice(2);

async function open(): Promise<DatabaseHandle> {
  if (backend === 'pglite' && target) return openPglite({ dataDir: target });
  if (backend === 'postgres' && target && schema)
    return openPostgres({ connectionString: target, searchPath: schema });
  throw new Error('usage: durability-child.ts pglite <dataDir> | postgres <url> <schema>');
}

// Never outlive the parent: a closed stdout (parent gone) or a long run ends the child.
process.stdout.on('error', () => process.exit(1));
setTimeout(() => process.exit(3), 60_000).unref();

const { db } = await open();
await sql`create table if not exists durability_probe (id text primary key, payload text not null)`.execute(
  db,
);
process.stdout.write('ready\n');
const payload = 'x'.repeat(2000); // enough to span WAL pages now and then
for (let n = 0; ; n++) {
  const id = `${process.pid}-${n}`;
  await db.transaction().execute(async (trx) => {
    await sql`insert into durability_probe (id, payload) values (${id}, ${payload})`.execute(trx);
    // A twin in the same transaction: after a kill, both rows or neither (atomicity).
    await sql`insert into durability_probe (id, payload) values (${`${id}-twin`}, ${payload})`.execute(trx);
  });
  process.stdout.write(`${id}\n`);
}
