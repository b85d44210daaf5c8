import { describe, expect, it } from 'vitest';
import { isFixedBy } from '../../src/server/tickets/known-issues.service.ts';
import { createProduct, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, type DeskSetup, deskSetup, openTicket } from './ticket-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');
const S1_TERMS = [{ startsOn: '2026-01-01', endsOn: '2026-07-01' }];
// S1 refuses a fourth new ticket within 10 minutes (R1.5): tickets here are spaced out.
const SPACING = 11 * 60_000;

/** A ticket with its own words (R2.8 would merge look-alike tickets into each other). */
async function ticketAbout(s: DeskSetup, topic: keyof typeof WORDS, who = s.customer) {
  s.clock.advance(SPACING);
  const [subject, description] = WORDS[topic];
  return openTicket(s, { categoryId: 'question', subject, description }, who);
}

/** Distinct words per ticket: R2.8 merges look-alike tickets of one customer into each other. */
const WORDS = {
  forum: ['Forum posting rejected', 'The community board answers 403 whenever I submit a reply.'],
  blog: ['Sharing to my blog', 'Clicking share on an article opens an empty window.'],
  login: ['Cannot sign in on mobile', 'Two-factor codes arrive late on Android phones.'],
  invoice: ['Invoice layout', 'The VAT line overlaps the company logo in printed PDFs.'],
} as const;

const publish = (s: DeskSetup, version: string) =>
  call(s.app, s.agent, 'POST', `/v1/products/${s.productId}/releases`, {
    version,
    publishedOn: '2026-03-02',
  });

async function knownIssue(s: DeskSetup, body: Record<string, unknown> = {}) {
  const res = await call(s.app, s.agent, 'POST', '/v1/known-issues', {
    productId: s.productId,
    title: 'Posting to the forum fails',
    description: 'A third-party site rejects the post; fixed in the next release.',
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const link = (s: DeskSetup, ticketId: string, knownIssueId: string) =>
  call(s.app, s.agent, 'POST', `/v1/tickets/${ticketId}/known-issue`, { knownIssueId });

const ticketOf = async (s: DeskSetup, id: string) =>
  (await call(s.app, s.agent, 'GET', `/v1/tickets/${id}`)).json();

describe('known issues: which release fixes one (semver)', () => {
  it.each([
    ['1.2.0', '1.2.0', true],
    ['1.2.0', '1.2.1', true],
    ['1.2.0', '2.0.0', true],
    ['1.2.0', '1.1.9', false],
    ['1.2.0', '1.2.0-rc.1', false],
    ['1.2.0', '1.3.0-rc.1', false],
    ['1.2.0-rc.2', '1.2.0-rc.10', true],
    ['1.2.0-rc.2', '1.2.0', true],
    ['1.2.0', '1.2.0+build.7', true],
  ])('R2.12: planned for %s, release %s fixes it: %s', (planned, version, fixed) => {
    expect(isFixedBy(planned, version)).toBe(fixed);
  });
});

describeDb('known issues (R2.12, S1 ticket desk)', (getDb) => {
  it('R2.12 (S1): publishing a release ≥ the fix version closes the linked open tickets as known-issue-fixed and tells each requester', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const colleague = await signInCustomer(
      db,
      s.orgId,
      'customer-user',
      new Date(START.getTime() + 60 * 86_400_000),
    );
    const issue = await knownIssue(s, { fixedInVersion: '1.2.0' });
    expect(issue).toMatchObject({ status: 'open', fixedInVersion: '1.2.0', openTicketCount: 0 });
    const t1 = await ticketAbout(s, 'forum');
    const t2 = await ticketAbout(s, 'blog', colleague);
    const t3 = await ticketAbout(s, 'login');
    const unlinked = await ticketAbout(s, 'invoice');
    for (const t of [t1, t2, t3]) {
      const linked = await link(s, t.id, issue.id);
      expect(linked.statusCode, linked.body).toBe(200);
      expect(linked.json().knownIssueId).toBe(issue.id);
    }
    expect(
      (await call(s.app, s.agent, 'POST', `/v1/tickets/${t3.id}/close`, { reason: 'by-agent' })).statusCode,
    ).toBe(200);
    const listed = await call(s.app, s.agent, 'GET', `/v1/known-issues?productId=${s.productId}`);
    expect(listed.json()).toMatchObject({ items: [{ id: issue.id, openTicketCount: 2 }], nextCursor: null });

    // An earlier version and a prerelease of the fix version fix nothing.
    expect((await publish(s, '1.1.0')).statusCode).toBe(201);
    expect((await publish(s, '1.2.0-rc.1')).statusCode).toBe(201);
    expect((await ticketOf(s, t1.id)).status).toBe('new');

    const release = await publish(s, '1.2.1');
    expect(release.statusCode, release.body).toBe(201);
    for (const t of [t1, t2]) {
      expect(await ticketOf(s, t.id)).toMatchObject({
        status: 'closed',
        closeReason: 'known-issue-fixed',
        closeNote: expect.stringContaining('Fixed in 1.2.1'),
      });
    }
    expect(await ticketOf(s, t3.id)).toMatchObject({ status: 'closed', closeReason: 'by-agent' });
    expect((await ticketOf(s, unlinked.id)).status).toBe('new');
    const fixed = (await call(s.app, s.agent, 'GET', `/v1/known-issues/${issue.id}`)).json();
    expect(fixed).toMatchObject({ status: 'fixed', fixedReleaseId: release.json().id, openTicketCount: 0 });
    // The customer sees its ticket closed; one notice per requester names the version.
    expect((await call(s.app, s.customer, 'GET', `/v1/tickets/${t1.id}`)).json().closeReason).toBe(
      'known-issue-fixed',
    );
    const notices = await db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '=', 'known-issue.fixed')
      .execute();
    expect(
      notices.map((n) => n.payload).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      [
        { accountId: s.customer.accountId, ticketIds: [t1.id] },
        { accountId: colleague.accountId, ticketIds: [t2.id] },
      ]
        .map((n) => ({
          ...n,
          knownIssueId: issue.id,
          title: issue.title,
          version: '1.2.1',
          releaseId: release.json().id,
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });

  it('R2.12 (S1): planning the fix for a version already released closes the linked tickets at once; a fixed issue keeps its version', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const shipped = await publish(s, '2.0.0');
    expect(shipped.statusCode).toBe(201);
    const issue = await knownIssue(s);
    const t1 = await ticketAbout(s, 'forum');
    expect((await link(s, t1.id, issue.id)).statusCode).toBe(200);

    const later = await call(s.app, s.agent, 'PATCH', `/v1/known-issues/${issue.id}`, {
      fixedInVersion: '3.0.0',
    });
    expect(later.json()).toMatchObject({ status: 'open', fixedInVersion: '3.0.0', openTicketCount: 1 });
    const now = await call(s.app, s.agent, 'PATCH', `/v1/known-issues/${issue.id}`, {
      fixedInVersion: '2.0.0',
    });
    expect(now.statusCode, now.body).toBe(200);
    expect(now.json()).toMatchObject({
      status: 'fixed',
      fixedReleaseId: shipped.json().id,
      openTicketCount: 0,
    });
    expect(await ticketOf(s, t1.id)).toMatchObject({ status: 'closed', closeReason: 'known-issue-fixed' });

    const again = await call(s.app, s.agent, 'PATCH', `/v1/known-issues/${issue.id}`, {
      fixedInVersion: '2.1.0',
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.message).toContain('body.fixedInVersion');
    // A ticket linked to an issue already fixed closes at once: the fix is out.
    const t2 = await ticketAbout(s, 'blog');
    const linked = await link(s, t2.id, issue.id);
    expect(linked.json()).toMatchObject({
      status: 'closed',
      closeReason: 'known-issue-fixed',
      knownIssueId: issue.id,
    });
  });

  it('R2.12 (S1) errors: another product’s issue → 400 naming body.knownIssueId; none → 422; a closed ticket → 409; a bad version → 400', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const otherProduct = await createProduct(db, { planKey: PRESET.S1 });
    const foreign = await knownIssue(s, { productId: otherProduct });
    const t1 = await ticketAbout(s, 'forum');

    const wrong = await link(s, t1.id, foreign.id);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'body.knownIssueId', rule: 'same_product' }],
    });
    const missing = await link(s, t1.id, 'kis_00000000000000000000000000');
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.message).toContain('body.knownIssueId');
    expect((await ticketOf(s, t1.id)).knownIssueId).toBeNull();

    const issue = await knownIssue(s);
    await call(s.app, s.agent, 'POST', `/v1/tickets/${t1.id}/close`, { reason: 'by-agent' });
    expect((await link(s, t1.id, issue.id)).statusCode).toBe(409);
    expect((await link(s, 'tkt_missing', issue.id)).statusCode).toBe(404);

    const badVersion = await call(s.app, s.agent, 'POST', '/v1/known-issues', {
      productId: s.productId,
      title: 'x',
      description: 'y',
      fixedInVersion: 'v1.2',
    });
    expect(badVersion.statusCode).toBe(400);
    expect(badVersion.json().error.message).toContain('body.fixedInVersion');
    const noProduct = await call(s.app, s.agent, 'POST', '/v1/known-issues', {
      productId: 'prd_missing',
      title: 'x',
      description: 'y',
    });
    expect(noProduct.statusCode).toBe(422);
    expect(
      (await call(s.app, s.agent, 'PATCH', '/v1/known-issues/kis_missing', { title: 'z' })).statusCode,
    ).toBe(404);
  });

  it('R2.12 (S1) security: known issues are for staff (a customer gets 403); another organisation’s customer cannot see a linked ticket (404)', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const issue = await knownIssue(s);
    const t1 = await ticketAbout(s, 'forum');
    const asCustomer = [
      call(s.app, s.customer, 'POST', '/v1/known-issues', {
        productId: s.productId,
        title: 'x',
        description: 'y',
      }),
      call(s.app, s.customer, 'GET', `/v1/known-issues?productId=${s.productId}`),
      call(s.app, s.customer, 'GET', `/v1/known-issues/${issue.id}`),
      call(s.app, s.customer, 'PATCH', `/v1/known-issues/${issue.id}`, { fixedInVersion: '1.0.0' }),
      call(s.app, s.customer, 'POST', `/v1/tickets/${t1.id}/known-issue`, { knownIssueId: issue.id }),
    ];
    for (const res of await Promise.all(asCustomer)) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect((await link(s, t1.id, issue.id)).statusCode).toBe(200);
    expect((await call(s.app, s.stranger, 'GET', `/v1/tickets/${t1.id}`)).statusCode).toBe(404);
    expect((await ticketOf(s, t1.id)).knownIssueId).toBe(issue.id);
    const after = (await call(s.app, s.agent, 'GET', `/v1/known-issues/${issue.id}`)).json();
    expect(after).toMatchObject({ fixedInVersion: null, status: 'open' });
  });
});
