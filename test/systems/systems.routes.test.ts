import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { countSeats, countSeatsDetailed } from '../../src/server/systems/seat-count.service.ts';
import {
  apiKeyWith,
  asSession,
  makeApp,
  type SignedIn,
  signIn,
  testClock,
  withKey,
} from '../server/app-helpers.ts';
import { createOrganisation, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { backupConfig, createContractWithTerms } from './systems-fixtures.ts';

const ACTIVE = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];

async function setup(db: Kysely<Database>) {
  const orgId = await createOrganisation(db, 'Acme');
  const otherOrgId = await createOrganisation(db, 'Other');
  const contractId = await createContractWithTerms(db, orgId, ACTIVE);
  const admin = await signInCustomer(db, orgId, 'customer-admin');
  const user = await signInCustomer(db, orgId, 'customer-user');
  const stranger = await signInCustomer(db, otherOrgId, 'customer-admin');
  const app = await makeApp(db, testClock(), { config: await backupConfig() });
  return { orgId, otherOrgId, contractId, admin, user, stranger, app };
}

async function createSystem(app: FastifyInstance, who: SignedIn, body: Record<string, unknown>) {
  return app.inject(asSession(who, { method: 'POST', url: '/v1/systems', payload: body }));
}

async function addItems(app: FastifyInstance, who: SignedIn, systemId: string, items: object[]) {
  const ids: string[] = [];
  for (const item of items) {
    const res = await app.inject(
      asSession(who, { method: 'POST', url: `/v1/systems/${systemId}/items`, payload: item }),
    );
    expect(res.statusCode, res.body).toBe(201);
    ids.push(res.json().id);
  }
  return ids;
}

// R4.1 (S4): desk phone + app for one person count once; voicemail boxes and greeting menus never
// count; unassigned items count one each.
const S4_ITEMS = [
  { kind: 'desk-phone', label: 'Ext. 201 desk', assignedTo: 'Ann Lee' },
  { kind: 'app-user', label: 'Ann on mobile', assignedTo: ' ann  lee ' },
  { kind: 'cordless-phone', label: 'Warehouse DECT', assignedTo: 'Bob' },
  { kind: 'conference-speakerphone', label: 'Room 3', assignedTo: null },
  { kind: 'extension', label: 'Ext. 299 (fax line)' },
  { kind: 'voicemail-box', label: 'Sales voicemail', assignedTo: 'Ann Lee' },
  { kind: 'greeting-menu', label: 'Main menu' },
];

describeDb('systems inventory and R4.1 user counting', (getDb) => {
  it('R4.1 (S4): the user count via the API counts one person once, unassigned items each, voicemail and menus never', async () => {
    const { db } = getDb();
    const { contractId, admin, user, app } = await setup(db);
    const created = await createSystem(app, admin, { name: 'Head office PBX', contractId });
    expect(created.statusCode, created.body).toBe(201);
    const systemId = created.json().id;
    const ids = await addItems(app, admin, systemId, S4_ITEMS);

    const count = await app.inject(
      asSession(user, { method: 'GET', url: `/v1/systems/${systemId}/user-count` }),
    );
    expect(count.statusCode, count.body).toBe(200);
    expect(count.json()).toMatchObject({ systemId, contractId, planKey: PRESET.S4, count: 4 });
    expect(count.json().counted).toEqual([
      { person: 'Ann Lee', items: [ids[0], ids[1]] },
      { person: 'Bob', items: [ids[2]] },
      { person: null, items: [ids[3]] },
      { person: null, items: [ids[4]] },
    ]);
    expect(count.json().notCounted.map((n: { reason: string }) => n.reason)).toEqual([
      'not-counted-kind',
      'not-counted-kind',
    ]);

    // Removing Bob's only item: he no longer counts; the item is kept with its removal time.
    const removed = await app.inject(
      asSession(admin, { method: 'DELETE', url: `/v1/systems/${systemId}/items/${ids[2]}` }),
    );
    expect(removed.statusCode).toBe(200);
    expect(removed.json().removedAt).toBe('2026-03-02T09:00:00.000Z');
    const after = await app.inject(
      asSession(admin, { method: 'GET', url: `/v1/systems/${systemId}/user-count` }),
    );
    expect(after.json().count).toBe(3);
    const detail = await app.inject(asSession(user, { method: 'GET', url: `/v1/systems/${systemId}` }));
    expect(detail.json().items).toHaveLength(6);
    await app.close();
  });

  it('R4.1 (S4): countSeats counts all systems of the organisation as one list (a person on two systems once)', async () => {
    const { db } = getDb();
    const { orgId, otherOrgId, contractId, admin, app } = await setup(db);
    expect(await countSeats(db, orgId)).toBeUndefined();
    const a = (await createSystem(app, admin, { name: 'Office A', contractId })).json().id;
    const b = (await createSystem(app, admin, { name: 'Office B' })).json().id;
    await addItems(app, admin, a, [
      { kind: 'desk-phone', label: 'A1', assignedTo: 'Ann' },
      { kind: 'extension', label: 'A2' },
    ]);
    await addItems(app, admin, b, [
      { kind: 'app-user', label: 'B1', assignedTo: 'ANN' },
      { kind: 'cordless-phone', label: 'B2', assignedTo: 'Cem' },
      { kind: 'voicemail-box', label: 'B3' },
    ]);
    expect(await countSeats(db, orgId)).toBe(3);
    expect(await countSeats(db, orgId, { contractId })).toBe(2);
    const detailed = await countSeatsDetailed(db, orgId);
    expect(detailed?.systemIds).toEqual([a, b].sort());
    expect(await countSeats(db, otherOrgId)).toBeUndefined();
    await app.close();
  });

  it('staff (customers:write key) create systems for a named organisation; without one it is 400 naming the field', async () => {
    const { db } = getDb();
    const { orgId, app } = await setup(db);
    const key = await apiKeyWith(db, ['customers:write', 'customers:read']);
    const missing = await app.inject(
      withKey(key, { method: 'POST', url: '/v1/systems', payload: { name: 'X' } }),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe('body.organisationId');
    const ok = await app.inject(
      withKey(key, { method: 'POST', url: '/v1/systems', payload: { name: 'X', organisationId: orgId } }),
    );
    expect(ok.statusCode, ok.body).toBe(201);
    const bad = await app.inject(
      withKey(key, {
        method: 'POST',
        url: `/v1/systems/${ok.json().id}/items`,
        payload: { kind: 'fax', label: 'x' },
      }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('body.kind');
    const list = await app.inject(
      withKey(key, { method: 'GET', url: `/v1/systems?organisationId=${orgId}` }),
    );
    expect(list.json()).toMatchObject({ items: [{ id: ok.json().id }], nextCursor: null });
    await app.close();
  });

  it('user count: a system without a contract, or under a plan not priced per user, is 422 PRICE_UNAVAILABLE', async () => {
    const { db } = getDb();
    const { orgId, admin, app } = await setup(db);
    const bare = (await createSystem(app, admin, { name: 'No contract' })).json().id;
    const res = await app.inject(asSession(admin, { method: 'GET', url: `/v1/systems/${bare}/user-count` }));
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'PRICE_UNAVAILABLE', details: { reason: 'NO_CONTRACT' } });
    const s0 = await createContractWithTerms(db, orgId, ACTIVE, PRESET.S0);
    const underS0 = (await createSystem(app, admin, { name: 'S0', contractId: s0 })).json().id;
    const res0 = await app.inject(
      asSession(admin, { method: 'GET', url: `/v1/systems/${underS0}/user-count` }),
    );
    expect(res0.json().error.details.reason).toBe('NOT_PER_USER_PLAN');
    await app.close();
  });

  it('PATCH links a system to its contract later (then it counts) and renames it; an empty body changes nothing', async () => {
    const { db } = getDb();
    const { contractId, admin, app } = await setup(db);
    const systemId = (await createSystem(app, admin, { name: 'Before purchase' })).json().id;
    await addItems(app, admin, systemId, [{ kind: 'desk-phone', label: 'x', assignedTo: 'Ann' }]);
    const patch = (payload?: object) =>
      app.inject(
        asSession(admin, {
          method: 'PATCH',
          url: `/v1/systems/${systemId}`,
          ...(payload ? { payload } : {}),
        }),
      );
    expect((await patch()).json()).toMatchObject({ name: 'Before purchase', contractId: null });
    const linked = await patch({ contractId, name: 'Head office' });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toMatchObject({ name: 'Head office', contractId });
    const count = await app.inject(
      asSession(admin, { method: 'GET', url: `/v1/systems/${systemId}/user-count` }),
    );
    expect(count.json().count).toBe(1);
    expect((await patch({ contractId: null })).json().contractId).toBeNull();
    await app.close();
  });

  it("system keys: listed by prefix, never in full; revoking them all stops the device's uploads (401)", async () => {
    const { db } = getDb();
    const { admin, app } = await setup(db);
    const systemId = (await createSystem(app, admin, { name: 'PBX' })).json().id;
    const created = await app.inject(
      asSession(admin, { method: 'POST', url: `/v1/systems/${systemId}/api-keys`, payload: {} }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const { key, prefix } = created.json();
    const list = await app.inject(
      asSession(admin, { method: 'GET', url: `/v1/systems/${systemId}/api-keys` }),
    );
    expect(list.json().items).toEqual([
      expect.objectContaining({ prefix, name: 'system key', revokedAt: null }),
    ]);
    expect(list.body).not.toContain(key);
    const revoked = await app.inject(
      asSession(admin, { method: 'DELETE', url: `/v1/systems/${systemId}/api-keys` }),
    );
    expect(revoked.json()).toEqual({ revoked: 1 });
    const upload = await app.inject(
      withKey(key, {
        method: 'POST',
        url: `/v1/systems/${systemId}/backups`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: Buffer.from('x'),
      }),
    );
    expect(upload.statusCode).toBe(401);
    await app.close();
  });

  describe('security', () => {
    it('a customer-user reads but may not write (403); a contract of another organisation is 404', async () => {
      const { db } = getDb();
      const { otherOrgId, admin, user, app } = await setup(db);
      const systemId = (await createSystem(app, admin, { name: 'PBX' })).json().id;
      expect((await createSystem(app, user, { name: 'Mine' })).statusCode).toBe(403);
      const add = await app.inject(
        asSession(user, {
          method: 'POST',
          url: `/v1/systems/${systemId}/items`,
          payload: { kind: 'extension', label: 'x' },
        }),
      );
      expect(add.statusCode).toBe(403);
      expect(
        (await app.inject(asSession(user, { method: 'GET', url: `/v1/systems/${systemId}` }))).statusCode,
      ).toBe(200);
      const foreignContract = await createContractWithTerms(db, otherOrgId, ACTIVE);
      const res = await createSystem(app, admin, { name: 'Sneaky', contractId: foreignContract });
      expect(res.statusCode).toBe(404);
      await app.close();
    });

    it('a customer of another organisation gets 404 for every system route, exactly like a missing system', async () => {
      const { db } = getDb();
      const { orgId, admin, stranger, app } = await setup(db);
      const systemId = (await createSystem(app, admin, { name: 'PBX' })).json().id;
      const [itemId] = await addItems(app, admin, systemId, [{ kind: 'extension', label: 'x' }]);
      const calls = [
        { method: 'GET', url: `/v1/systems/${systemId}` },
        { method: 'GET', url: `/v1/systems/${systemId}/user-count` },
        { method: 'GET', url: `/v1/systems/${systemId}/backups` },
        { method: 'POST', url: `/v1/systems/${systemId}/items`, payload: { kind: 'extension', label: 'y' } },
        { method: 'DELETE', url: `/v1/systems/${systemId}/items/${itemId}` },
        { method: 'POST', url: `/v1/systems/${systemId}/api-keys`, payload: { name: 'k' } },
        { method: 'GET', url: `/v1/systems/${systemId}/api-keys` },
        { method: 'DELETE', url: `/v1/systems/${systemId}/api-keys` },
        { method: 'PATCH', url: `/v1/systems/${systemId}`, payload: { name: 'stolen' } },
      ] as const;
      for (const call of calls) {
        const res = await app.inject(asSession(stranger, { ...call }));
        const missing = await app.inject(
          asSession(stranger, { ...call, url: call.url.replace(systemId, 'sys_missing') }),
        );
        expect(res.statusCode, `${call.method} ${call.url}`).toBe(404);
        expect(res.json().error.code).toBe(missing.json().error.code);
      }
      const own = await app.inject(
        asSession(stranger, {
          method: 'POST',
          url: '/v1/systems',
          payload: { name: 'X', organisationId: orgId },
        }),
      );
      expect(own.statusCode).toBe(404);
      const list = await app.inject(
        asSession(stranger, { method: 'GET', url: `/v1/systems?organisationId=${orgId}` }),
      );
      expect(list.json().items).toEqual([]);
      await app.close();
    });

    it('an agent session may manage systems; a key without the customers scopes is 403', async () => {
      const { db } = getDb();
      const { orgId, app } = await setup(db);
      const agent = await signIn(db, 'agent');
      expect((await createSystem(app, agent, { name: 'By agent', organisationId: orgId })).statusCode).toBe(
        201,
      );
      const key = await apiKeyWith(db, ['systems:write']);
      const res = await app.inject(withKey(key, { method: 'GET', url: '/v1/systems' }));
      expect(res.statusCode).toBe(403);
      await app.close();
    });
  });
});
