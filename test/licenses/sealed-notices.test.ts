import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { KEY_ISSUED_TOPIC } from '../../src/server/licenses/license-keys.service.ts';
import { openNoticeSecrets } from '../../src/server/secrets/notice-secrets.ts';
import { generateSealingKey, SealingError } from '../../src/server/secrets/sealing.ts';
import { buy, contractWorld, post, renew } from '../contracts/contract-helpers.ts';
import { signIn, testSealingKey } from '../server/app-helpers.ts';
import { PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

const DAY = 24 * 3600 * 1000;

async function notices(db: Kysely<Database>, topic: string) {
  return db.selectFrom('outbox').selectAll().where('topic', '=', topic).orderBy('id').execute();
}

/** Every row of every table in the schema, as text (table name first): what a database dump holds. */
async function dumpAsText(db: Kysely<Database>): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const rows: string[] = [];
  for (const { name } of tables.rows) {
    const dumped = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(db);
    rows.push(...dumped.rows.map((r) => `${name}: ${r.row}`));
  }
  return rows;
}

describeDb('license keys in notices, sealed at rest (R0.3, R0.7)', (getDb) => {
  it('R0.7 (S0): the purchase notice carries the validity and the key sealed; it opens to the key the API showed', async () => {
    const { db } = getDb();
    const { app, admin, organisationId, productId } = await contractWorld(db, { planKey: PRESET.S0 });
    await signInCustomer(db, organisationId, 'customer-admin');
    const publish = await post(app, admin, `/v1/products/${productId}/releases`, {
      version: '1.0.0',
      publishedOn: '2026-01-15',
    });
    expect(publish.statusCode).toBe(201);
    const order = await buy(app, admin, { organisationId, productId });
    const shown: string = order.licenseKeys[0].key;

    const [notice, ...more] = await notices(db, 'contract.purchased');
    expect(more).toEqual([]);
    expect(notice?.payload).toMatchObject({
      validity: { serviceFrom: '2026-03-02', expiresOn: '2027-03-02', lastCoveredDay: '2027-03-01' },
      licenseKeys: [{ major: 1, prefix: order.licenseKeys[0].prefix, sealedKey: expect.any(String) }],
    });
    expect(openNoticeSecrets(notice?.payload, testSealingKey)).toEqual([
      { major: 1, prefix: order.licenseKeys[0].prefix, key: shown },
    ]);
    // Without the server's key, the row is of no use.
    expect(() => openNoticeSecrets(notice?.payload, generateSealingKey())).toThrow(SealingError);
    expect((await dumpAsText(db)).filter((row) => row.includes(shown))).toEqual([]);
    await app.close();
  });

  it('R0.3 new major (S0): publishing 2.0.0 while covered → a license.key-issued notice whose sealed key VALIDATES', async () => {
    const { db } = getDb();
    const world = await contractWorld(db, { planKey: PRESET.S0 });
    const { app, clock, organisationId, productId } = world;
    await signInCustomer(db, organisationId, 'customer-admin');
    const publish = async (version: string, publishedOn: string) => {
      const admin = await signIn(db, 'admin', clock.now());
      const res = await post(app, admin, `/v1/products/${productId}/releases`, { version, publishedOn });
      expect(res.statusCode, res.body).toBe(201);
    };
    await publish('1.0.0', '2026-01-15');
    const order = await buy(app, world.admin, { organisationId, productId });
    clock.advance(100 * DAY); // 2026-06-10, covered until 2027-03-02
    await publish('2.0.0', '2026-06-10');

    const [notice, ...more] = await notices(db, KEY_ISSUED_TOPIC);
    expect(more).toEqual([]);
    expect(notice?.recipient).toMatch(/^customer-admin-/);
    expect(notice?.payload).toMatchObject({
      major: 2,
      validity: { expiresOn: '2027-03-02', lastCoveredDay: '2027-03-01' },
    });
    const opened = openNoticeSecrets(notice?.payload, testSealingKey);
    expect(opened).toHaveLength(1);
    const mailed = opened[0]?.key ?? '';
    expect(opened[0]).toMatchObject({ major: 2 });
    expect(mailed).toMatch(/^UPK-/);
    expect(mailed).not.toBe(order.licenseKeys[0].key);

    const validate = (key: string, version: string) =>
      app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: { key, version } });
    expect((await validate(mailed, '2.0.0')).json()).toMatchObject({ valid: true, code: 'VALID' });
    // A tampered key does not validate (the test above can fail).
    expect(
      (await validate(`${mailed.slice(0, -1)}${mailed.endsWith('0') ? '1' : '0'}`, '2.0.0')).json(),
    ).toMatchObject({ valid: false });

    // The database (outbox and every other table) never holds either full key in clear.
    const dump = await dumpAsText(db);
    expect(dump.some((row) => row.startsWith('outbox: '))).toBe(true);
    for (const key of [mailed, order.licenseKeys[0].key as string]) {
      expect(dump.filter((row) => row.includes(key))).toEqual([]);
    }
    await app.close();
  });

  it('R0.4 backdate + R0.3 (S0): a renewal whose gap covers 2.0.0 mails that key sealed in contract.renewed', async () => {
    const { db } = getDb();
    const world = await contractWorld(db, { planKey: PRESET.S0 });
    const { app, clock, organisationId, productId } = world;
    await post(app, world.admin, `/v1/products/${productId}/releases`, {
      version: '1.0.0',
      publishedOn: '2026-01-15',
    });
    const order = await buy(app, world.admin, { organisationId, productId });
    clock.advance(400 * DAY); // 2027-04-06: lapsed since 2027-03-02
    const admin = await signIn(db, 'admin', clock.now());
    await post(app, admin, `/v1/products/${productId}/releases`, {
      version: '2.0.0',
      publishedOn: '2027-04-01',
    });
    expect(await notices(db, KEY_ISSUED_TOPIC)).toEqual([]);
    const renewal = await renew(app, admin, order.contractId);
    expect(renewal.licenseKeys).toMatchObject([{ major: 2 }]);
    const [notice] = await notices(db, 'contract.renewed');
    expect(openNoticeSecrets(notice?.payload, testSealingKey)).toEqual([
      { major: 2, prefix: renewal.licenseKeys[0].prefix, key: renewal.licenseKeys[0].key },
    ]);
    expect((await dumpAsText(db)).filter((row) => row.includes(renewal.licenseKeys[0].key))).toEqual([]);
    await app.close();
  });
});
