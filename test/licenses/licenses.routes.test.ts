import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { KEY_ISSUED_TOPIC, syncLicenseKeys } from '../../src/server/licenses/license-keys.service.ts';
import { apiKeyWith, asSession, makeApp, signIn, testClock, withKey } from '../server/app-helpers.ts';
import { createOrganisation, createRelease, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { addTerm, createContract, s0Contract } from './license-fixtures.ts';

const AT = new Date('2026-07-01T10:00:00Z');

type VerifyFn = (file: unknown, publicKeyPem: string, now?: Date) => boolean;

/** The verification snippet exactly as docs/licensing.md prints it, loaded as a module. */
async function docSnippet(): Promise<VerifyFn> {
  const doc = readFileSync(new URL('../../docs/licensing.md', import.meta.url), 'utf8');
  const code = /<!-- verify-snippet -->\s*```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error('docs/licensing.md has no verify-snippet block');
  const file = join(tmpdir(), `verify-license-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(file, code);
  return ((await import(pathToFileURL(file).href)) as { verifyLicenseFile: VerifyFn }).verifyLicenseFile;
}

describeDb('license routes (R0.3)', (getDb) => {
  it('R0.3 (S0): staff and the owning customer see the license with key prefixes, never the full key', async () => {
    const { db } = getDb();
    const { contractId, organisationId } = await s0Contract(db);
    const { issued } = await syncLicenseKeys(db, contractId, AT);
    const app = await makeApp(db, testClock(AT));
    for (const who of [
      await signIn(db, 'agent'),
      await signInCustomer(db, organisationId, 'customer-user'),
    ]) {
      const res = await app.inject(
        asSession(who, { method: 'GET', url: `/v1/contracts/${contractId}/license` }),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().keys).toEqual([
        {
          id: issued[0]?.id,
          major: 4,
          prefix: issued[0]?.prefix,
          issuedAt: AT.toISOString(),
          revokedAt: null,
        },
      ]);
      expect(res.body).not.toContain(issued[0]?.key.split('-')[2]);
    }
  });

  it('security: another organisation’s customer gets 404 exactly like a missing contract; unauthenticated 401', async () => {
    const { db } = getDb();
    const { contractId } = await s0Contract(db);
    const { licenseId } = await syncLicenseKeys(db, contractId, AT);
    const app = await makeApp(db, testClock(AT));
    const stranger = await signInCustomer(db, await createOrganisation(db, 'Other Ltd'), 'customer-admin');
    for (const url of [`/v1/contracts/${contractId}/license`, `/v1/contracts/${contractId}/license-file`]) {
      const other = await app.inject(asSession(stranger, { method: 'GET', url }));
      const missing = await app.inject(
        asSession(stranger, { method: 'GET', url: url.replace(contractId, 'ctr_nope') }),
      );
      expect([other.statusCode, missing.statusCode]).toEqual([404, 404]);
      expect(other.json().error.code).toBe(missing.json().error.code);
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
    const rotate = await app.inject(
      asSession(stranger, { method: 'POST', url: `/v1/licenses/${licenseId}/keys/4/rotate` }),
    );
    expect(rotate.statusCode).toBe(404);
    // An API key without the licenses scopes is refused; with them it works (staff-wide).
    const wrong = await apiKeyWith(db, ['contracts:read']);
    const right = await apiKeyWith(db, ['licenses:read', 'licenses:write']);
    const get = { method: 'GET' as const, url: `/v1/contracts/${contractId}/license` };
    expect((await app.inject(withKey(wrong, get))).statusCode).toBe(403);
    expect((await app.inject(withKey(right, get))).statusCode).toBe(200);
    const post = { method: 'POST' as const, url: `/v1/licenses/${licenseId}/keys/4/rotate` };
    expect((await app.inject(withKey(wrong, post))).statusCode).toBe(403);
    expect((await app.inject(withKey(right, post))).statusCode).toBe(200);
  });

  it('R0.3 rotate: a customer admin takes a new key (shown once); a customer user is refused 403; audited', async () => {
    const { db } = getDb();
    const { contractId, organisationId } = await s0Contract(db);
    const { licenseId } = await syncLicenseKeys(db, contractId, AT);
    const app = await makeApp(db, testClock(AT));
    const user = await signInCustomer(db, organisationId, 'customer-user');
    const url = `/v1/licenses/${licenseId}/keys/4/rotate`;
    expect((await app.inject(asSession(user, { method: 'POST', url }))).statusCode).toBe(403);
    const admin = await signInCustomer(db, organisationId, 'customer-admin');
    const res = await app.inject(asSession(admin, { method: 'POST', url }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ licenseId, major: 4, key: expect.stringMatching(/^UPK-/) });
    const missing = await app.inject(asSession(admin, { method: 'POST', url: url.replace('/4/', '/9/') }));
    expect(missing.statusCode).toBe(404);
    const keys = await db.selectFrom('license_keys').select(['revoked_at']).orderBy('issued_at').execute();
    expect(keys.filter((k) => k.revoked_at === null)).toHaveLength(1);
    expect(keys).toHaveLength(2);
    const audit = await db.selectFrom('audit_events').select(['action']).execute();
    expect(audit.map((a) => a.action)).toEqual(['license.key-rotated']);
  });

  it('R0.3 offline file (S0): the documented snippet verifies a served file and rejects a tampered or expired one', async () => {
    const { db } = getDb();
    const { contractId, organisationId, productId } = await s0Contract(db);
    await createRelease(db, productId, '4.1.0', '2026-06-01');
    await syncLicenseKeys(db, contractId, AT);
    const app = await makeApp(db, testClock(AT));
    const customer = await signInCustomer(db, organisationId, 'customer-user');
    const res = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/contracts/${contractId}/license-file` }),
    );
    expect(res.statusCode).toBe(200);
    const file = res.json();
    expect(file).toMatchObject({
      alg: 'Ed25519',
      payload: {
        valid: true,
        code: 'VALID',
        major: 4,
        terms: [{ startsOn: '2026-01-10', endsOn: '2027-01-10' }],
        coveredUntil: '2027-01-09',
        fallbackVersion: '4.1.0',
        issuedAt: AT.toISOString(),
        expiresAt: '2026-07-31T10:00:00.000Z',
        organisation: { id: organisationId, name: 'Acme GmbH' },
      },
    });
    const wellKnown = (await app.inject({ method: 'GET', url: '/.well-known/upkeep-license-key' })).json();
    expect(wellKnown.kid).toBe(file.kid);
    const verify = await docSnippet();
    expect(verify(file, wellKnown.publicKeyPem, AT)).toBe(true);
    const tampered = structuredClone(file);
    tampered.payload.coveredUntil = '2099-12-31';
    expect(verify(tampered, wellKnown.publicKeyPem, AT)).toBe(false);
    expect(verify(file, wellKnown.publicKeyPem, new Date('2026-08-01T00:00:00Z'))).toBe(false);
    // The same key signs after a restart (stored), so files stay verifiable.
    const again = await makeApp(db, testClock(AT));
    const second = (await again.inject({ method: 'GET', url: '/.well-known/upkeep-license-key' })).json();
    expect(second.kid).toBe(wellKnown.kid);
  });

  it('R0.3/R4.3 offline file (S4): the decision of /validate (EXPIRED after lapse), fallbackVersion null without a perpetual fallback', async () => {
    const { db } = getDb();
    const { contractId, organisationId, productId } = await createContract(db, {
      planKey: PRESET.S4,
      purchasedOn: '2025-06-01',
      terms: [{ kind: 'initial', startsOn: '2025-06-01', endsOn: '2026-06-01' }],
    });
    await createRelease(db, productId, '4.1.0', '2025-09-01');
    await syncLicenseKeys(db, contractId, AT);
    const app = await makeApp(db, testClock(AT));
    const customer = await signInCustomer(db, organisationId, 'customer-user');
    const res = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/contracts/${contractId}/license-file` }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payload).toMatchObject({ valid: false, code: 'EXPIRED', fallbackVersion: null });
  });

  it('R1.3/R1.4 offline file (S0): a suspended organisation gets 403 NOT_ENTITLED with the decision, no file', async () => {
    const { db } = getDb();
    const { contractId, organisationId } = await s0Contract(db);
    await syncLicenseKeys(db, contractId, AT);
    await db
      .insertInto('organisation_restrictions')
      .values({
        id: 'rst_h13',
        organisation_id: organisationId,
        kind: 'suspension',
        reason: 'unpaid invoices',
        revokes: ['support', 'updates'],
        starts_at: new Date('2026-06-01T00:00:00Z'),
        recorded_by: null,
      })
      .execute();
    const app = await makeApp(db, testClock(AT));
    const staff = await signIn(db, 'agent');
    const res = await app.inject(
      asSession(staff, { method: 'GET', url: `/v1/contracts/${contractId}/license-file` }),
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      code: 'NOT_ENTITLED',
      details: { valid: false, code: 'SUSPENDED' },
    });
  });

  it('R0.3 new major (S0): publishing 5.0.0 issues keys to covered contracts only, once, one outbox row each', async () => {
    const { db } = getDb();
    const covered = await s0Contract(db);
    const productId = covered.productId;
    const lapsed = await s0Contract(db, {
      productId,
      organisationId: await createOrganisation(db, 'Lapsed Inc'),
      purchasedOn: '2025-01-10',
      terms: [{ kind: 'initial', startsOn: '2025-01-10', endsOn: '2026-01-10' }],
    });
    for (const c of [covered, lapsed]) {
      await syncLicenseKeys(db, c.contractId, new Date('2026-01-10T00:00:00Z'));
      await signInCustomer(db, c.organisationId, 'customer-admin');
    }
    const app = await makeApp(db, testClock(AT));
    const admin = await signIn(db, 'admin');
    const publish = (version: string) =>
      app.inject(
        asSession(admin, {
          method: 'POST',
          url: `/v1/products/${productId}/releases`,
          payload: { version, publishedOn: '2026-06-15' },
        }),
      );
    expect((await publish('5.0.0')).statusCode).toBe(201);
    expect((await publish('5.0.1')).statusCode).toBe(201);
    const keys = await db
      .selectFrom('license_keys')
      .innerJoin('licenses', 'licenses.id', 'license_keys.license_id')
      .select(['licenses.contract_id', 'license_keys.major'])
      .where('license_keys.major', '=', 5)
      .execute();
    expect(keys).toEqual([{ contract_id: covered.contractId, major: 5 }]);
    const notices = await db
      .selectFrom('outbox')
      .select(['topic', 'organisation_id'])
      .orderBy('topic')
      .execute();
    // One key to the covered customer (R0.3) and, to the same customer only, each new version (R0.8).
    expect(notices).toEqual([
      { topic: KEY_ISSUED_TOPIC, organisation_id: covered.organisationId },
      { topic: 'release.published', organisation_id: covered.organisationId },
      { topic: 'release.published', organisation_id: covered.organisationId },
    ]);
    // R0.4 backdate (S0): the lapsed customer renews; the gap covers 2026-06-15, so 5.x gets its key then.
    await addTerm(db, lapsed.contractId, {
      kind: 'backdated-gap',
      startsOn: '2026-01-10',
      endsOn: '2026-07-01',
    });
    await addTerm(db, lapsed.contractId, { kind: 'renewal', startsOn: '2026-07-01', endsOn: '2027-01-10' });
    const renewal = await syncLicenseKeys(db, lapsed.contractId, AT);
    expect(renewal.issued.map((k) => k.major)).toEqual([5]);
  });
});
