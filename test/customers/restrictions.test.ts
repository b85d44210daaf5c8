import { expect, it } from 'vitest';
import { loadActiveRestrictions } from '../../src/server/contracts/contract-facts.ts';
import { apiKeyWith, asSession, makeApp, signIn, testClock, withKey } from '../server/app-helpers.ts';
import { createOrganisation, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { createContractRow, noticesOf } from './customer-helpers.ts';

describeDb('restrictions: suspensions and revocations (R1.3, R1.4)', (getDb) => {
  it('R1.3 revocation for abuse (S1 ticket-desk): revokes support, updates, refund; audited; visible to the customer; lifted → inactive', async () => {
    const { db } = getDb();
    const clock = testClock();
    const app = await makeApp(db, clock);
    const org = await createOrganisation(db);
    await createContractRow(db, org, PRESET.S1);
    const agent = await signIn(db, 'agent', clock.now());
    const customer = await signInCustomer(db, org, 'customer-user', clock.now());
    const boss = await signInCustomer(db, org, 'customer-admin', clock.now());
    const recorded = await app.inject(
      asSession(agent, {
        method: 'POST',
        url: `/v1/organisations/${org}/restrictions`,
        payload: { kind: 'revocation', reason: 'abuse', note: 'threats in tkt_1' },
      }),
    );
    expect(recorded.statusCode, recorded.body).toBe(201);
    const restriction = recorded.json();
    expect(restriction).toMatchObject({
      kind: 'revocation',
      reason: 'abuse',
      revokes: ['support', 'updates', 'refund'],
      startsAt: clock.now().toISOString(),
      recordedBy: agent.accountId,
      active: true,
    });
    expect(await loadActiveRestrictions(db, org)).toHaveLength(1);
    const seen = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/organisations/${org}/restrictions` }),
    );
    expect(seen.json().items).toEqual([restriction]);

    clock.advance(60_000);
    const lift = () =>
      app.inject(
        asSession(agent, {
          method: 'POST',
          url: `/v1/organisations/${org}/restrictions/${restriction.id}/lift`,
          payload: { note: 'apology accepted' },
        }),
      );
    const lifted = await lift();
    expect(lifted.json()).toMatchObject({
      active: false,
      liftedBy: agent.accountId,
      liftNote: 'apology accepted',
      liftedAt: clock.now().toISOString(),
    });
    clock.advance(60_000);
    const again = await lift();
    expect(again.json()).toEqual(lifted.json());
    expect(await loadActiveRestrictions(db, org)).toEqual([]);
    // The customer-admins are told (R1.3: visible to the customer); a customer-user is not mailed.
    const adminEmail = (
      await db
        .selectFrom('accounts')
        .select('email')
        .where('id', '=', boss.accountId)
        .executeTakeFirstOrThrow()
    ).email;
    const recordedNotices = await noticesOf(db, 'customer.restriction-recorded');
    expect(recordedNotices).toEqual([
      expect.objectContaining({
        recipient: adminEmail,
        organisation_id: org,
        payload: expect.objectContaining({ restrictionId: restriction.id, reason: 'abuse' }),
      }),
    ]);
    expect(await noticesOf(db, 'customer.restriction-lifted')).toHaveLength(1);
    const active = await app.inject(
      asSession(customer, { method: 'GET', url: `/v1/organisations/${org}/restrictions?active=true` }),
    );
    expect(active.json().items).toEqual([]);
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'actor_account_id', 'organisation_id', 'subject_id'])
      .orderBy('at')
      .execute();
    expect(audit).toEqual([
      {
        action: 'restriction.revocation-recorded',
        actor_account_id: agent.accountId,
        organisation_id: org,
        subject_id: restriction.id,
      },
      {
        action: 'restriction.revocation-lifted',
        actor_account_id: agent.accountId,
        organisation_id: org,
        subject_id: restriction.id,
      },
    ]);
    await app.close();
  });

  it('R1.4 suspension with a refusal reason of the plan (S1 refund-abuse) suspends support only; a reason not in the plans → 400 listing them', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const org = await createOrganisation(db);
    await createContractRow(db, org, PRESET.S1);
    const agent = await signIn(db, 'agent');
    const post = (payload: object) =>
      app.inject(asSession(agent, { method: 'POST', url: `/v1/organisations/${org}/restrictions`, payload }));
    const ok = await post({ kind: 'suspension', reason: 'refund-abuse' });
    expect(ok.json()).toMatchObject({
      kind: 'suspension',
      reason: 'refund-abuse',
      revokes: ['support'],
      note: '',
    });
    const unknown = await post({ kind: 'suspension', reason: 'bad-hair-day' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('VALIDATION_FAILED');
    expect(unknown.json().error.details[0].path).toBe('body.reason');
    expect(unknown.json().error.message).toContain('refund-abuse');
    const notSlug = await post({ kind: 'suspension', reason: 'Refund Abuse' });
    expect(notSlug.statusCode).toBe(400);
    const future = await post({ kind: 'suspension', reason: 'flooding', startsAt: '2999-01-01T00:00:00Z' });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.details[0].path).toBe('body.startsAt');
    expect(await loadActiveRestrictions(db, org)).toHaveLength(1);
    await app.close();
  });

  it('R1.4 S0 annual-maintenance lists no refusal reasons: only abuse is accepted; an organisation without contracts accepts any slug', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const withS0 = await createOrganisation(db, 'S0 customer');
    await createContractRow(db, withS0, PRESET.S0);
    const bare = await createOrganisation(db, 'No contract yet');
    const agent = await signIn(db, 'agent');
    const post = (org: string, payload: object) =>
      app.inject(asSession(agent, { method: 'POST', url: `/v1/organisations/${org}/restrictions`, payload }));
    expect((await post(withS0, { kind: 'suspension', reason: 'flooding' })).statusCode).toBe(400);
    const abuse = await post(withS0, { kind: 'revocation', reason: 'abuse' });
    // S0's abuseRevokes is empty: the default falls back to every right (R1.3).
    expect(abuse.json().revokes).toEqual(['support', 'updates', 'refund']);
    const explicit = await post(bare, {
      kind: 'suspension',
      reason: 'custom-reason',
      revokes: ['support', 'updates', 'support'],
    });
    expect(explicit.json()).toMatchObject({ reason: 'custom-reason', revokes: ['support', 'updates'] });
    expect((await post('org_missing', { kind: 'suspension', reason: 'x' })).statusCode).toBe(404);
    await app.close();
  });

  it('security: customers cannot record or lift (403); another organisation’s restrictions → 404; API keys cannot record (role route)', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const own = await createOrganisation(db);
    const other = await createOrganisation(db);
    const agent = await signIn(db, 'agent');
    const rid = (
      await app.inject(
        asSession(agent, {
          method: 'POST',
          url: `/v1/organisations/${other}/restrictions`,
          payload: { kind: 'suspension', reason: 'flooding' },
        }),
      )
    ).json().id;
    const boss = await signInCustomer(db, own, 'customer-admin');
    const record = await app.inject(
      asSession(boss, {
        method: 'POST',
        url: `/v1/organisations/${own}/restrictions`,
        payload: { kind: 'suspension', reason: 'x' },
      }),
    );
    expect(record.statusCode).toBe(403);
    const lift = await app.inject(
      asSession(boss, {
        method: 'POST',
        url: `/v1/organisations/${other}/restrictions/${rid}/lift`,
        payload: { note: 'x' },
      }),
    );
    expect(lift.statusCode).toBe(403);
    const theirs = await app.inject(
      asSession(boss, { method: 'GET', url: `/v1/organisations/${other}/restrictions` }),
    );
    expect(theirs.statusCode).toBe(404);
    // An agent lifting with the wrong organisation in the path → 404, nothing lifted.
    const wrongOrg = await app.inject(
      asSession(agent, {
        method: 'POST',
        url: `/v1/organisations/${own}/restrictions/${rid}/lift`,
        payload: { note: 'x' },
      }),
    );
    expect(wrongOrg.statusCode).toBe(404);
    expect(await loadActiveRestrictions(db, other)).toHaveLength(1);
    const key = await apiKeyWith(db, ['customers:write', 'customers:read']);
    const byKey = await app.inject(
      withKey(key, {
        method: 'POST',
        url: `/v1/organisations/${own}/restrictions`,
        payload: { kind: 'suspension', reason: 'x' },
      }),
    );
    expect(byKey.statusCode).toBe(403);
    const listByKey = await app.inject(
      withKey(key, { method: 'GET', url: `/v1/organisations/${other}/restrictions` }),
    );
    expect(listByKey.json().items).toHaveLength(1);
    await app.close();
  });
});
