import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { runLapseNoticesJob, scheduleLapseNotices } from '../../src/server/contracts/lapse-notices.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { runDueJobs } from '../../src/server/jobs/job-queue.ts';
import { JOB_HANDLERS } from '../../src/server/jobs/workers.ts';
import { createOrganisation, PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { createContractWithTerms } from '../systems/systems-fixtures.ts';

const job = { id: 'job_test', kind: 'lapse-notices', key: 'lapse-notices', runAt: new Date(), payload: {} };

async function runAt(db: Kysely<Database>, iso: string) {
  await db.transaction().execute((trx) => runLapseNoticesJob(trx, job, new Date(iso)));
  const rows = await db.selectFrom('outbox').select(['topic', 'payload']).orderBy('created_at').execute();
  return rows.map((r) => {
    const p = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>;
    return [r.topic, p.daysBefore ?? p.lapsedOn];
  });
}

describeDb('lapse notices from the job queue (R4.3)', (getDb) => {
  it('R4.3 (S0): reminders 30 and 7 days before expiry and the lapse notice, each once; an old lapse is not announced', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    await createContractWithTerms(db, org, [{ startsOn: '2025-04-01', endsOn: '2026-04-01' }], PRESET.S0);
    await createContractWithTerms(db, org, [{ startsOn: '2023-01-01', endsOn: '2024-01-01' }], PRESET.S0);
    expect(await runAt(db, '2026-03-01T12:00:00Z')).toEqual([]);
    expect(await runAt(db, '2026-03-02T12:00:00Z')).toEqual([['contract.expiry-reminder', 30]]);
    expect(await runAt(db, '2026-03-03T12:00:00Z')).toEqual([['contract.expiry-reminder', 30]]);
    const week = await runAt(db, '2026-03-26T12:00:00Z');
    expect(week).toEqual([
      ['contract.expiry-reminder', 30],
      ['contract.expiry-reminder', 7],
    ]);
    await runAt(db, '2026-04-01T12:00:00Z');
    const all = await runAt(db, '2026-04-02T12:00:00Z');
    expect(all.at(-1)).toEqual(['contract.lapsed', '2026-04-01']);
    expect(all.filter(([t]) => t === 'contract.lapsed')).toHaveLength(1);
  });

  it('the job reschedules itself hourly in the shared queue', async () => {
    const { db } = getDb();
    const now = new Date('2026-03-02T12:00:00Z');
    await scheduleLapseNotices(db, now);
    expect(await runDueJobs(db, JOB_HANDLERS, { workerId: 'w', now })).toBe(1);
    const row = await db
      .selectFrom('jobs')
      .select(['run_at', 'done_at'])
      .where('key', '=', 'lapse-notices')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ run_at: new Date('2026-03-02T13:00:00Z'), done_at: null });
  });
});
