import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { runDueJobs } from '../../src/server/jobs/job-queue.ts';
import { TICKET_JOB_HANDLERS } from '../../src/server/tickets/ticket-jobs.ts';
import { asSession, makeApp, type SignedIn, signIn, testClock } from '../server/app-helpers.ts';
import { createOrganisation, signInCustomer } from '../support/commerce-fixtures.ts';
import { createContractWithTerms, type TermRow } from '../systems/systems-fixtures.ts';

export type DeskSetup = Awaited<ReturnType<typeof deskSetup>>;

/**
 * A customer organisation with one contract under a preset (terms as given), its customer-admin, an
 * agent, an unrelated organisation's customer, and the app on a settable clock.
 */
export async function deskSetup(
  db: Kysely<Database>,
  planKey: string,
  terms: TermRow[],
  start = new Date('2026-03-02T09:00:00Z'),
) {
  const clock = testClock(start);
  const orgId = await createOrganisation(db, 'Acme');
  const otherOrgId = await createOrganisation(db, 'Other');
  const contractId = await createContractWithTerms(db, orgId, terms, planKey);
  const contract = await db
    .selectFrom('contracts')
    .select(['product_id'])
    .where('id', '=', contractId)
    .executeTakeFirstOrThrow();
  // Sessions last 12 h from their start; these tests move the clock by days, so sessions are
  // issued as of 60 days later (a session is valid until it expires, whenever it was issued).
  const sessionsFrom = new Date(start.getTime() + 60 * 86_400_000);
  const customer = await signInCustomer(db, orgId, 'customer-admin', sessionsFrom);
  const stranger = await signInCustomer(db, otherOrgId, 'customer-admin', sessionsFrom);
  const agent = await signIn(db, 'agent', sessionsFrom);
  const app = await makeApp(db, clock);
  return {
    clock,
    orgId,
    otherOrgId,
    contractId,
    productId: contract.product_id,
    customer,
    stranger,
    agent,
    app,
  };
}

export async function call(
  app: FastifyInstance,
  who: SignedIn,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject(
    asSession(who, { method, url, ...(payload === undefined ? {} : { payload: payload as object }) }),
  );
}

export async function openTicket(
  setup: DeskSetup,
  body: Record<string, unknown>,
  who: SignedIn = setup.customer,
  expected = 201,
) {
  const res = await call(setup.app, who, 'POST', '/v1/tickets', {
    productId: setup.productId,
    subject: 'The export fails',
    description: 'Exporting a report to PDF fails with error 500 since the update.',
    ...body,
  });
  expect(res.statusCode, res.body).toBe(expected);
  return res.json();
}

/** Runs every job due at the clock's now, as one worker would. */
export async function runJobs(db: Kysely<Database>, now: Date, workerId = 'test-worker'): Promise<number> {
  return runDueJobs(db, TICKET_JOB_HANDLERS, { workerId, now });
}
