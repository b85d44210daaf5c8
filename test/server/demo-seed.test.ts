import { expect, it } from 'vitest';
import { consumeOneTimeToken } from '../../src/server/auth/sessions.service.ts';
import { seedDemo } from '../../src/server/demo/demo.seed.ts';
import { ensureFirstAdmin, FIRST_ADMIN_EMAIL } from '../../src/server/demo/first-admin.ts';
import { describeDb } from '../support/db-harness.ts';

describeDb('demo seed and first admin', (getDb) => {
  it('seeds the five presets as plan versions and a demo agent; a second run writes nothing', async () => {
    const { db } = getDb();
    const first = await seedDemo(db, new Date());
    expect(first).toEqual({
      plansCreated: [
        'addon-support',
        'annual-maintenance',
        'business-sla',
        'per-user-subscription',
        'ticket-desk',
      ],
      agentCreated: true,
    });
    const second = await seedDemo(db, new Date());
    expect(second).toEqual({ plansCreated: [], agentCreated: false });
    expect(await db.selectFrom('plan_versions').select('plan_key').execute()).toHaveLength(5);
    const accounts = await db.selectFrom('accounts').select(['role', 'password_hash']).execute();
    expect(accounts).toEqual([{ role: 'agent', password_hash: null }]);
  });

  it('a fresh database gets one admin without a password and a working one-time link', async () => {
    const { db } = getDb();
    const now = new Date('2026-03-02T09:00:00Z');
    const link = await ensureFirstAdmin(db, now);
    expect(link).toMatchObject({ email: FIRST_ADMIN_EMAIL, created: true });
    const admin = await db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    expect(admin).toMatchObject({ role: 'admin', password_hash: null });
    expect(await consumeOneTimeToken(db, link?.token ?? '', now)).toBe(admin.id);
  });

  it('while the first admin has no password each start issues a new link; once it has one, none', async () => {
    const { db } = getDb();
    const now = new Date('2026-03-02T09:00:00Z');
    const first = await ensureFirstAdmin(db, now);
    const again = await ensureFirstAdmin(db, now);
    expect(again).toMatchObject({ created: false });
    expect(again?.token).not.toBe(first?.token);
    expect(await db.selectFrom('accounts').selectAll().execute()).toHaveLength(1);
    await db.updateTable('accounts').set({ password_hash: 'scrypt$set' }).execute();
    expect(await ensureFirstAdmin(db, now)).toBeUndefined();
  });
});
