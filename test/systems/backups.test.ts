import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Config } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import {
  apiKeyWith,
  asSession,
  makeApp,
  type SignedIn,
  signIn,
  testClock,
  withKey,
} from '../server/app-helpers.ts';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { backupConfig, createContractWithTerms } from './systems-fixtures.ts';

const BYTES = Buffer.from('<pbx-config version="3">\n  <ext n="201"/>\n</pbx-config>\n');
const SHA = createHash('sha256').update(BYTES).digest('hex');
// S4 term [2026-01-01, 2027-01-01); the test clock starts 2026-03-02 (active).
const TERMS = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
const DAY = 86_400_000;

async function setup(db: Kysely<Database>, overrides: Partial<Config> = {}) {
  const orgId = await createOrganisation(db, 'Acme');
  const otherOrgId = await createOrganisation(db, 'Other');
  const contractId = await createContractWithTerms(db, orgId, TERMS);
  const admin = await signInCustomer(db, orgId, 'customer-admin');
  const user = await signInCustomer(db, orgId, 'customer-user');
  const stranger = await signInCustomer(db, otherOrgId, 'customer-admin');
  const clock = testClock();
  const config = await backupConfig(overrides);
  const app = await makeApp(db, clock, { config });
  const systemId = await newSystem(app, admin, contractId);
  const key = await systemKey(app, admin, systemId);
  return { orgId, otherOrgId, contractId, admin, user, stranger, clock, config, app, systemId, key };
}

async function newSystem(app: FastifyInstance, who: SignedIn, contractId: string | null): Promise<string> {
  const res = await app.inject(
    asSession(who, { method: 'POST', url: '/v1/systems', payload: { name: 'PBX', contractId } }),
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function systemKey(app: FastifyInstance, who: SignedIn, systemId: string): Promise<string> {
  const res = await app.inject(
    asSession(who, { method: 'POST', url: `/v1/systems/${systemId}/api-keys`, payload: { name: 'pbx' } }),
  );
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json()).toMatchObject({ systemId, scopes: ['systems:write'] });
  return res.json().key;
}

function upload(key: string, systemId: string, body: Buffer = BYTES) {
  return withKey(key, {
    method: 'POST',
    url: `/v1/systems/${systemId}/backups`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: body,
  });
}

async function downloads(db: Kysely<Database>, backupId: string) {
  return db
    .selectFrom('audit_events')
    .select(['action', 'outcome', 'actor_account_id'])
    .where('subject_id', '=', backupId)
    .where('action', '=', 'backup.downloaded')
    .orderBy('at')
    .orderBy('id')
    .execute();
}

describeDb('configuration backups (R4.5)', (getDb) => {
  it("R4.5 (S4): the system's own key uploads a backup; size and SHA-256 are recorded under a server-chosen name", async () => {
    const { db } = getDb();
    const { app, systemId, key, user, config } = await setup(db);
    const res = await app.inject(upload(key, systemId));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ systemId, sizeBytes: BYTES.length, sha256: SHA, deletedAt: null });
    const row = await db.selectFrom('system_backups').selectAll().executeTakeFirstOrThrow();
    expect(row.storage_key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}$/);
    expect(existsSync(join(config.backupDir, row.storage_key))).toBe(true);
    const list = await app.inject(asSession(user, { method: 'GET', url: `/v1/systems/${systemId}/backups` }));
    expect(list.json().items.map((b: { id: string }) => b.id)).toEqual([res.json().id]);
    await app.close();
  });

  it('R4.5 (S4): the customer and an agent download while the subscription is active; every download is audited', async () => {
    const { db } = getDb();
    const { app, systemId, key, user } = await setup(db);
    const backupId = (await app.inject(upload(key, systemId))).json().id;
    const agent = await signIn(db, 'agent');
    for (const who of [user, agent]) {
      const res = await app.inject(
        asSession(who, { method: 'GET', url: `/v1/backups/${backupId}/download` }),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.rawPayload.equals(BYTES)).toBe(true);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers.etag).toBe(`"${SHA}"`);
    }
    expect(await downloads(db, backupId)).toEqual([
      { action: 'backup.downloaded', outcome: 'ok', actor_account_id: user.accountId },
      { action: 'backup.downloaded', outcome: 'ok', actor_account_id: agent.accountId },
    ]);
    await app.close();
  });

  it('R4.3/R4.5 (S4): after lapse a download is 403 NOT_ENTITLED with the decision, for the customer and agents; audited', async () => {
    const { db } = getDb();
    const { app, systemId, key, orgId, clock } = await setup(db);
    const backupId = (await app.inject(upload(key, systemId))).json().id;
    clock.advance(310 * DAY); // 2027-01-07 in New York: lapsed since 2027-01-01
    // Fresh sessions: the setup's have expired by then.
    const admin = await signInCustomer(db, orgId, 'customer-admin', clock.now());
    const agent = await signIn(db, 'agent', clock.now());
    for (const who of [admin, agent]) {
      const res = await app.inject(
        asSession(who, { method: 'GET', url: `/v1/backups/${backupId}/download` }),
      );
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({
        code: 'NOT_ENTITLED',
        details: { allowed: false, reason: 'LAPSED', facts: { coveredUntil: { expiresOn: '2027-01-01' } } },
      });
    }
    expect((await downloads(db, backupId)).map((d) => d.outcome)).toEqual(['LAPSED', 'LAPSED']);
    await app.close();
  });

  it('a system without a contract has no subscription: download 403 NO_CONTRACT', async () => {
    const { db } = getDb();
    const { app, admin } = await setup(db);
    const bare = await newSystem(app, admin, null);
    const key = await systemKey(app, admin, bare);
    const backupId = (await app.inject(upload(key, bare))).json().id;
    const res = await app.inject(
      asSession(admin, { method: 'GET', url: `/v1/backups/${backupId}/download` }),
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().error.details.reason).toBe('NO_CONTRACT');
    await app.close();
  });

  it('a backup over UPKEEP_BACKUP_MAX_BYTES is 413, an empty one 400; neither leaves a row; a JSON body is 415', async () => {
    const { db } = getDb();
    const { app, systemId, key, config } = await setup(db, { backupMaxBytes: 16 });
    const res = await app.inject(upload(key, systemId));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await db.selectFrom('system_backups').select('id').execute()).toEqual([]);
    // Sent without a length (chunked): the store stops at the limit and keeps nothing.
    const chunked = await app.inject(
      withKey(key, {
        method: 'POST',
        url: `/v1/systems/${systemId}/backups`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: Readable.from([BYTES.subarray(0, 10), BYTES.subarray(10)]),
      }),
    );
    expect(chunked.statusCode).toBe(413);
    expect(
      readdirSync(config.backupDir, { recursive: true }).filter(
        (f) => String(f).includes('.upload-') || String(f).length > 3,
      ),
    ).toEqual([]);
    const empty = await app.inject(upload(key, systemId, Buffer.alloc(0)));
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0].path).toBe('body');
    const json = await app.inject(
      withKey(key, { method: 'POST', url: `/v1/systems/${systemId}/backups`, payload: { a: 1 } }),
    );
    expect(json.statusCode).toBe(415);
    await app.close();
  });

  it("security: another system's key is 404 (as a missing system); a customer session may not upload (403)", async () => {
    const { db } = getDb();
    const { app, systemId, admin, contractId } = await setup(db);
    const otherSystem = await newSystem(app, admin, contractId);
    const otherKey = await systemKey(app, admin, otherSystem);
    const wrong = await app.inject(upload(otherKey, systemId));
    const missing = await app.inject(upload(otherKey, 'sys_missing'));
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().error.code).toBe(missing.json().error.code);
    const bySession = await app.inject(
      asSession(admin, {
        method: 'POST',
        url: `/v1/systems/${systemId}/backups`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: BYTES,
      }),
    );
    expect(bySession.statusCode).toBe(403);
    // The system key is good for uploads only: it cannot read the inventory.
    const read = await app.inject(withKey(otherKey, { method: 'GET', url: `/v1/systems/${otherSystem}` }));
    expect(read.statusCode).toBe(403);
    // A staff key with systems:write may upload for any system.
    const staffKey = await apiKeyWith(db, ['systems:write']);
    expect((await app.inject(upload(staffKey, systemId))).statusCode).toBe(201);
    await app.close();
  });

  it('security: a customer of another organisation gets 404 for the backup list and download, like missing ones', async () => {
    const { db } = getDb();
    const { app, systemId, key, stranger } = await setup(db);
    const backupId = (await app.inject(upload(key, systemId))).json().id;
    for (const url of [`/v1/backups/${backupId}/download`, `/v1/systems/${systemId}/backups`]) {
      const res = await app.inject(asSession(stranger, { method: 'GET', url }));
      expect(res.statusCode, url).toBe(404);
    }
    const missing = await app.inject(
      asSession(stranger, { method: 'GET', url: '/v1/backups/bak_missing/download' }),
    );
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect(await downloads(db, backupId)).toEqual([]);
    await app.close();
  });

  it('over real HTTP, a chunked upload over the limit gets its 413 answer (the connection is not reset)', async () => {
    const { db } = getDb();
    const { app, systemId, key } = await setup(db, { backupMaxBytes: 1024 });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const chunk = new Uint8Array(4096);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 64) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await fetch(`${base}/v1/systems/${systemId}/backups`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await app.close();
    }
  });
});
