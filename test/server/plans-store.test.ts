import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { seedDemo } from '../../src/server/demo/demo.seed.ts';
import { describeDb } from '../support/db-harness.ts';
import { apiKeyWith, asSession, makeApp, signIn, testClock, withKey } from './app-helpers.ts';

const presetYaml = (name: string) => readFile(new URL(`../../plans/${name}.yaml`, import.meta.url), 'utf8');

describeDb('POST /v1/plans stores plan versions', (getDb) => {
  it('a changed document becomes the next version (201, audited); the same again is a no-op (200)', async () => {
    const { db } = getDb();
    await seedDemo(db, new Date());
    const admin = await signIn(db, 'admin');
    const app = await makeApp(db);
    const before = (
      await app.inject(asSession(admin, { method: 'GET', url: '/v1/plans/ticket-desk' }))
    ).json();
    expect(before.version).toBe(1);
    const edited = { ...before.document, name: 'Ticket desk (edited)' };
    const stored = await app.inject(asSession(admin, { method: 'POST', url: '/v1/plans', payload: edited }));
    expect(stored.statusCode).toBe(201);
    expect(stored.json()).toMatchObject({
      key: 'ticket-desk',
      version: 2,
      name: 'Ticket desk (edited)',
      created: true,
    });
    expect(stored.json().explain.length).toBeGreaterThan(100);
    expect(stored.json().contentHash).not.toBe(before.contentHash);

    const latest = (
      await app.inject(asSession(admin, { method: 'GET', url: '/v1/plans/ticket-desk' }))
    ).json();
    expect(latest).toMatchObject({ version: 2, name: 'Ticket desk (edited)' });
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'actor_account_id', 'subject_id', 'details'])
      .where('action', '=', 'plan.version-stored')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_account_id: admin.accountId, subject_id: 'ticket-desk' });
    const details = typeof audit[0]?.details === 'string' ? JSON.parse(audit[0].details) : audit[0]?.details;
    expect(details).toMatchObject({ version: 2, previousVersion: 1 });

    const again = await app.inject(asSession(admin, { method: 'POST', url: '/v1/plans', payload: edited }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 2, created: false });
    const versions = await db
      .selectFrom('plan_versions')
      .select('version')
      .where('plan_key', '=', 'ticket-desk')
      .execute();
    expect(versions).toHaveLength(2);
    expect(
      await db.selectFrom('audit_events').select('id').where('action', '=', 'plan.version-stored').execute(),
    ).toHaveLength(1);

    // The original document is version 1: storing it again cannot copy it (versions are unique by content).
    const older = await app.inject(
      asSession(admin, { method: 'POST', url: '/v1/plans', payload: before.document }),
    );
    expect(older.statusCode).toBe(409);
    expect(older.json().error).toMatchObject({ code: 'ALREADY_EXISTS', details: { version: 1 } });
    await app.close();
  });

  it('takes YAML, creates a new plan key, and refuses an invalid document with every error (422)', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const app = await makeApp(db);
    const yaml = (await presetYaml('ticket-desk')).replace(/^key: .*$/m, 'key: desk-copy');
    const res = await app.inject(
      asSession(admin, {
        method: 'POST',
        url: '/v1/plans',
        headers: { 'content-type': 'application/yaml' },
        payload: yaml,
      }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ key: 'desk-copy', version: 1, created: true });

    const bad = await app.inject(
      asSession(admin, { method: 'POST', url: '/v1/plans', payload: { key: 'broken', name: 'Broken' } }),
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('PLAN_INVALID');
    expect(bad.json().error.details.errors.length).toBeGreaterThan(1);
    expect(await db.selectFrom('plans').select('key').where('key', '=', 'broken').execute()).toEqual([]);
    await app.close();
  });

  it('is for admins: an agent gets 403, a plans:read key 403, a session without CSRF 403', async () => {
    const { db } = getDb();
    await seedDemo(db, new Date());
    const agent = await signIn(db, 'agent');
    const admin = await signIn(db, 'admin');
    const key = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db);
    const document = (
      await app.inject(asSession(admin, { method: 'GET', url: '/v1/plans/ticket-desk' }))
    ).json().document;
    const payload = { ...document, name: 'Changed' };
    const byAgent = await app.inject(asSession(agent, { method: 'POST', url: '/v1/plans', payload }));
    expect(byAgent.statusCode).toBe(403);
    const byKey = await app.inject(withKey(key, { method: 'POST', url: '/v1/plans', payload }));
    expect(byKey.statusCode).toBe(403);
    const noCsrf = await app.inject(asSession(admin, { method: 'POST', url: '/v1/plans', payload }, false));
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    const versions = await db
      .selectFrom('plan_versions')
      .select('version')
      .where('plan_key', '=', 'ticket-desk')
      .execute();
    expect(versions).toHaveLength(1);
    await app.close();
  });
});

describeDb('GET /v1/plans/:key/calendar', (getDb) => {
  it("answers the week, the next 12 months' public holidays and the maintenance windows", async () => {
    const { db } = getDb();
    await seedDemo(db, new Date());
    const admin = await signIn(db, 'admin');
    const agent = await signIn(db, 'agent');
    const clock = testClock(new Date('2026-03-02T09:00:00Z'));
    const app = await makeApp(db, clock);
    const document = (
      await app.inject(asSession(admin, { method: 'GET', url: '/v1/plans/business-sla' }))
    ).json().document;
    const withWindow = {
      ...document,
      calendar: {
        ...document.calendar,
        week: { ...document.calendar.week, mon: ['09:00-13:00', '14:00-18:00'] },
        exceptions: [{ date: '2026-06-13', hours: ['10:00-14:00'], name: 'Working Saturday' }],
        closures: [
          { start: '2026-04-04T20:00:00Z', end: '2026-04-05T02:00:00Z', reason: 'Database upgrade' },
          { start: '2025-01-01T00:00:00Z', end: '2025-01-02T00:00:00Z', reason: 'Long past' },
        ],
      },
    };
    expect(
      (await app.inject(asSession(admin, { method: 'POST', url: '/v1/plans', payload: withWindow })))
        .statusCode,
    ).toBe(201);
    const res = await app.inject(asSession(agent, { method: 'GET', url: '/v1/plans/business-sla/calendar' }));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ key: 'business-sla', version: 2, from: '2026-03-02', to: '2027-03-01' });
    expect(body.calendar.timeZone).toBe('Europe/Moscow');
    expect(body.calendar.week[0]).toEqual({ day: 'mon', hours: ['09:00-13:00', '14:00-18:00'] });
    expect(body.calendar.week[6]).toEqual({ day: 'sun', hours: [] });
    expect(body.calendar.holidaySource).toEqual({
      country: 'RU',
      region: null,
      subregion: null,
      types: ['public'],
    });
    const dates = body.calendar.holidays.map((h: { date: string }) => h.date);
    expect(dates).toContain('2026-05-09'); // Victory Day
    expect(dates).toContain('2027-01-01');
    expect(dates.every((d: string) => d >= '2026-03-02' && d <= '2027-03-01')).toBe(true);
    expect(dates).not.toContain('2026-01-01');
    expect(body.calendar.exceptions).toEqual([
      { date: '2026-06-13', name: 'Working Saturday', hours: ['10:00-14:00'] },
    ]);
    expect(body.calendar.maintenanceWindows).toEqual([
      { start: '2026-04-04T20:00:00Z', end: '2026-04-05T02:00:00Z', reason: 'Database upgrade' },
    ]);

    const range = await app.inject(
      asSession(agent, {
        method: 'GET',
        url: '/v1/plans/business-sla/calendar?from=2026-05-01&to=2026-05-31',
      }),
    );
    const may = range.json().calendar.holidays.map((h: { date: string }) => h.date);
    expect(may).toEqual(expect.arrayContaining(['2026-05-01', '2026-05-09']));
    expect(range.json().calendar.holidays.every((h: { date: string }) => h.date.startsWith('2026-05'))).toBe(
      true,
    );
    expect(range.json().calendar.maintenanceWindows).toEqual([]);
    await app.close();
  });

  it('refuses a reversed or too long range by field, a plan without calendar answers null, unknown → 404', async () => {
    const { db } = getDb();
    await seedDemo(db, new Date());
    const agent = await signIn(db, 'agent');
    const app = await makeApp(db);
    const get = (url: string) => app.inject(asSession(agent, { method: 'GET', url }));
    const reversed = await get('/v1/plans/business-sla/calendar?from=2026-05-01&to=2026-04-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'querystring.to' }],
    });
    const long = await get('/v1/plans/business-sla/calendar?from=2026-01-01&to=2028-06-01');
    expect(long.statusCode).toBe(400);
    const malformed = await get('/v1/plans/business-sla/calendar?from=2026-13-01');
    expect(malformed.statusCode).toBe(400);
    expect((await get('/v1/plans/no-such-plan/calendar')).statusCode).toBe(404);
    const noCalendar = await get('/v1/plans/annual-maintenance/calendar');
    expect(noCalendar.statusCode).toBe(200);
    expect(noCalendar.json().calendar).toBeNull();
    await app.close();
  });
});
