import { expect, it } from 'vitest';
import { describeDb } from '../support/db-harness.ts';
import { makeApp } from './app-helpers.ts';

describeDb('server shell', (getDb) => {
  it('GET /health answers ok after select 1', async () => {
    const app = await makeApp(getDb().db);
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'ok' });
    await app.close();
  });
});
