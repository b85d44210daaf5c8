import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { newId } from '../../src/server/db/ids.ts';
import { syncLicenseKeys } from '../../src/server/licenses/license-keys.service.ts';
import { asSession, makeApp, signIn, testClock, testConfig } from '../server/app-helpers.ts';
import { createRelease } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { addTerm, createContract, s0Contract } from './license-fixtures.ts';

type Clock = ReturnType<typeof testClock>;

/** An app whose license cache re-reads the epoch on every lookup unless told otherwise. */
function appAt(db: Kysely<Database>, clock: Clock, licensing: Partial<typeof testConfig.licensing> = {}) {
  const config = {
    ...testConfig,
    licensing: { ...testConfig.licensing, cacheEpochCheckMs: 0, ...licensing },
  };
  return makeApp(db, clock, { config });
}

async function keyFor(db: Kysely<Database>, contractId: string, major = 4): Promise<string> {
  const result = await syncLicenseKeys(db, contractId, new Date('2026-01-10T12:00:00Z'));
  const key = result.issued.find((k) => k.major === major)?.key;
  if (!key) throw new Error(`no key for major ${major}`);
  return key;
}

function validate(app: FastifyInstance, body: Record<string, unknown>, ip = '203.0.113.5') {
  return app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: body, remoteAddress: ip });
}

/** S0 bought 2026-01-10 for 4.x, expired 2027-01-10; releases 4.0.0 (before), 4.1.0 (covered), 4.3.0 (after lapse). */
async function lapsedS0(db: Kysely<Database>) {
  const fixture = await s0Contract(db);
  await createRelease(db, fixture.productId, '4.0.0', '2025-11-01');
  await createRelease(db, fixture.productId, '4.1.0', '2026-06-01');
  await createRelease(db, fixture.productId, '4.3.0', '2027-03-01');
  return { ...fixture, key: await keyFor(db, fixture.contractId) };
}

describeDb('license validation API (R0.3, R4.3)', (getDb) => {
  it('R0.3 VALID (S0): a covered key and version answer VALID with coveredUntil and fallbackVersion', async () => {
    const { db } = getDb();
    const { key } = await lapsedS0(db);
    const app = await appAt(db, testClock(new Date('2026-07-01T10:00:00Z')));
    const res = await validate(app, { key, version: '4.1.0', fingerprint: 'host-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      valid: true,
      code: 'VALID',
      coveredUntil: '2027-01-09',
      expiresOn: '2027-01-10',
      fallbackVersion: '4.1.0',
      features: {},
      checkedAt: '2026-07-01T10:00:00.000Z',
    });
    // Keys are case-insensitive and white space around them is ignored.
    expect((await validate(app, { key: ` ${key.toLowerCase()} ` })).json().code).toBe('VALID');
  });

  it('R0.3 NOT_FOUND (S0): an unknown key and a malformed key get the same answer', async () => {
    const { db } = getDb();
    const { key } = await lapsedS0(db);
    const app = await appAt(db, testClock(new Date('2026-07-01T10:00:00Z')));
    const unknown = `${key.slice(0, -4)}AAAA`;
    const answers = await Promise.all(
      [unknown, 'not a key', '', "UPK-' OR 1=1 --"].map(async (k) =>
        (await validate(app, { key: k })).json(),
      ),
    );
    for (const answer of answers) {
      expect(answer).toEqual({
        valid: false,
        code: 'NOT_FOUND',
        coveredUntil: null,
        expiresOn: null,
        fallbackVersion: null,
        features: {},
        checkedAt: '2026-07-01T10:00:00.000Z',
      });
    }
  });

  it('R0.3 fallback VALID after lapse (S0): a version released while covered stays VALID for life', async () => {
    const { db } = getDb();
    const { key } = await lapsedS0(db);
    const app = await appAt(db, testClock(new Date('2028-05-01T10:00:00Z')));
    for (const version of ['4.1.0', '4.0.0', undefined]) {
      const body = await validate(app, { key, version });
      expect(body.json(), `version ${version}`).toMatchObject({
        valid: true,
        code: 'VALID',
        fallbackVersion: '4.1.0',
      });
    }
  });

  it('R0.3 VERSION_NOT_COVERED (S0): a release after the lapse, an unknown version or another major names the fallback', async () => {
    const { db } = getDb();
    const { key } = await lapsedS0(db);
    const app = await appAt(db, testClock(new Date('2027-04-01T10:00:00Z')));
    for (const version of ['4.3.0', '4.9.9', '5.0.0']) {
      const body = (await validate(app, { key, version })).json();
      expect(body, version).toMatchObject({
        valid: false,
        code: 'VERSION_NOT_COVERED',
        fallbackVersion: '4.1.0',
      });
    }
  });

  it('R0.3 REVOKED (S0): after a rotation the old key answers REVOKED, the new one VALID', async () => {
    const { db } = getDb();
    const { key, contractId } = await lapsedS0(db);
    const clock = testClock(new Date('2026-07-01T10:00:00Z'));
    const app = await appAt(db, clock);
    const agent = await signIn(db, 'agent', clock.now());
    const license = await app.inject(
      asSession(agent, { method: 'GET', url: `/v1/contracts/${contractId}/license` }),
    );
    const licenseId = license.json().licenseId;
    const rotated = await app.inject(
      asSession(agent, { method: 'POST', url: `/v1/licenses/${licenseId}/keys/4/rotate` }),
    );
    expect(rotated.statusCode).toBe(200);
    expect((await validate(app, { key })).json().code).toBe('REVOKED');
    expect((await validate(app, { key: rotated.json().key })).json().code).toBe('VALID');
  });

  it('R1.3 SUSPENDED (S0): an active restriction revoking support or updates suspends the key; lifting it restores it', async () => {
    const { db } = getDb();
    const { key, organisationId } = await lapsedS0(db);
    const app = await appAt(db, testClock(new Date('2026-07-01T10:00:00Z')));
    const id = newId('rst');
    await db
      .insertInto('organisation_restrictions')
      .values({
        id,
        organisation_id: organisationId,
        kind: 'suspension',
        reason: 'abusive-conduct',
        revokes: ['support', 'updates'],
        starts_at: new Date('2026-06-01T00:00:00Z'),
        recorded_by: null,
        lifted_at: null,
      })
      .execute();
    expect((await validate(app, { key })).json()).toMatchObject({ valid: false, code: 'SUSPENDED' });
    await db
      .updateTable('organisation_restrictions')
      .set({ lifted_at: new Date() })
      .where('id', '=', id)
      .execute();
    expect((await validate(app, { key })).json().code).toBe('VALID');
  });

  it('R4.3 EXPIRED and features off after lapse (S4): covered → every feature on; lapsed → EXPIRED, all off', async () => {
    const { db } = getDb();
    const { contractId } = await createContract(db, {
      planKey: 'per-user-subscription',
      purchasedOn: '2026-01-10',
      purchasedMajor: 4,
      terms: [{ kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10' }],
    });
    const key = await keyFor(db, contractId);
    const clock = testClock(new Date('2026-07-01T15:00:00Z'));
    const app = await appAt(db, clock);
    const covered = (await validate(app, { key })).json();
    expect(covered).toMatchObject({ valid: true, code: 'VALID' });
    expect(covered.features).toEqual({
      app: true,
      'remote-portal': true,
      'off-site-devices': true,
      integrations: true,
      'add-extensions': true,
    });
    expect((await validate(app, { key, features: ['app', 'no-such-feature'] })).json().features).toEqual({
      app: true,
      'no-such-feature': false,
    });
    clock.advance(365 * 24 * 3600 * 1000);
    const lapsed = (await validate(app, { key })).json();
    expect(lapsed).toMatchObject({ valid: false, code: 'EXPIRED', fallbackVersion: null });
    expect(Object.values(lapsed.features)).toEqual([false, false, false, false, false]);
  });

  it('R0.4 cache invalidated by a renewal (S4): EXPIRED, then VALID right after the renewal term is written', async () => {
    const { db } = getDb();
    const { contractId } = await createContract(db, {
      planKey: 'per-user-subscription',
      purchasedOn: '2026-01-10',
      terms: [{ kind: 'initial', startsOn: '2026-01-10', endsOn: '2027-01-10' }],
    });
    const key = await keyFor(db, contractId);
    const app = await appAt(db, testClock(new Date('2027-02-01T15:00:00Z')));
    expect((await validate(app, { key })).json().code).toBe('EXPIRED');
    expect((await validate(app, { key })).json().code).toBe('EXPIRED');
    await addTerm(db, contractId, { kind: 'reinstatement', startsOn: '2027-02-01', endsOn: '2028-02-01' });
    expect((await validate(app, { key })).json()).toMatchObject({
      code: 'VALID',
      coveredUntil: '2028-01-31',
    });
  });

  it('R0.4 cache with a long epoch interval: a write through this process still shows at once', async () => {
    const { db } = getDb();
    const { key, contractId } = await lapsedS0(db);
    const clock = testClock(new Date('2026-07-01T10:00:00Z'));
    const app = await appAt(db, clock, { cacheEpochCheckMs: 60_000 });
    const agent = await signIn(db, 'agent', clock.now());
    expect((await validate(app, { key })).json().code).toBe('VALID');
    const licenseId = (
      await app.inject(asSession(agent, { method: 'GET', url: `/v1/contracts/${contractId}/license` }))
    ).json().licenseId;
    await app.inject(asSession(agent, { method: 'POST', url: `/v1/licenses/${licenseId}/keys/4/rotate` }));
    expect((await validate(app, { key })).json().code).toBe('REVOKED');
  });

  it('R0.3 rate limit: over the per-key limit → 429 RATE_LIMITED with Retry-After; per address too', async () => {
    const { db } = getDb();
    const { key } = await lapsedS0(db);
    const app = await appAt(db, testClock(new Date('2026-07-01T10:00:00Z')), {
      validatePerKeyPerMinute: 3,
      validatePerIpPerMinute: 5,
    });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await validate(app, { key }, `198.51.100.${i}`)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await validate(app, { key }, '198.51.100.9');
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    const perIp: number[] = [];
    for (let i = 0; i < 6; i++)
      perIp.push((await validate(app, { key: `UPK-${i}` }, '192.0.2.1')).statusCode);
    expect(perIp).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('validation: a body without a key is 400 VALIDATION_FAILED naming the field', async () => {
    const { db } = getDb();
    const app = await appAt(db, testClock());
    const res = await validate(app, { version: '4.1.0' });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('key');
  });
});
