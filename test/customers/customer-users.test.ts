import { expect, it } from 'vitest';
import {
  apiKeyWith,
  asSession,
  cookieOf,
  makeApp,
  signIn,
  testClock,
  withKey,
} from '../server/app-helpers.ts';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { noticesOf, tokenOf } from './customer-helpers.ts';

const DAY = 24 * 60 * 60 * 1000;
const ORIGIN = { origin: 'http://localhost' };

describeDb('customer users and invitations (issue 3 §2, R1.1)', (getDb) => {
  it('staff invite a user: account without password, 7-day link emailed via the outbox (customer.invited), never returned', async () => {
    const { db } = getDb();
    const clock = testClock();
    const app = await makeApp(db, clock);
    const org = await createOrganisation(db, 'Acme GmbH');
    const key = await apiKeyWith(db, ['customers:write']);
    const res = await app.inject(
      withKey(key, {
        method: 'POST',
        url: `/v1/organisations/${org}/users`,
        payload: { email: 'Ana@Acme.test', name: 'Ana', role: 'customer-admin' },
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const expiresAt = new Date(clock.now().getTime() + 7 * DAY).toISOString();
    expect(res.json()).toMatchObject({
      user: {
        email: 'ana@acme.test',
        role: 'customer-admin',
        organisationId: org,
        hasPassword: false,
        registeredAt: null,
        productUpdatesSubscribed: true,
      },
      invitation: { sentTo: 'ana@acme.test', expiresAt },
    });
    expect(res.body).not.toContain('/v1/auth/one-time/');
    const [notice, ...more] = await noticesOf(db, 'customer.invited');
    expect(more).toEqual([]);
    expect(notice).toMatchObject({
      recipient: 'ana@acme.test',
      organisation_id: org,
      payload: { organisationName: 'Acme GmbH', expiresAt },
    });
    expect(notice?.payload.url).toMatch(/^http:\/\/localhost(:\d+)?\/v1\/auth\/one-time\/\S+$/);
    await app.close();
  });

  it('R1.1 registered on the desk (S1): accepting the invitation sets registeredAt once; /me shows role and organisation', async () => {
    const { db } = getDb();
    const clock = testClock();
    const app = await makeApp(db, clock);
    const org = await createOrganisation(db);
    const admin = await apiKeyWith(db, ['customers:write', 'customers:read']);
    const created = await app.inject(
      withKey(admin, {
        method: 'POST',
        url: `/v1/organisations/${org}/users`,
        payload: { email: 'bo@acme.test', name: 'Bo', role: 'customer-user' },
      }),
    );
    const userId = created.json().user.id;
    const [notice] = await noticesOf(db, 'customer.invited');
    clock.advance(6 * DAY); // still inside the 7 days
    const accepted = await app.inject({
      method: 'POST',
      url: `/v1/auth/one-time/${tokenOf(notice?.payload.url ?? '')}`,
      headers: ORIGIN,
    });
    expect(accepted.statusCode).toBe(303);
    const me = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { cookie: cookieOf(accepted.headers['set-cookie']) },
    });
    expect(me.json().account).toMatchObject({ id: userId, role: 'customer-user', organisationId: org });
    const user = await app.inject(
      withKey(admin, { method: 'GET', url: `/v1/organisations/${org}/users/${userId}` }),
    );
    expect(user.json().registeredAt).toBe(clock.now().toISOString());
    // A later link (a magic link) does not move the registration date.
    clock.advance(DAY);
    await app.inject({ method: 'POST', url: '/v1/auth/magic-link', payload: { email: 'bo@acme.test' } });
    const [magic] = await noticesOf(db, 'auth.magic-link');
    await app.inject({
      method: 'POST',
      url: `/v1/auth/one-time/${tokenOf(magic?.payload.url ?? '')}`,
      headers: ORIGIN,
    });
    const again = await app.inject(
      withKey(admin, { method: 'GET', url: `/v1/organisations/${org}/users/${userId}` }),
    );
    expect(again.json().registeredAt).toBe(user.json().registeredAt);
    await app.close();
  });

  it('an invitation expires after 7 days (401 TOKEN_INVALID) and the user stays unregistered', async () => {
    const { db } = getDb();
    const clock = testClock();
    const app = await makeApp(db, clock);
    const org = await createOrganisation(db);
    const key = await apiKeyWith(db, ['customers:write', 'customers:read']);
    const created = await app.inject(
      withKey(key, {
        method: 'POST',
        url: `/v1/organisations/${org}/users`,
        payload: { email: 'late@acme.test', name: 'Late', role: 'customer-user' },
      }),
    );
    const [notice] = await noticesOf(db, 'customer.invited');
    clock.advance(7 * DAY);
    const late = await app.inject({
      method: 'POST',
      url: `/v1/auth/one-time/${tokenOf(notice?.payload.url ?? '')}`,
    });
    expect(late.statusCode).toBe(401);
    const user = await app.inject(
      withKey(key, { method: 'GET', url: `/v1/organisations/${org}/users/${created.json().user.id}` }),
    );
    expect(user.json().registeredAt).toBeNull();
    await app.close();
  });

  it('errors: a taken email → 409 EMAIL_TAKEN (nothing written); a staff role → 400; a missing organisation → 404', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const org = await createOrganisation(db);
    const key = await apiKeyWith(db, ['customers:write']);
    const invite = (orgId: string, payload: object) =>
      app.inject(withKey(key, { method: 'POST', url: `/v1/organisations/${orgId}/users`, payload }));
    const first = await invite(org, { email: 'x@acme.test', name: 'X', role: 'customer-user' });
    expect(first.statusCode).toBe(201);
    const taken = await invite(org, { email: 'X@Acme.test', name: 'X2', role: 'customer-user' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('EMAIL_TAKEN');
    expect(await noticesOf(db, 'customer.invited')).toHaveLength(1);
    const staffRole = await invite(org, { email: 'y@acme.test', name: 'Y', role: 'admin' });
    expect(staffRole.statusCode).toBe(400);
    expect(staffRole.json().error.details[0].path).toBe('body.role');
    const missing = await invite('org_missing', { email: 'z@acme.test', name: 'Z', role: 'customer-user' });
    expect(missing.statusCode).toBe(404);
    expect(
      await db.selectFrom('accounts').select('email').where('email', '=', 'z@acme.test').execute(),
    ).toEqual([]);
    await app.close();
  });

  it('a customer-admin manages its own users: invite, list, rename, demote, disable (sessions end); no staff roles', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const org = await createOrganisation(db);
    const boss = await signInCustomer(db, org, 'customer-admin');
    const colleague = await signInCustomer(db, org, 'customer-admin');
    const invited = await app.inject(
      asSession(boss, {
        method: 'POST',
        url: `/v1/organisations/${org}/users`,
        payload: { email: 'new@acme.test', name: 'New', role: 'customer-user' },
      }),
    );
    expect(invited.statusCode).toBe(201);
    const list = await app.inject(
      asSession(boss, { method: 'GET', url: `/v1/organisations/${org}/users?limit=2` }),
    );
    expect(list.json().items).toHaveLength(2);
    expect(list.json().nextCursor).not.toBeNull();
    const url = `/v1/organisations/${org}/users/${colleague.accountId}`;
    const patched = await app.inject(
      asSession(boss, {
        method: 'PATCH',
        url,
        payload: { name: 'Col', role: 'customer-user', disabled: true },
      }),
    );
    expect(patched.json()).toMatchObject({ name: 'Col', role: 'customer-user', disabled: true });
    const gone = await app.inject(asSession(colleague, { method: 'GET', url: '/v1/auth/me' }));
    expect(gone.statusCode).toBe(401);
    const promote = await app.inject(asSession(boss, { method: 'PATCH', url, payload: { role: 'agent' } }));
    expect(promote.statusCode).toBe(400);
    const enabled = await app.inject(asSession(boss, { method: 'PATCH', url, payload: { disabled: false } }));
    expect(enabled.json().disabled).toBe(false);
    await app.close();
  });

  it('security: a customer-user cannot manage users (403); another organisation’s users and ids → 404', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const own = await createOrganisation(db, 'Own');
    const other = await createOrganisation(db, 'Other');
    const user = await signInCustomer(db, own, 'customer-user');
    const boss = await signInCustomer(db, own, 'customer-admin');
    const stranger = await signInCustomer(db, other, 'customer-user');
    const payload = { email: 'n@acme.test', name: 'N', role: 'customer-user' };
    const byUser = await app.inject(
      asSession(user, { method: 'POST', url: `/v1/organisations/${own}/users`, payload }),
    );
    expect(byUser.statusCode).toBe(403);
    const patchByUser = await app.inject(
      asSession(user, {
        method: 'PATCH',
        url: `/v1/organisations/${own}/users/${boss.accountId}`,
        payload: { name: 'x' },
      }),
    );
    expect(patchByUser.statusCode).toBe(403);
    const cases = [
      { method: 'POST' as const, url: `/v1/organisations/${other}/users`, payload },
      { method: 'GET' as const, url: `/v1/organisations/${other}/users` },
      { method: 'GET' as const, url: `/v1/organisations/${other}/users/${stranger.accountId}` },
      // Own organisation in the path, another's user: still 404.
      { method: 'GET' as const, url: `/v1/organisations/${own}/users/${stranger.accountId}` },
      {
        method: 'PATCH' as const,
        url: `/v1/organisations/${own}/users/${stranger.accountId}`,
        payload: { disabled: true },
      },
      {
        method: 'PATCH' as const,
        url: `/v1/organisations/${other}/users/${stranger.accountId}`,
        payload: { disabled: true },
      },
    ];
    for (const request of cases) {
      const res = await app.inject(asSession(boss, request));
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const still = await app.inject(asSession(stranger, { method: 'GET', url: '/v1/auth/me' }));
    expect(still.statusCode).toBe(200);
    await app.close();
  });
});

describeDb('customer users: re-invitation, audit, staff account routes', (getDb) => {
  it('a lost invitation is sent again (new 7-day link, the old one still works); a disabled user → 409 ACCOUNT_DISABLED; audited', async () => {
    const { db } = getDb();
    const clock = testClock();
    const app = await makeApp(db, clock);
    const org = await createOrganisation(db, 'Acme GmbH');
    const boss = await signInCustomer(db, org, 'customer-admin', clock.now());
    const created = await app.inject(
      asSession(boss, {
        method: 'POST',
        url: `/v1/organisations/${org}/users`,
        payload: { email: 'lost@acme.test', name: 'Lost', role: 'customer-user' },
      }),
    );
    const userId = created.json().user.id;
    clock.advance(60_000);
    const again = await app.inject(
      asSession(boss, { method: 'POST', url: `/v1/organisations/${org}/users/${userId}/invitation` }),
    );
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toEqual({
      sentTo: 'lost@acme.test',
      expiresAt: new Date(clock.now().getTime() + 7 * DAY).toISOString(),
    });
    const notices = await noticesOf(db, 'customer.invited');
    expect(notices).toHaveLength(2);
    expect(notices[1]?.payload.url).not.toBe(notices[0]?.payload.url);
    await app.inject(
      asSession(boss, {
        method: 'PATCH',
        url: `/v1/organisations/${org}/users/${userId}`,
        payload: { disabled: true },
      }),
    );
    const disabled = await app.inject(
      asSession(boss, { method: 'POST', url: `/v1/organisations/${org}/users/${userId}/invitation` }),
    );
    expect(disabled.statusCode).toBe(409);
    expect(disabled.json().error.code).toBe('ACCOUNT_DISABLED');
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'actor_account_id', 'organisation_id', 'subject_id'])
      .orderBy('at')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'customer.user-invited',
      'customer.user-reinvited',
      'customer.user-changed',
    ]);
    expect(new Set(audit.map((a) => `${a.actor_account_id} ${a.organisation_id} ${a.subject_id}`))).toEqual(
      new Set([`${boss.accountId} ${org} ${userId}`]),
    );
    await app.close();
  });

  it('security: re-inviting another organisation’s user → 404; a customer-user → 403', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const own = await createOrganisation(db);
    const other = await createOrganisation(db);
    const stranger = await signInCustomer(db, other, 'customer-user');
    const boss = await signInCustomer(db, own, 'customer-admin');
    const user = await signInCustomer(db, own, 'customer-user');
    for (const url of [
      `/v1/organisations/${other}/users/${stranger.accountId}/invitation`,
      `/v1/organisations/${own}/users/${stranger.accountId}/invitation`,
    ]) {
      expect((await app.inject(asSession(boss, { method: 'POST', url }))).statusCode, url).toBe(404);
    }
    const byUser = await app.inject(
      asSession(user, { method: 'POST', url: `/v1/organisations/${own}/users/${boss.accountId}/invitation` }),
    );
    expect(byUser.statusCode).toBe(403);
    expect(await noticesOf(db, 'customer.invited')).toEqual([]);
    await app.close();
  });

  it('PATCH /v1/accounts/:id cannot give a customer account a staff role: 400 on body.role (was a 500 from the database check)', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const admin = await signIn(db, 'admin');
    const customer = await signInCustomer(db, await createOrganisation(db), 'customer-user');
    const res = await app.inject(
      asSession(admin, {
        method: 'PATCH',
        url: `/v1/accounts/${customer.accountId}`,
        payload: { role: 'agent' },
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('body.role');
    const renamed = await app.inject(
      asSession(admin, {
        method: 'PATCH',
        url: `/v1/accounts/${customer.accountId}`,
        payload: { name: 'Still customer' },
      }),
    );
    expect(renamed.json()).toMatchObject({ role: 'customer-user', name: 'Still customer' });
    await app.close();
  });
});

describeDb('customer users: the last customer-admin', (getDb) => {
  it('a customer-admin cannot disable or demote the last active customer-admin (409 LAST_ADMIN); staff can', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const org = await createOrganisation(db);
    const boss = await signInCustomer(db, org, 'customer-admin');
    const url = `/v1/organisations/${org}/users/${boss.accountId}`;
    for (const payload of [{ disabled: true }, { role: 'customer-user' }]) {
      const res = await app.inject(asSession(boss, { method: 'PATCH', url, payload }));
      expect(res.statusCode, JSON.stringify(payload)).toBe(409);
      expect(res.json().error.code).toBe('LAST_ADMIN');
    }
    const rename = await app.inject(asSession(boss, { method: 'PATCH', url, payload: { name: 'Boss' } }));
    expect(rename.statusCode).toBe(200);
    const key = await apiKeyWith(db, ['customers:write']);
    const byStaff = await app.inject(
      withKey(key, { method: 'PATCH', url, payload: { role: 'customer-user' } }),
    );
    expect(byStaff.json().role).toBe('customer-user');
    await app.close();
  });
});

describeDb('customer users: concurrent demotions', (getDb) => {
  it('two customer-admins demoting each other and themselves at once: one customer-admin always remains', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const org = await createOrganisation(db);
    const a = await signInCustomer(db, org, 'customer-admin');
    const b = await signInCustomer(db, org, 'customer-admin');
    const demote = (who: typeof a, target: string) =>
      app.inject(
        asSession(who, {
          method: 'PATCH',
          url: `/v1/organisations/${org}/users/${target}`,
          payload: { role: 'customer-user' },
        }),
      );
    // Each demotes the other, then itself: whatever the order, the last admin stays.
    const results = await Promise.all([
      demote(a, b.accountId),
      demote(b, a.accountId),
      demote(a, a.accountId),
      demote(b, b.accountId),
    ]);
    const admins = await db
      .selectFrom('accounts')
      .select('id')
      .where('organisation_id', '=', org)
      .where('role', '=', 'customer-admin')
      .execute();
    expect(admins).toHaveLength(1);
    // Refusals are 409 LAST_ADMIN, or 403 once the caller itself was demoted; never a 5xx.
    for (const r of results) expect([200, 403, 409]).toContain(r.statusCode);
    await app.close();
  });
});
