import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { asSession, makeApp, type SignedIn, signIn, testClock } from '../server/app-helpers.ts';
import { createOrganisation, createProduct, type ProductFixture } from '../support/commerce-fixtures.ts';

/** An app on a settable clock, a signed-in admin, one organisation and one product of a preset. */
export async function contractWorld(
  db: Kysely<Database>,
  product: ProductFixture,
  start = new Date('2026-03-02T09:00:00Z'),
) {
  const clock = testClock(start);
  const app = await makeApp(db, clock);
  const admin = await signIn(db, 'admin');
  const organisationId = await createOrganisation(db);
  const productId = await createProduct(db, product);
  return { app, clock, admin, organisationId, productId };
}

export function post(app: FastifyInstance, who: SignedIn, url: string, payload: unknown) {
  return app.inject(asSession(who, { method: 'POST', url, payload: payload as Record<string, unknown> }));
}

export function get(app: FastifyInstance, who: SignedIn, url: string) {
  return app.inject(asSession(who, { method: 'GET', url }));
}

/** Buys and returns the 201 body, failing the test with the error body otherwise. */
export async function buy(app: FastifyInstance, who: SignedIn, payload: Record<string, unknown>) {
  const res = await post(app, who, '/v1/contracts', payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function renew(
  app: FastifyInstance,
  who: SignedIn,
  contractId: string,
  payload: Record<string, unknown> = {},
) {
  const res = await post(app, who, `/v1/contracts/${contractId}/renewals`, payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The stored terms of a contract as [kind, startsOn, endsOn, givesService] rows, in seq order. */
export async function storedTerms(db: Kysely<Database>, contractId: string) {
  const rows = await db
    .selectFrom('coverage_terms')
    .select(['seq', 'kind', 'starts_on', 'ends_on', 'gives_service'])
    .where('contract_id', '=', contractId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => [r.kind, r.starts_on, r.ends_on, r.gives_service] as const);
}
