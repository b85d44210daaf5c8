import { expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/schema/error.schema.ts';
import { describeDb } from '../support/db-harness.ts';
import { makeApp } from './app-helpers.ts';

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
