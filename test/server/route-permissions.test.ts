import Fastify, { type InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { enforceDeclaredAccess, type RouteEntry } from '../../src/server/auth/access.ts';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { apiKeyWith, asSession, makeApp, signIn, withKey } from './app-helpers.ts';

/** A concrete URL for a route pattern: every `:param` becomes a plausible id, `*` a file name. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z]+/g, 'x_1').replace(/\*$/, 'index.html');
}

function request(route: RouteEntry): InjectOptions {
  return { method: route.method as NonNullable<InjectOptions['method']>, url: concrete(route.url) };
}

describeDb('route permissions (the whole route table)', (getDb) => {
  it('every non-public route refuses an anonymous call (401) and a wrong role or credential (403)', async () => {
    const { db } = getDb();
    const agent = await signIn(db, 'agent');
    const customer = await signInCustomer(db, await createOrganisation(db));
    const noScopeKey = await apiKeyWith(db, []);
    const everyScopeKey = await apiKeyWith(db, ['plans:read']);
    const app = await makeApp(db);
    const guarded = app.routeTable.filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThanOrEqual(13);
    for (const route of guarded) {
      const label = `${route.method} ${route.url}`;
      const anonymous = await app.inject(request(route));
      expect(anonymous.statusCode, `${label} anonymous`).toBe(401);
      const access = route.access;
      // The credential that is authenticated but must not pass this route's declaration.
      const wrong =
        access === 'signed-in'
          ? withKey(everyScopeKey, request(route))
          : typeof access === 'object' && 'role' in access
            ? asSession(access.role.startsWith('customer') ? agent : customer, request(route))
            : withKey(noScopeKey, request(route));
      const refused = await app.inject(wrong);
      expect(refused.statusCode, `${label} wrong role`).toBe(403);
      if (route.method !== 'HEAD') expect(refused.json().error.code, label).toBe('FORBIDDEN');
      // A staff-only scope route refuses a customer's session (customers pass only where declared).
      if (typeof access === 'object' && 'scope' in access && access.customer !== true) {
        const asCustomer = await app.inject(asSession(customer, request(route)));
        expect(asCustomer.statusCode, `${label} customer session`).toBe(403);
      }
    }
    await app.close();
  });

  it('the route table holds every API route with its declaration; the docs UI is public', async () => {
    const app = await makeApp(getDb().db);
    const byRoute = new Map(app.routeTable.map((r) => [`${r.method} ${r.url}`, r.access]));
    expect(
      Object.fromEntries([...byRoute].filter(([k]) => k.includes('/v1/') && !k.startsWith('HEAD'))),
    ).toMatchObject({
      'POST /v1/auth/login': 'public',
      'POST /v1/auth/logout': 'signed-in',
      'GET /v1/auth/me': 'signed-in',
      'POST /v1/auth/password': 'signed-in',
      'GET /v1/auth/one-time/:token': 'public',
      'POST /v1/auth/one-time/:token': 'public',
      'POST /v1/accounts': { role: 'admin' },
      'GET /v1/accounts': { role: 'admin' },
      'PATCH /v1/accounts/:id': { role: 'admin' },
      'POST /v1/accounts/:id/login-link': { role: 'admin' },
      'POST /v1/api-keys': { role: 'admin' },
      'GET /v1/api-keys': { role: 'admin' },
      'DELETE /v1/api-keys/:id': { role: 'admin' },
      'GET /v1/plans': { scope: 'plans:read' },
      'GET /v1/plans/:key': { scope: 'plans:read' },
      'POST /v1/plans/validate': { scope: 'plans:read' },
    });
    expect(byRoute.get('GET /docs')).toBe('public');
    expect(byRoute.get('GET /health')).toBe('public');
    await app.close();
  });
});

describe('undeclared routes', () => {
  it('a route without config.access stops the server from starting', async () => {
    const app = Fastify();
    enforceDeclaredAccess(app, ['/docs']);
    expect(() => app.get('/v1/secret', async () => 'leak')).toThrow(
      'Route GET /v1/secret declares no access (config.access)',
    );
    // Only the docs prefix itself and paths below it are public by default, not look-alikes.
    expect(() => app.get('/docs-admin', async () => 'leak')).toThrow('declares no access');
    app.get('/docs/page', async () => 'docs');
    await app.close();
  });

  it('a declared route registers and appears in the table', async () => {
    const app = Fastify();
    const table = enforceDeclaredAccess(app, []);
    app.get('/v1/thing', { config: { access: { role: 'admin' } } }, async () => 'ok');
    await app.ready();
    expect(table).toContainEqual({ method: 'GET', url: '/v1/thing', access: { role: 'admin' } });
    await app.close();
  });
});
