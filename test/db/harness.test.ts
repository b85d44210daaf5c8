import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeDb } from '../support/db-harness.ts';

// Isolation: each test gets its own database, so what one test writes the next cannot see.
// The two tests run in order; whichever runs second must find an empty table.
describeDb('test harness isolation', (getDb) => {
  for (const name of ['first', 'second']) {
    it(`a plan written by the ${name} test is invisible to the other`, async () => {
      const { db } = getDb();
      const before = await db.selectFrom('plans').select('key').execute();
      expect(before).toEqual([]);
      await db.insertInto('plans').values({ key: 'leak-check', name }).execute();
      const after = await db.selectFrom('plans').select('key').execute();
      expect(after).toEqual([{ key: 'leak-check' }]);
    });
  }

  it('runs migrated: the plans tables exist', async () => {
    const { db } = getDb();
    const { rows } = await sql<{ n: number }>`select count(*) as n from plan_versions`.execute(db);
    expect(rows).toEqual([{ n: 0 }]);
  });
});
