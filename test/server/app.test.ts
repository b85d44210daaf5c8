import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { openPostgres } from '../../src/server/db/database.ts';
import { ERROR_CODES, ERROR_STATUS } from '../../src/server/http/errors.ts';
import { createLogger } from '../../src/server/http/logger.ts';
import { describeDb } from '../support/db-harness.ts';
import { makeApp, signIn, testConfig } from './app-helpers.ts';

const ERROR_SHAPE = {
  error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) },
};

describeDb('server shell', (getDb) => {
  it('GET /health answers ok after select 1', async () => {
    const app = await makeApp(getDb().db);
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'ok' });
    await app.close();
  });

  it('keeps a valid incoming x-request-id and echoes it in the response and error body', async () => {
    const app = await makeApp(getDb().db);
    const ok = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'trace-42.a:b' },
    });
    expect(ok.headers['x-request-id']).toBe('trace-42.a:b');
    const missing = await app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'abc-1' } });
    expect(missing.json().error.requestId).toBe('abc-1');
    await app.close();
  });

  it('replaces an invalid x-request-id (spaces, newlines, too long) with a generated one', async () => {
    const app = await makeApp(getDb().db);
    for (const bad of ['has space', 'x'.repeat(129), 'a\tb']) {
      const res = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const a = await app.inject({ method: 'GET', url: '/health' });
    const b = await app.inject({ method: 'GET', url: '/health' });
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    await app.close();
  });

  it('unknown route → 404 NOT_FOUND in the one error body', async () => {
    const app = await makeApp(getDb().db);
    const res = await app.inject({ method: 'GET', url: '/v1/does-not-exist?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      error: { code: 'NOT_FOUND', message: 'No route for GET /v1/does-not-exist' },
    });
    await app.close();
  });

  it('malformed JSON → 400 MALFORMED_REQUEST; too-large body → 413; an XML body → 415', async () => {
    const app = await makeApp(getDb().db);
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload,
      });
    const malformed = await post('{"email": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'MALFORMED_REQUEST' } });
    const large = await post(JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1024 * 1024 + 10) }));
    expect(large.statusCode).toBe(413);
    expect(large.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const text = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<login/>',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    await app.close();
  });

  it('a zod validation failure → 400 VALIDATION_FAILED naming each field path and rule', async () => {
    const app = await makeApp(getDb().db);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'not-an-email' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject(ERROR_SHAPE);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.email', rule: 'invalid_format' }),
        expect.objectContaining({ path: 'body.password', rule: 'invalid_type' }),
      ]),
    );
    await app.close();
  });

  it('a NUL character in a path id, a query cursor or a body text → 400 MALFORMED_REQUEST, not 500; nothing written', async () => {
    const { db } = getDb();
    const admin = await signIn(db, 'admin');
    const app = await makeApp(db);
    const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken };
    const before = await db.selectFrom('accounts').select('id').execute();
    const requests = [
      app.inject({ method: 'GET', url: '/v1/accounts?after=%00', headers }),
      app.inject({ method: 'PATCH', url: '/v1/accounts/%00', headers, payload: { name: 'x' } }),
      app.inject({ method: 'DELETE', url: '/v1/api-keys/a%00b', headers }),
      app.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers,
        payload: { email: 'n@b.co', name: 'a\u0000b', role: 'agent' },
      }),
      app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers,
        payload: { name: '\u0000', scopes: ['plans:read'] },
      }),
    ];
    for (const res of await Promise.all(requests)) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: { code: 'MALFORMED_REQUEST', message: expect.stringMatching(/NUL/) },
      });
    }
    expect(await db.selectFrom('accounts').select('id').execute()).toEqual(before);
    expect(await db.selectFrom('api_keys').select('id').execute()).toEqual([]);
    await app.close();
  });

  it('a URL Fastify cannot route (bad percent-encoding, an over-long path id) → 400 in the one error body, URL not echoed', async () => {
    const app = await makeApp(getDb().db);
    for (const url of ['/v1/plans/%zz', '/v1/auth/one-time/%ff', `/v1/plans/${'a'.repeat(5000)}`]) {
      const res = await app.inject({ method: 'GET', url, headers: { 'x-request-id': 'bad-url-1' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: { code: 'MALFORMED_REQUEST', message: expect.any(String), requestId: 'bad-url-1' },
      });
      expect(res.headers['x-request-id']).toBe('bad-url-1');
      expect(res.body).not.toContain('aaaaaaaaaa');
      expect(res.body).not.toContain('%zz');
    }
    await app.close();
  });

  it('an unexpected fault → 500 INTERNAL with no stack trace or internals in the body', async () => {
    const { db } = getDb();
    const who = await signIn(db, 'admin');
    await sql`drop table sessions cascade`.execute(db);
    const app = await makeApp(db);
    const res = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: who.cookie } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error: { code: 'INTERNAL' } });
    expect(res.body).not.toMatch(/sessions|at .*\.ts|stack|relation/i);
    expect(res.json().error.requestId).toBe(res.headers['x-request-id']);
    await app.close();
  });

  it('GET / answers a small HTML page linking to /docs', async () => {
    const app = await makeApp(getDb().db);
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('href="/docs"');
    await app.close();
  });

  it('GET /metrics answers Prometheus text with process metrics and the request histogram by route', async () => {
    const app = await makeApp(getDb().db);
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/nope/123' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('upkeep_process_cpu_user_seconds_total');
    expect(res.body).toMatch(
      /upkeep_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 1/,
    );
    expect(res.body).toMatch(/route="unmatched",status="404"/);
    expect(res.body).not.toContain('/nope/123');
    await app.close();
  });
});

it('GET /health → 503 DATABASE_UNAVAILABLE when the database does not answer', async () => {
  // A real PostgreSQL client pointed at a port nothing listens on: the database is down.
  const handle = await openPostgres({ connectionString: 'postgres://upkeep@127.0.0.1:1/upkeep' });
  const app = await buildApp({ config: testConfig, db: handle.db });
  const res = await app.inject({ method: 'GET', url: '/health' });
  expect(res.statusCode).toBe(503);
  expect(res.json()).toMatchObject({ error: { code: 'DATABASE_UNAVAILABLE' } });
  await app.close();
  await handle.close();
});

it('every error code has a 4xx/5xx status and is documented in docs/api.md', async () => {
  const { readFile } = await import('node:fs/promises');
  const doc = await readFile(new URL('../../docs/api.md', import.meta.url), 'utf8');
  for (const code of ERROR_CODES) {
    expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(doc, `docs/api.md documents ${code}`).toContain(`\`${code}\``);
  }
});

describeDb('logs', (getDb) => {
  it('JSON log lines carry the request id; one-time tokens are redacted; a 500 is logged with its stack', async () => {
    const { db } = getDb();
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
    const who = await signIn(db, 'admin');
    const app = await buildApp({ config: testConfig, db, logger });
    await app.inject({
      method: 'GET',
      url: '/v1/auth/one-time/SECRET-TOKEN-123',
      headers: { 'x-request-id': 'r-1' },
    });
    await sql`drop table sessions cascade`.execute(db);
    await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { cookie: who.cookie, 'x-request-id': 'r-2' },
    });
    await app.close();
    const text = JSON.stringify(lines);
    expect(text).not.toContain('SECRET-TOKEN-123');
    expect(text).not.toContain(who.cookie.split('=')[1]);
    expect(lines.filter((l) => l.requestId === 'r-1').map((l) => l.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'request completed']),
    );
    const failure = lines.find((l) => l.requestId === 'r-2' && l.level === 50) as { err: { stack: string } };
    expect(failure.err.stack).toMatch(/sessions/);
  });
});

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type OpenApiDoc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

/** Every `$ref` string anywhere in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
}

describeDb('OpenAPI document', (getDb) => {
  it('GET /openapi.json is OpenAPI 3.1 and lists every declared route with its method', async () => {
    const app = await makeApp(getDb().db);
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as OpenApiDoc;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Upkeep API', version: expect.any(String) });
    const documented = app.routeTable.filter(
      (r) => r.method !== 'HEAD' && !r.url.startsWith('/docs') && r.url !== '/openapi.json',
    );
    expect(documented.length).toBeGreaterThanOrEqual(12);
    for (const route of documented) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
      for (const [status, response] of Object.entries(
        doc.paths[path]?.[route.method.toLowerCase()]?.responses ?? {},
      )) {
        expect(status, `${route.method} ${path}`).toMatch(/^[1-5]\d\d$/);
        expect(response).toHaveProperty('description');
      }
    }
    await app.close();
  });

  it('declares the one error body once, with every code, and every error response points at it', async () => {
    const app = await makeApp(getDb().db);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDoc;
    const errorBody = doc.components.schemas.ErrorBody as {
      properties: { error: { properties: { code: { enum: string[] } }; required: string[] } };
    };
    expect(errorBody.properties.error.required).toEqual(['code', 'message', 'requestId']);
    expect(errorBody.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          expect(response.content?.['application/json']?.schema, `${method} ${path} ${status}`).toEqual({
            $ref: '#/components/schemas/ErrorBody',
          });
        }
      }
    }
    for (const ref of refsIn(doc)) {
      const name = ref.replace('#/components/schemas/', '');
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'session']);
    await app.close();
  });

  it('GET /docs serves the Swagger UI page', async () => {
    const app = await makeApp(getDb().db);
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
    await app.close();
  });
});
