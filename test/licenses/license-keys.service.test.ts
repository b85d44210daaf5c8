import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { hashLicenseKey, isWellFormedLicenseKey } from '../../src/server/licenses/license-key-format.ts';
import { KEY_ISSUED_TOPIC, syncLicenseKeys } from '../../src/server/licenses/license-keys.service.ts';
import { createRelease, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { addTerm, s0Contract } from './license-fixtures.ts';

const NOW = new Date('2026-06-01T10:00:00Z');

describeDb('license keys (R0.3)', (getDb) => {
  it('R0.3 key shown once (S0): the purchased major gets a key; only its prefix and SHA-256 are stored', async () => {
    const { db } = getDb();
    const { contractId } = await s0Contract(db);
    const result = await syncLicenseKeys(db, contractId, NOW);
    expect(result.issued).toHaveLength(1);
    const issued = result.issued[0];
    expect(issued?.major).toBe(4);
    expect(isWellFormedLicenseKey(issued?.key ?? '')).toBe(true);
    expect(issued?.key.startsWith(`UPK-${issued.prefix}-`)).toBe(true);
    const row = await db.selectFrom('license_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashLicenseKey(issued?.key ?? ''));
    // The full key (or its secret part) is in no table at all.
    const secret = issued?.key.split('-')[2] ?? 'missing';
    const dump = await sql<{ t: string }>`
      select string_agg(t::text, ' ') as t from (
        select to_jsonb(k) as t from license_keys k union all select to_jsonb(o) from outbox o
        union all select to_jsonb(l) from licenses l union all select to_jsonb(a) from audit_events a) x`.execute(
      db,
    );
    expect(dump.rows[0]?.t ?? '').not.toContain(secret);
    // The purchased major's key is shown in the purchase answer: no mail for it.
    expect(await db.selectFrom('outbox').selectAll().execute()).toHaveLength(0);
  });

  it('R0.3 idempotent (S0): a second sync issues nothing; parallel syncs issue one key per major', async () => {
    const { db, backend } = getDb();
    const { contractId, productId } = await s0Contract(db);
    await createRelease(db, productId, '5.0.0', '2026-05-01');
    const first = await syncLicenseKeys(db, contractId, NOW);
    expect(first.issued.map((k) => k.major)).toEqual([4, 5]);
    const again = await syncLicenseKeys(db, contractId, NOW);
    expect(again).toEqual({ licenseId: first.licenseId, issued: [] });
    if (backend === 'postgres') {
      await createRelease(db, productId, '6.0.0', '2026-05-20');
      const runs = await Promise.all(
        Array.from({ length: 5 }, () =>
          db.transaction().execute((trx) => syncLicenseKeys(trx, contractId, NOW)),
        ),
      );
      expect(runs.flatMap((r) => r.issued).map((k) => k.major)).toEqual([6]);
    }
    const keys = await db.selectFrom('license_keys').select('major').orderBy('major').execute();
    expect(keys.map((k) => k.major)).toEqual(backend === 'postgres' ? [4, 5, 6] : [4, 5]);
  });

  it('R0.3 new major (S0): a major published inside coverage gets a key and ONE mail to the customer admins', async () => {
    const { db } = getDb();
    const { contractId, productId, organisationId } = await s0Contract(db);
    await signInCustomer(db, organisationId, 'customer-admin');
    await signInCustomer(db, organisationId, 'customer-user');
    await createRelease(db, productId, '5.0.0', '2026-05-01');
    await syncLicenseKeys(db, contractId, NOW);
    await syncLicenseKeys(db, contractId, NOW);
    const notices = await db.selectFrom('outbox').selectAll().execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.topic).toBe(KEY_ISSUED_TOPIC);
    expect(notices[0]?.recipient).toMatch(/^customer-admin-/);
    expect(notices[0]?.payload).toMatchObject({ major: 5 });
    expect(notices[0]?.payload).not.toHaveProperty('key');
  });

  it('R0.3 not covered (S0): a major published after the expiry gets no key; a backdated renewal covering it issues it', async () => {
    const { db } = getDb();
    const { contractId, productId } = await s0Contract(db);
    await createRelease(db, productId, '5.0.0', '2027-03-01');
    const before = await syncLicenseKeys(db, contractId, new Date('2027-04-01T10:00:00Z'));
    expect(before.issued.map((k) => k.major)).toEqual([4]);
    // R0.4 backdate (S0): paid on 2027-06-01, the gap [2027-01-10, 2027-06-01) is covered without service.
    await addTerm(db, contractId, { kind: 'backdated-gap', startsOn: '2027-01-10', endsOn: '2027-06-01' });
    await addTerm(db, contractId, { kind: 'renewal', startsOn: '2027-06-01', endsOn: '2028-01-10' });
    const after = await syncLicenseKeys(db, contractId, new Date('2027-06-01T10:00:00Z'));
    expect(after.issued.map((k) => k.major)).toEqual([5]);
    expect(await db.selectFrom('outbox').selectAll().execute()).toHaveLength(1);
  });

  it('R0.3 (S1 ticket-desk, newMajorKeys not automatic): only the purchased major is keyed', async () => {
    const { db } = getDb();
    const { contractId, productId } = await s0Contract(db, { planKey: 'ticket-desk' });
    await createRelease(db, productId, '5.0.0', '2026-05-01');
    const result = await syncLicenseKeys(db, contractId, NOW);
    expect(result.issued.map((k) => k.major)).toEqual([4]);
  });
});
