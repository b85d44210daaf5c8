import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { expect, it } from 'vitest';
import { apiKeyWith, asSession, type SignedIn, signIn, withKey } from '../server/app-helpers.ts';
import {
  createOrganisation,
  createProduct,
  createRelease,
  PRESET,
  signInCustomer,
} from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { createContract, makeCatalogApp } from './catalog-fixtures.ts';

// The test clock stands at 2026-03-02 09:00 UTC.
const OCTET = { 'content-type': 'application/octet-stream' };

async function upload(
  app: FastifyInstance,
  who: SignedIn,
  releaseId: string,
  fileName: string,
  bytes: Buffer,
) {
  return app.inject(
    asSession(who, {
      method: 'POST',
      url: `/v1/releases/${releaseId}/artifacts?fileName=${encodeURIComponent(fileName)}`,
      headers: OCTET,
      payload: bytes,
    }),
  );
}

describeDb('catalog: artifacts and downloads', (getDb) => {
  it('artifact round trip: size and SHA-256 recorded, stored under a server-chosen name, bytes and headers back', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const releaseId = await createRelease(db, productId, '4.2.0', '2025-05-01');
    const admin = await signIn(db, 'admin');
    const { app, artifactDir, cleanup } = await makeCatalogApp(db);
    const bytes = randomBytes(300_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');

    const created = await upload(app, admin, releaseId, 'pbx-manager 4.2 «setup».exe', bytes);
    expect(created.statusCode).toBe(201);
    const artifact = created.json();
    expect(artifact).toMatchObject({
      releaseId,
      fileName: 'pbx-manager 4.2 «setup».exe',
      sizeBytes: 300_000,
      sha256,
      contentType: 'application/octet-stream',
    });
    const stored = readdirSync(artifactDir).filter((f) => !f.startsWith('.'));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^[0-9a-f]{32}$/);

    const list = await app.inject(
      asSession(admin, { method: 'GET', url: `/v1/releases/${releaseId}/artifacts` }),
    );
    expect(list.json()).toEqual({ items: [artifact] });

    const download = await app.inject(
      asSession(admin, { method: 'GET', url: `/v1/artifacts/${artifact.id}/download` }),
    );
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(bytes)).toBe(true);
    expect(download.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': '300000',
      'x-content-type-options': 'nosniff',
      etag: `"${sha256}"`,
      'content-disposition': `attachment; filename="pbx-manager 4.2 _setup_.exe"; filename*=UTF-8''pbx-manager%204.2%20%C2%ABsetup%C2%BB.exe`,
    });
    await cleanup();
  });

  it('upload errors: bad file names 400, same name 409, no release 404, over the limit 413 leaving nothing, JSON 415', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const releaseId = await createRelease(db, productId, '1.0.0', '2026-01-01');
    const admin = await signIn(db, 'admin');
    const { app, artifactDir, cleanup } = await makeCatalogApp(db, undefined, {
      UPKEEP_ARTIFACT_MAX_BYTES: '1000',
    });
    for (const name of [
      '../etc/passwd',
      'a\\b.exe',
      'line\nbreak',
      'nul\u0000',
      '..',
      'x'.repeat(201),
      '  ',
    ]) {
      const bad = await upload(app, admin, releaseId, name, Buffer.from('data'));
      expect(bad.statusCode, JSON.stringify(name)).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await upload(app, admin, releaseId, 'setup.exe', Buffer.from('one'))).statusCode).toBe(201);
    const again = await upload(app, admin, releaseId, 'setup.exe', Buffer.from('two'));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ALREADY_EXISTS');
    expect((await upload(app, admin, 'rel_missing', 'setup.exe', Buffer.from('x'))).statusCode).toBe(404);
    const empty = await upload(app, admin, releaseId, 'empty.bin', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details).toEqual([
      expect.objectContaining({ path: 'body', rule: 'too_small' }),
    ]);

    const big = await upload(app, admin, releaseId, 'big.bin', randomBytes(1001));
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: 1000 } });
    // Without a Content-Length the limit is enforced while streaming, and the partial file is removed.
    const chunked = await app.inject(
      asSession(admin, {
        method: 'POST',
        url: `/v1/releases/${releaseId}/artifacts?fileName=chunked.bin`,
        headers: { ...OCTET, 'transfer-encoding': 'chunked' },
        payload: randomBytes(5000),
      }),
    );
    expect(chunked.statusCode).toBe(413);
    const json = await app.inject(
      asSession(admin, {
        method: 'POST',
        url: `/v1/releases/${releaseId}/artifacts?fileName=x.json`,
        payload: { not: 'a file' },
      }),
    );
    expect(json.statusCode).toBe(415);
    const rows = await db.selectFrom('release_artifacts').select('file_name').execute();
    expect(rows.map((r) => r.file_name)).toEqual(['setup.exe']);
    expect(readdirSync(artifactDir).filter((f) => !f.startsWith('.'))).toHaveLength(1);
    expect(readdirSync(`${artifactDir}/.incoming`)).toEqual([]);
    await cleanup();
  });

  it('R0.8 download (S0): a release published while covered downloads after lapse (perpetual fallback); one published after lapse is refused; both audited', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const covered = await createRelease(db, productId, '4.2.0', '2025-05-01');
    const afterLapse = await createRelease(db, productId, '5.0.0', '2026-02-01');
    const organisationId = await createOrganisation(db);
    const contractId = await createContract(db, {
      organisationId,
      productId,
      planKey: PRESET.S0,
      purchasedOn: '2025-01-10',
      purchasedMajor: 4,
      terms: [{ kind: 'initial', startsOn: '2025-01-10', endsOn: '2026-01-10' }],
    });
    const admin = await signIn(db, 'admin');
    const customer = await signInCustomer(db, organisationId);
    const { app, cleanup } = await makeCatalogApp(db);
    const a42 = (await upload(app, admin, covered, 'pbx-4.2.0.zip', Buffer.from('four'))).json();
    const a50 = (await upload(app, admin, afterLapse, 'pbx-5.0.0.zip', Buffer.from('five'))).json();

    const allowed = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/artifacts/${a42.id}/download` }),
    );
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toBe('four');

    const refused = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/artifacts/${a50.id}/download` }),
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: 'NOT_ENTITLED',
      details: {
        reason: 'RELEASE_NOT_COVERED',
        contractId,
        at: '2026-03-02',
        facts: { coveredUntil: { expiresOn: '2026-01-10', lastCoveredDay: '2026-01-09' }, serviceOn: false },
      },
    });

    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'subject_id', 'organisation_id', 'client_ip', 'actor_account_id'])
      .where('action', '=', 'release.downloaded')
      .orderBy('at')
      .orderBy('id')
      .execute();
    // Same clock instant for both: compare as a set.
    expect(audit).toHaveLength(2);
    expect(audit).toEqual(
      expect.arrayContaining([
        {
          action: 'release.downloaded',
          outcome: 'ok',
          subject_id: a42.id,
          organisation_id: organisationId,
          client_ip: '127.0.0.1',
          actor_account_id: customer.accountId,
        },
        {
          action: 'release.downloaded',
          outcome: 'RELEASE_NOT_COVERED',
          subject_id: a50.id,
          organisation_id: organisationId,
          client_ip: '127.0.0.1',
          actor_account_id: customer.accountId,
        },
      ]),
    );

    const entitled = await app.inject(
      asSession(customer, { method: 'GET', url: '/v1/releases?entitled=true' }),
    );
    expect(entitled.json().items.map((r: { version: string }) => r.version)).toEqual(['4.2.0']);
    const notEntitled = await app.inject(
      asSession(customer, { method: 'GET', url: '/v1/releases?entitled=false' }),
    );
    expect(notEntitled.json().items.map((r: { version: string }) => r.version)).toEqual(['5.0.0']);
    await cleanup();
  });

  it('R0.8 download (S0): while covered, a release published in the term is COVERED; a backdated patch counts as of its effective date', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    // 4.2.1 is published after the lapse but backdated to a covered day (R0.3): it downloads under fallback.
    const patch = await createRelease(db, productId, '4.2.1', '2026-02-10', '2025-12-01');
    const organisationId = await createOrganisation(db);
    await createContract(db, {
      organisationId,
      productId,
      planKey: PRESET.S0,
      purchasedOn: '2025-01-10',
      terms: [{ kind: 'initial', startsOn: '2025-01-10', endsOn: '2026-01-10' }],
    });
    const other = await createOrganisation(db, 'Active Ltd');
    await createContract(db, {
      organisationId: other,
      productId,
      planKey: PRESET.S0,
      purchasedOn: '2025-06-01',
      terms: [{ kind: 'initial', startsOn: '2025-06-01', endsOn: '2026-06-01' }],
    });
    const admin = await signIn(db, 'admin');
    const lapsed = await signInCustomer(db, organisationId);
    const active = await signInCustomer(db, other);
    const { app, cleanup } = await makeCatalogApp(db);
    const artifact = (await upload(app, admin, patch, 'patch.zip', Buffer.from('p'))).json();
    const url = `/v1/artifacts/${artifact.id}/download`;
    expect((await app.inject(asSession(lapsed, { method: 'GET', url }))).statusCode).toBe(200);
    expect((await app.inject(asSession(active, { method: 'GET', url }))).statusCode).toBe(200);
    const outcomes = await db
      .selectFrom('audit_events')
      .select(['organisation_id', 'outcome', 'details'])
      .where('action', '=', 'release.downloaded')
      .execute();
    expect(outcomes.map((o) => [o.organisation_id, (o.details as { reason: string }).reason])).toEqual(
      expect.arrayContaining([
        [organisationId, 'FALLBACK_LICENSE'],
        [other, 'COVERED'],
      ]),
    );
    await cleanup();
  });

  it('R0.8 download (S1 all-releases): a release published after the 6-month term still downloads', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S1 });
    const later = await createRelease(db, productId, '2.0.0', '2026-02-01');
    const organisationId = await createOrganisation(db);
    await createContract(db, {
      organisationId,
      productId,
      planKey: PRESET.S1,
      purchasedOn: '2025-01-10',
      terms: [{ kind: 'initial', startsOn: '2025-01-10', endsOn: '2025-07-10' }],
    });
    const admin = await signIn(db, 'admin');
    const customer = await signInCustomer(db, organisationId);
    const { app, cleanup } = await makeCatalogApp(db);
    const artifact = (await upload(app, admin, later, 'addon-2.0.0.zip', Buffer.from('two'))).json();
    const res = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/artifacts/${artifact.id}/download` }),
    );
    expect(res.statusCode).toBe(200);
    const audit = await db.selectFrom('audit_events').select(['outcome', 'details']).execute();
    expect(audit).toEqual([
      {
        outcome: 'ok',
        details: expect.objectContaining({ reason: 'PLAN_ALLOWS_ALL_RELEASES', version: '2.0.0' }),
      },
    ]);
    await cleanup();
  });

  it('security: no contract 403 NOT_ENTITLED (NO_CONTRACT), audited; a customer cannot upload; an API key with catalog:read downloads as staff', async () => {
    const { db } = getDb();
    const productId = await createProduct(db, { planKey: PRESET.S0 });
    const releaseId = await createRelease(db, productId, '1.0.0', '2026-01-01');
    const organisationId = await createOrganisation(db);
    const admin = await signIn(db, 'admin');
    const stranger = await signInCustomer(db, organisationId, 'customer-user');
    const readKey = await apiKeyWith(db, ['catalog:read']);
    const { app, cleanup } = await makeCatalogApp(db);
    const artifact = (await upload(app, admin, releaseId, 'a.zip', Buffer.from('a'))).json();
    const url = `/v1/artifacts/${artifact.id}/download`;

    const refused = await app.inject(asSession(stranger, { method: 'GET', url }));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: 'NOT_ENTITLED',
      details: { reason: 'NO_CONTRACT', contractId: null },
    });
    expect((await upload(app, stranger, releaseId, 'evil.zip', Buffer.from('x'))).statusCode).toBe(403);
    const byKey = await app.inject(withKey(readKey, { method: 'GET', url }));
    expect(byKey.statusCode).toBe(200);
    const missing = await app.inject(
      asSession(stranger, { method: 'GET', url: '/v1/artifacts/art_missing/download' }),
    );
    expect(missing.statusCode).toBe(404);
    const audit = await db
      .selectFrom('audit_events')
      .select(['outcome', 'organisation_id', 'actor_api_key_id'])
      .where('action', '=', 'release.downloaded')
      .orderBy('at')
      .orderBy('id')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit.find((a) => a.outcome === 'NO_CONTRACT')?.organisation_id).toBe(organisationId);
    expect(audit.find((a) => a.outcome === 'ok')?.actor_api_key_id).not.toBeNull();
    await cleanup();
  });
});
