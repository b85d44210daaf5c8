import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { WEB_APP_CSP } from '../../src/server/http/web-app.routes.ts';
import { makeApp, testClock } from '../server/app-helpers.ts';
import { describeDb } from '../support/db-harness.ts';

const HTML = { accept: 'text/html,application/xhtml+xml' };

/** A stand-in build: index.html, one hashed asset, one top-level file. */
function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'upkeep-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title><a href="/docs">docs</a>');
  writeFileSync(join(dir, 'assets/index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

describeDb('web app routes', (getDb) => {
  it('GET / answers the app with a strict CSP, nosniff and no framing', async () => {
    const app = await makeApp(getDb().db, testClock(), { webDistDir: fakeDist() });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>app</title>');
    expect(res.headers['content-security-policy']).toBe(WEB_APP_CSP);
    expect(WEB_APP_CSP).toContain("script-src 'self'");
    expect(WEB_APP_CSP).toContain("frame-ancestors 'none'");
    expect(WEB_APP_CSP).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-cache');
    await app.close();
  });

  it('hashed assets are immutable with their content type; a missing one or a path escape is 404', async () => {
    const app = await makeApp(getDb().db, testClock(), { webDistDir: fakeDist() });
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/assets/nope.js', '/assets/..%2Findex.html', '/assets/..%2F..%2Fpackage.json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    // Browsers ask for the icon with Accept: image/*, not text/html.
    const icon = await app.inject({
      method: 'GET',
      url: '/favicon.svg',
      headers: { accept: 'image/avif,image/webp,*/*' },
    });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    await app.close();
  });

  it('a client route answers index.html to browsers; API paths and non-browsers get the 404 error body', async () => {
    const app = await makeApp(getDb().db, testClock(), { webDistDir: fakeDist() });
    const page = await app.inject({ method: 'GET', url: '/portal/tickets/tkt_1?x=1', headers: HTML });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>app</title>');
    for (const url of ['/v1/nope', '/v1', '/openapi.json/x', '/health/x', '/metrics/x', '/.well-known/x']) {
      const res = await app.inject({ method: 'GET', url, headers: HTML });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    const curl = await app.inject({ method: 'GET', url: '/portal/tickets' });
    expect(curl.statusCode).toBe(404);
    const post = await app.inject({ method: 'POST', url: '/portal/tickets', headers: HTML });
    expect(post.statusCode).toBe(404);
    // The one-time link's redirect target (/) is the app, and the API still answers as before.
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({
      status: 'ok',
      database: 'ok',
    });
    await app.close();
  });

  it('without a build, / says how to build the app and still links the API docs', async () => {
    const app = await makeApp(getDb().db, testClock(), {
      webDistDir: mkdtempSync(join(tmpdir(), 'upkeep-empty-')),
    });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
    expect(res.body).toContain('href="/docs"');
    await app.close();
  });
});
