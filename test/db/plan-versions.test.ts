import { sql } from 'kysely';
import { expect, it } from 'vitest';
import {
  getPlanVersion,
  getPlanVersionById,
  listPlans,
  listPlanVersions,
  savePlanVersion,
} from '../../src/server/db/plan-versions.repository.ts';
import { describeDb } from '../support/db-harness.ts';

const doc = (price: number) => ({ name: 'Business SLA', price });
const save = (price: number, key = 'business-sla') => ({
  key,
  name: 'Business SLA',
  document: doc(price),
  contentHash: `sha256:${price}`,
});

describeDb('plan versions', (getDb) => {
  it('the first save of a plan stores version 1', async () => {
    const { db } = getDb();
    const saved = await savePlanVersion(db, save(100));
    expect(saved).toMatchObject({ planKey: 'business-sla', version: 1, created: true, document: doc(100) });
    expect(saved.id).toMatch(/^plv_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(saved.createdAt).toBeInstanceOf(Date);
  });

  it('saving the same content again returns the stored version and writes nothing', async () => {
    const { db } = getDb();
    const first = await savePlanVersion(db, save(100));
    const again = await savePlanVersion(db, save(100));
    expect(again).toEqual({ ...first, created: false });
    expect(await listPlanVersions(db, 'business-sla')).toHaveLength(1);
  });

  it('an edited document becomes the next version; earlier versions stay readable', async () => {
    const { db } = getDb();
    await savePlanVersion(db, save(100));
    const second = await savePlanVersion(db, save(120));
    expect(second).toMatchObject({ version: 2, created: true });
    expect((await getPlanVersion(db, 'business-sla', 1))?.document).toEqual(doc(100));
    expect((await getPlanVersion(db, 'business-sla'))?.version).toBe(2);
    expect(await getPlanVersion(db, 'business-sla', 3)).toBeUndefined();
    expect(await getPlanVersion(db, 'no-such-plan')).toBeUndefined();
  });

  it('a version can be read back by its id', async () => {
    const { db } = getDb();
    const { created: _, ...saved } = await savePlanVersion(db, save(100));
    expect(await getPlanVersionById(db, saved.id)).toEqual(saved);
    expect(await getPlanVersionById(db, 'plv_nope')).toBeUndefined();
  });

  it('re-saving an older document finds that older version (unique per plan and content hash)', async () => {
    const { db } = getDb();
    await savePlanVersion(db, save(100));
    await savePlanVersion(db, save(120));
    expect(await savePlanVersion(db, save(100))).toMatchObject({ version: 1, created: false });
  });

  it('listPlans gives each plan with its latest version', async () => {
    const { db } = getDb();
    await savePlanVersion(db, save(1, 'ticket-desk'));
    await savePlanVersion(db, save(2, 'ticket-desk'));
    await savePlanVersion(db, save(3, 'annual-maintenance'));
    const plans = await listPlans(db);
    expect(plans.map((p) => [p.key, p.latest.version, p.latest.document])).toEqual([
      ['annual-maintenance', 1, doc(3)],
      ['ticket-desk', 2, doc(2)],
    ]);
  });

  it('concurrent saves of different documents get distinct consecutive versions', async () => {
    const { db } = getDb();
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => savePlanVersion(db, save(n))));
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.every((r) => r.created)).toBe(true);
  });

  it('concurrent saves of one document store it once', async () => {
    const { db } = getDb();
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => savePlanVersion(db, save(7))));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await listPlanVersions(db, 'business-sla')).toHaveLength(1);
  });

  it('a stored version never changes: UPDATE is rejected by the database', async () => {
    const { db } = getDb();
    await savePlanVersion(db, save(100));
    await expect(sql`update plan_versions set content_hash = 'x'`.execute(db)).rejects.toThrow(
      /plan_versions rows are immutable: UPDATE refused/,
    );
    expect((await getPlanVersion(db, 'business-sla'))?.contentHash).toBe('sha256:100');
  });

  it('a stored version is never removed: DELETE and TRUNCATE are rejected', async () => {
    const { db } = getDb();
    await savePlanVersion(db, save(100));
    await expect(sql`delete from plan_versions`.execute(db)).rejects.toThrow(/DELETE refused/);
    await expect(sql`truncate plan_versions cascade`.execute(db)).rejects.toThrow(/TRUNCATE refused/);
    expect(await listPlanVersions(db, 'business-sla')).toHaveLength(1);
  });
});
