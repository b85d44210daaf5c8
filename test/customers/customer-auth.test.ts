import { expect, it } from 'vitest';
import { createAccount } from '../../src/server/auth/accounts.service.ts';
import { isRegisteredOnDesk, isSubscribedToProductUpdates } from '../../src/server/customers/desk-facts.ts';
import { asSession, cookieOf, FAST_SCRYPT, makeApp, signIn, testClock } from '../server/app-helpers.ts';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { noticesOf, tokenOf } from './customer-helpers.ts';

const MINUTE = 60 * 1000;
const ORIGIN = { origin: 'http://localhost' };

describeDb('customer sign-in: magic link, /me, mailing list (R1.1)', (getDb) => {
  it('magic link: 202 with the same body for a known, an unknown and a disabled email; only the known one gets a 15-minute link', async () => {
    const { db } = getDb();
    const clock = testClock();
    const app = await makeApp(db, clock);
    const org = await createOrganisation(db);
    const customer = await signInCustomer(db, org, 'customer-user', clock.now());
    const { email } = await db
      .selectFrom('accounts')
      .select('email')
      .where('id', '=', customer.accountId)
      .executeTakeFirstOrThrow();
    const off = await createAccount(
      db,
      { email: 'off@example.test', name: 'Off', role: 'agent' },
      clock.now(),
    );
    await db.updateTable('accounts').set({ disabled_at: clock.now() }).where('id', '=', off.id).execute();
    const answers = [];
    for (const address of [email.toUpperCase(), 'nobody@example.test', 'off@example.test']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/auth/magic-link',
        payload: { email: address },
      });
      answers.push({ status: res.statusCode, body: res.body });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]?.status).toBe(202);
    const notices = await noticesOf(db, 'auth.magic-link');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      recipient: email,
      organisation_id: org,
      payload: { expiresAt: new Date(clock.now().getTime() + 15 * MINUTE).toISOString() },
    });
    const token = tokenOf(notices[0]?.payload.url ?? '');
    clock.advance(15 * MINUTE);
    const late = await app.inject({ method: 'POST', url: `/v1/auth/one-time/${token}`, headers: ORIGIN });
    expect(late.statusCode).toBe(401);
    await app.close();
  });

  it('magic link signs a customer in; /v1/auth/me shows role and organisationId; a bad email → 400', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const org = await createOrganisation(db);
    const customer = await signInCustomer(db, org, 'customer-admin');
    const { email } = await db
      .selectFrom('accounts')
      .select('email')
      .where('id', '=', customer.accountId)
      .executeTakeFirstOrThrow();
    await app.inject({ method: 'POST', url: '/v1/auth/magic-link', payload: { email } });
    const [notice] = await noticesOf(db, 'auth.magic-link');
    const used = await app.inject({
      method: 'POST',
      url: `/v1/auth/one-time/${tokenOf(notice?.payload.url ?? '')}`,
      headers: ORIGIN,
    });
    expect(used.statusCode).toBe(303);
    const me = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { cookie: cookieOf(used.headers['set-cookie']) },
    });
    expect(me.json().account).toMatchObject({
      id: customer.accountId,
      role: 'customer-admin',
      organisationId: org,
    });
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/auth/magic-link',
      payload: { email: 'not-an-email' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('body.email');
    await app.close();
  });

  it('password sign-in works for a customer and /me shows role and organisationId', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const org = await createOrganisation(db);
    const account = await createAccount(
      db,
      {
        email: 'pw@acme.test',
        name: 'Pw',
        role: 'agent',
        password: 'correct horse battery',
        passwordCost: FAST_SCRYPT,
      },
      new Date(),
    );
    await db
      .updateTable('accounts')
      .set({ role: 'customer-user', organisation_id: org })
      .where('id', '=', account.id)
      .execute();
    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'pw@acme.test', password: 'correct horse battery' },
    });
    expect(login.json().account).toMatchObject({ role: 'customer-user', organisationId: org });
    await app.close();
  });

  it('magic link is throttled with the sign-in limits: over the per-email limit → 429 RATE_LIMITED with Retry-After', async () => {
    const { db } = getDb();
    const app = await makeApp(db, testClock(), {
      signInLimits: { perIp: 100, perAccount: 2, windowMs: 60_000 },
    });
    const send = () =>
      app.inject({ method: 'POST', url: '/v1/auth/magic-link', payload: { email: 'x@example.test' } });
    expect((await send()).statusCode).toBe(202);
    expect((await send()).statusCode).toBe(202);
    const third = await send();
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBeDefined();
    await app.close();
  });

  it('R1.1 product-update mailing list (S1): a customer leaves and rejoins; changedAt moves only on a change; audited; desk facts follow', async () => {
    const { db } = getDb();
    const clock = testClock();
    const app = await makeApp(db, clock);
    const org = await createOrganisation(db);
    const customer = await signInCustomer(db, org, 'customer-user', clock.now());
    const get = () => app.inject(asSession(customer, { method: 'GET', url: '/v1/me/subscriptions' }));
    const put = (productUpdates: boolean) =>
      app.inject(
        asSession(customer, { method: 'PUT', url: '/v1/me/subscriptions', payload: { productUpdates } }),
      );
    expect((await get()).json()).toEqual({ productUpdates: true, changedAt: null });
    expect(await isSubscribedToProductUpdates(db, customer.accountId)).toBe(true);
    expect(await isRegisteredOnDesk(db, customer.accountId)).toBe(true);
    const left = await put(false);
    const leftAt = clock.now().toISOString();
    expect(left.json()).toEqual({ productUpdates: false, changedAt: leftAt });
    expect(await isSubscribedToProductUpdates(db, customer.accountId)).toBe(false);
    clock.advance(MINUTE);
    expect((await put(false)).json()).toEqual({ productUpdates: false, changedAt: leftAt });
    expect((await put(true)).json()).toEqual({ productUpdates: true, changedAt: clock.now().toISOString() });
    const actions = await db.selectFrom('audit_events').select('action').orderBy('at').execute();
    expect(actions.map((a) => a.action)).toEqual([
      'customer.product-updates-unsubscribed',
      'customer.product-updates-subscribed',
    ]);
    // Staff see it on the user.
    const agent = await signIn(db, 'agent', clock.now());
    const user = await app.inject(
      asSession(agent, { method: 'GET', url: `/v1/organisations/${org}/users/${customer.accountId}` }),
    );
    expect(user.json()).toMatchObject({
      productUpdatesSubscribed: true,
      productUpdatesChangedAt: clock.now().toISOString(),
    });
    await app.close();
  });

  it('security and errors: staff cannot use /v1/me/subscriptions (403); a non-boolean → 400; unknown accounts are neither registered nor subscribed', async () => {
    const { db } = getDb();
    const app = await makeApp(db);
    const agent = await signIn(db, 'agent');
    expect(
      (await app.inject(asSession(agent, { method: 'GET', url: '/v1/me/subscriptions' }))).statusCode,
    ).toBe(403);
    const customer = await signInCustomer(db, await createOrganisation(db), 'customer-user');
    const bad = await app.inject(
      asSession(customer, { method: 'PUT', url: '/v1/me/subscriptions', payload: { productUpdates: 'no' } }),
    );
    expect(bad.statusCode).toBe(400);
    expect(await isRegisteredOnDesk(db, 'acc_missing')).toBe(false);
    expect(await isSubscribedToProductUpdates(db, 'acc_missing')).toBe(false);
    // A staff account using a one-time link is not "registered on the desk" (the desk is the customers').
    const staff = await createAccount(
      db,
      { email: 'st@example.test', name: 'St', role: 'agent' },
      new Date(),
    );
    await app.inject({ method: 'POST', url: '/v1/auth/magic-link', payload: { email: 'st@example.test' } });
    const [notice] = await noticesOf(db, 'auth.magic-link');
    await app.inject({
      method: 'POST',
      url: `/v1/auth/one-time/${tokenOf(notice?.payload.url ?? '')}`,
      headers: ORIGIN,
    });
    expect(await isRegisteredOnDesk(db, staff.id)).toBe(false);
    await app.close();
  });
});
