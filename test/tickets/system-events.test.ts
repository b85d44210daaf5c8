import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { asSession, type SignedIn, withKey } from '../server/app-helpers.ts';
import { PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { createContractWithTerms } from '../systems/systems-fixtures.ts';
import { call, type DeskSetup, deskSetup } from './ticket-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');
const S4_TERMS = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
const EVENT = {
  kind: 'trunk.down',
  severity: 'critical',
  message: 'SIP trunk 1 is unreachable since 08:55',
  occurredAt: '2026-03-02T08:55:00Z',
};

async function systemWithKey(s: DeskSetup, contractId: string | null, name = 'Head office PBX') {
  const created = await call(s.app, s.customer, 'POST', '/v1/systems', { name, contractId });
  expect(created.statusCode, created.body).toBe(201);
  const systemId: string = created.json().id;
  const key = await call(s.app, s.customer, 'POST', `/v1/systems/${systemId}/api-keys`, { name: 'pbx' });
  expect(key.statusCode, key.body).toBe(201);
  return { systemId, key: key.json().key as string };
}

function report(app: FastifyInstance, key: string, systemId: string, body: unknown, idempotencyKey?: string) {
  const options: InjectOptions = {
    method: 'POST',
    url: `/v1/systems/${systemId}/events`,
    payload: body as object,
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  };
  return app.inject(withKey(key, options));
}

async function eventNotices(db: Kysely<Database>) {
  return db
    .selectFrom('outbox')
    .select(['recipient', 'dedupe_key', 'payload', 'organisation_id'])
    .where('topic', '=', 'system.event')
    .orderBy('recipient')
    .execute();
}

async function emailOf(db: Kysely<Database>, who: SignedIn): Promise<string> {
  const row = await db
    .selectFrom('accounts')
    .select('email')
    .where('id', '=', who.accountId)
    .executeTakeFirstOrThrow();
  return row.email;
}

describeDb('R4.6 system events and proactive notifications (S4 per-user subscription)', (getDb) => {
  it('R4.6 (S4): an event reported by the system’s key is stored and emailed to each customer-admin, not to users', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, S4_TERMS, START);
    const secondAdmin = await signInCustomer(db, s.orgId, 'customer-admin', START);
    const user = await signInCustomer(db, s.orgId, 'customer-user', new Date(START.getTime() + 86_400_000));
    const { systemId, key } = await systemWithKey(s, s.contractId);
    const res = await report(s.app, key, systemId, EVENT);
    expect(res.statusCode, res.body).toBe(201);
    const { event, notification } = res.json();
    expect(event).toMatchObject({
      systemId,
      organisationId: s.orgId,
      ...EVENT,
      occurredAt: '2026-03-02T08:55:00.000Z',
      receivedAt: START.toISOString(),
    });
    expect(event.reportedByApiKeyId).toMatch(/^key_/);
    expect(notification).toEqual({ outcome: 'NOTIFIED', recipients: 2 });

    const notices = await eventNotices(db);
    const admins = [await emailOf(db, s.customer), await emailOf(db, secondAdmin)].sort();
    expect(notices.map((n) => n.recipient)).toEqual(admins);
    expect(notices[0]).toMatchObject({
      organisation_id: s.orgId,
      payload: {
        eventId: event.id,
        systemId,
        severity: 'critical',
        kind: 'trunk.down',
        systemName: 'Head office PBX',
      },
    });
    expect(new Set(notices.map((n) => n.dedupe_key)).size).toBe(2);
    for (const n of notices) expect(n.dedupe_key).toContain(event.id);

    const listed = await call(s.app, user, 'GET', `/v1/systems/${systemId}/events`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toEqual({ items: [event], nextCursor: null });
    const staff = await call(s.app, s.agent, 'GET', `/v1/systems/${systemId}/events?severity=info`);
    expect(staff.json().items).toEqual([]);
  });

  it('R4.6 (S4): a retried report with the same Idempotency-Key stores one event and one email per admin', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, S4_TERMS, START);
    const { systemId, key } = await systemWithKey(s, s.contractId);
    const first = await report(s.app, key, systemId, EVENT, 'evt-1');
    const retry = await report(s.app, key, systemId, EVENT, 'evt-1');
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().event.id).toBe(first.json().event.id);
    expect(await db.selectFrom('system_events').select('id').execute()).toHaveLength(1);
    expect(await eventNotices(db)).toHaveLength(1);
  });

  it('R4.6: no email without an active subscription, without a contract, or under a plan without proactive notifications — the event is kept', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, [{ startsOn: '2025-01-01', endsOn: '2026-01-01' }], START);
    const lapsed = await systemWithKey(s, s.contractId, 'Lapsed PBX');
    const s0 = await createContractWithTerms(db, s.orgId, S4_TERMS, PRESET.S0);
    const noFeature = await systemWithKey(s, s0, 'S0 server');
    const loose = await systemWithKey(s, null, 'Spare PBX');
    const outcomes = [];
    for (const sys of [lapsed, noFeature, loose]) {
      const res = await report(s.app, sys.key, sys.systemId, EVENT);
      expect(res.statusCode, res.body).toBe(201);
      outcomes.push(res.json().notification);
    }
    expect(outcomes).toEqual([
      { outcome: 'SUBSCRIPTION_INACTIVE', recipients: 0 },
      { outcome: 'NOT_ENTITLED_BY_PLAN', recipients: 0 },
      { outcome: 'NO_CONTRACT', recipients: 0 },
    ]);
    expect(await db.selectFrom('system_events').select('id').execute()).toHaveLength(3);
    expect(await eventNotices(db)).toEqual([]);
  });

  it('R4.6 errors: an unknown severity or kind, an event from the future and a missing system are refused', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, S4_TERMS, START);
    const { systemId, key } = await systemWithKey(s, s.contractId);
    const badSeverity = await report(s.app, key, systemId, { ...EVENT, severity: 'fatal' });
    expect(badSeverity.statusCode).toBe(400);
    expect(badSeverity.json().error.details[0].path).toBe('body.severity');
    const badKind = await report(s.app, key, systemId, { ...EVENT, kind: 'Trunk Down!' });
    expect(badKind.json().error.details[0].path).toBe('body.kind');
    const future = await report(s.app, key, systemId, { ...EVENT, occurredAt: '2026-03-02T09:10:00Z' });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.details[0].path).toBe('body.occurredAt');
    const skewed = await report(s.app, key, systemId, { ...EVENT, occurredAt: '2026-03-02T09:04:00Z' });
    expect(skewed.statusCode).toBe(201);
    const missing = await call(s.app, s.agent, 'POST', '/v1/systems/sys_missing/events', EVENT);
    expect(missing.statusCode).toBe(404);
    expect(await db.selectFrom('system_events').select('id').execute()).toHaveLength(1);
  });

  it('R4.6 security: another system’s key is 404, a customer session may not report (403), another organisation’s customer cannot list (404), staff may report', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, S4_TERMS, START);
    const first = await systemWithKey(s, s.contractId, 'PBX 1');
    const second = await systemWithKey(s, s.contractId, 'PBX 2');
    const crossed = await report(s.app, second.key, first.systemId, EVENT);
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json().error.code).toBe('NOT_FOUND');
    const bySession = await call(s.app, s.customer, 'POST', `/v1/systems/${first.systemId}/events`, EVENT);
    expect(bySession.statusCode).toBe(403);
    const keyReads = await s.app.inject(
      withKey(first.key, { method: 'GET', url: `/v1/systems/${first.systemId}/events` }),
    );
    expect(keyReads.statusCode).toBe(403);
    const stranger = await s.app.inject(
      asSession(s.stranger, { method: 'GET', url: `/v1/systems/${first.systemId}/events` }),
    );
    expect(stranger.statusCode).toBe(404);
    expect(await db.selectFrom('system_events').select('id').execute()).toEqual([]);
    const byAgent = await call(s.app, s.agent, 'POST', `/v1/systems/${first.systemId}/events`, {
      ...EVENT,
      severity: 'warning',
      kind: 'disk.almost-full',
    });
    expect(byAgent.statusCode, byAgent.body).toBe(201);
    expect(byAgent.json().event.reportedByApiKeyId).toBeNull();
  });
});
