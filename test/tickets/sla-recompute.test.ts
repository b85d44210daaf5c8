import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { planContentHash } from '../../src/core/plan/plan.version.ts';
import { openPglite } from '../../src/server/db/database.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { savePlanVersion } from '../../src/server/db/plan-versions.repository.ts';
import { recomputeSla } from '../../src/server/tickets/sla-recompute.ts';
import { PRESET, presetPlan } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, deskSetup, openTicket } from './ticket-fixtures.ts';

const HOUR = 3_600_000;
const MONDAY_0900_MSK = new Date('2026-11-30T06:00:00Z');

/** A new version of the S3 plan whose service hours are 10:00–19:00 (a calendar change). */
async function shiftS3Hours(db: Kysely<Database>): Promise<string> {
  const plan = await presetPlan(PRESET.S3);
  const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['10:00-19:00']]));
  const edited = { ...plan, calendar: { ...plan.calendar!, week } };
  const saved = await savePlanVersion(db, {
    key: edited.key,
    name: edited.name,
    document: edited,
    contentHash: planContentHash(edited as never),
  });
  return saved.id;
}

describeDb('upkeep sla recompute (after a calendar change)', (getDb) => {
  it('R2.4 (S3): open tickets move to the new plan version only when recomputed; the time used stays, the rest runs on the new hours; audited', async () => {
    const { db } = getDb();
    const s = await deskSetup(
      db,
      PRESET.S3,
      [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }],
      MONDAY_0900_MSK,
    );
    const ticket = await openTicket(s, { categoryId: '3.3' }); // resolution 9 working hours: Monday 18:00
    const newVersion = await shiftS3Hours(db);
    s.clock.advance(HOUR / 2); // Monday 09:30 Moscow: 30 min used
    // A plan change alone moves nothing (LESSONS: pinned, never silently recomputed).
    const before = (await call(s.app, s.agent, 'GET', `/v1/tickets/${ticket.id}`)).json();
    expect(before.planVersionId).toBe(ticket.planVersionId);
    expect(before.sla.find((c: { metric: string }) => c.metric === 'resolution').dueAt).toBe(
      '2026-11-30T15:00:00.000Z',
    );

    const dry = await recomputeSla(db, { dryRun: true }, s.clock.now());
    expect(dry).toHaveLength(1);
    expect((await call(s.app, s.agent, 'GET', `/v1/tickets/${ticket.id}`)).json().planVersionId).toBe(
      ticket.planVersionId,
    );

    const changes = await recomputeSla(db, {}, s.clock.now());
    expect(changes).toEqual([
      expect.objectContaining({ ticketId: ticket.id, toPlanVersionId: newVersion, calendarChanged: true }),
    ]);
    const after = (await call(s.app, s.agent, 'GET', `/v1/tickets/${ticket.id}`)).json();
    expect(after.planVersionId).toBe(newVersion);
    expect(after.calendarHash).not.toBe(ticket.calendarHash);
    // 8 h 30 left from Monday 09:30 on the new 10:00–19:00 hours: Monday 18:30 Moscow (was 18:00).
    expect(after.sla.find((c: { metric: string }) => c.metric === 'resolution')).toMatchObject({
      consumedSeconds: 1800,
      dueAt: '2026-11-30T15:30:00.000Z',
    });
    // The assignment hour: 30 min used, the other 30 from the new opening at 10:00 → 10:30.
    const assignment = after.sla.find((c: { metric: string }) => c.metric === 'assignment');
    expect(assignment).toMatchObject({ consumedSeconds: 1800, dueAt: '2026-11-30T07:30:00.000Z' });
    const audit = await db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'sla.recomputed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(await recomputeSla(db, {}, s.clock.now())).toEqual([]);
  });
});

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'upkeep-tickets-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function upkeep(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, UPKEEP_DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/upkeep.js', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('upkeep tickets list | sla recompute (spawned)', () => {
  it('lists the queue and breaching tickets, and recomputes nothing when no plan changed', async () => {
    const handle = await openPglite({ dataDir: join(root, 'data') });
    await migrateToLatest(handle.db);
    await handle.close();
    const empty = await upkeep('tickets', 'list');
    expect(empty, empty.stderr).toMatchObject({ code: 0 });
    expect(empty.stdout).toContain('the queue is empty');
    const breaching = await upkeep('tickets', 'list', '--breaching', '--json');
    expect(breaching.code).toBe(0);
    expect(JSON.parse(breaching.stdout)).toEqual([]);
    const recompute = await upkeep('sla', 'recompute', '--dry-run', '--json');
    expect(recompute.code).toBe(0);
    expect(JSON.parse(recompute.stdout)).toEqual({ dryRun: true, changes: [] });
  });
});
