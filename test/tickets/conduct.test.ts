import { expect, it } from 'vitest';
import { insertFlag } from '../../src/server/tickets/ticket-automations.ts';
import { apiKeyWith, withKey } from '../server/app-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, type DeskSetup, deskSetup, openTicket } from './ticket-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');
const S1_TERMS = [{ startsOn: '2026-01-01', endsOn: '2026-07-01' }];
const HOUR = 3_600_000;

/** A fresh question each time: similar texts would close the older ticket as a duplicate (R2.8). */
let questions = 0;
function question(): { categoryId: string; subject: string; description: string } {
  questions += 1;
  return {
    categoryId: 'question',
    subject: `Question ${questions} about widget ${questions * 7}`,
    description: `Widget number ${questions * 7} shows error ${1000 + questions} on page ${questions * 3}.`,
  };
}

async function refusedTicket(s: DeskSetup) {
  const res = await call(s.app, s.customer, 'POST', '/v1/tickets', { productId: s.productId, ...question() });
  expect(res.statusCode, res.body).toBe(422);
  return res.json().error;
}

async function openFlags(s: DeskSetup) {
  const res = await call(s.app, s.agent, 'GET', '/v1/ticket-flags?status=open');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as {
    id: string;
    kind: string;
    ticketId: string | null;
    detail: { terms?: string[] };
  }[];
}

describeDb('help desk: conduct flags and refusals (R1.3–R1.5)', (getDb) => {
  it('R1.3 (S1): abusive message → flag → agent confirms → next ticket refused SUPPORT_REVOKED → restriction lifted → ticket accepted', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const ticket = await openTicket(s, question());
    s.clock.advance(60_000);
    const abusive = await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, {
      body: 'You are a bunch of idiots.',
    });
    expect(abusive.statusCode, abusive.body).toBe(201);
    const [flag, ...more] = await openFlags(s);
    expect(more).toEqual([]);
    expect(flag).toMatchObject({
      kind: 'abuse',
      status: 'open',
      ticketId: ticket.id,
      messageId: abusive.json().message.id,
      organisationId: s.orgId,
      restrictionId: null,
    });
    expect(flag?.detail.terms).toContain('idiot');

    s.clock.advance(HOUR);
    const confirmed = await call(s.app, s.agent, 'POST', `/v1/ticket-flags/${flag?.id}/confirm`, {
      note: 'Insults in ticket, confirmed',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({
      status: 'confirmed',
      decidedBy: s.agent.accountId,
      decisionNote: 'Insults in ticket, confirmed',
      decidedAt: s.clock.now().toISOString(),
    });
    const restrictionId = confirmed.json().restrictionId;
    expect(restrictionId).toMatch(/^rst_/);

    // The customer sees the revocation and its reason (R1.3); its admin is emailed.
    const seen = await call(s.app, s.customer, 'GET', `/v1/organisations/${s.orgId}/restrictions`);
    expect(seen.json().items).toEqual([
      expect.objectContaining({
        id: restrictionId,
        kind: 'revocation',
        reason: 'abuse',
        revokes: ['support', 'updates', 'refund'],
        note: 'Insults in ticket, confirmed',
        active: true,
      }),
    ]);
    const mails = await db
      .selectFrom('outbox')
      .select('topic')
      .where('topic', '=', 'customer.restriction-recorded')
      .execute();
    expect(mails).toHaveLength(1);
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'actor_account_id'])
      .where('subject_id', '=', flag?.id ?? '')
      .execute();
    expect(audit).toEqual([{ action: 'ticket-flag.confirmed', actor_account_id: s.agent.accountId }]);

    s.clock.advance(HOUR);
    const refused = await refusedTicket(s);
    expect(refused).toMatchObject({ code: 'TICKET_REFUSED', details: { reason: 'SUPPORT_REVOKED' } });
    expect(refused.message).toContain('abuse');

    const lifted = await call(
      s.app,
      s.agent,
      'POST',
      `/v1/organisations/${s.orgId}/restrictions/${restrictionId}/lift`,
      { note: 'Apologised in writing' },
    );
    expect(lifted.statusCode, lifted.body).toBe(200);
    s.clock.advance(HOUR);
    const accepted = await openTicket(s, question());
    expect(accepted.status).toBe('new');
  });

  it('R1.3 (S1): a flag decides once — a second confirm or a dismiss after it is 409 TICKET_STATE_CONFLICT, nothing more recorded', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    await openTicket(s, { ...question(), description: 'Your support staff are morons, fix it now.' });
    const [flag] = await openFlags(s);
    expect(flag?.ticketId).toBeTruthy();
    const note = { note: 'confirmed' };
    expect(
      (await call(s.app, s.agent, 'POST', `/v1/ticket-flags/${flag?.id}/confirm`, note)).statusCode,
    ).toBe(200);
    const again = await call(s.app, s.agent, 'POST', `/v1/ticket-flags/${flag?.id}/confirm`, note);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'TICKET_STATE_CONFLICT',
      details: { status: 'confirmed' },
    });
    const dismiss = await call(s.app, s.agent, 'POST', `/v1/ticket-flags/${flag?.id}/dismiss`, note);
    expect(dismiss.statusCode).toBe(409);
    expect(await db.selectFrom('organisation_restrictions').select('id').execute()).toHaveLength(1);
    const listed = await call(s.app, s.agent, 'GET', '/v1/ticket-flags?status=confirmed');
    expect(listed.json().items.map((f: { id: string }) => f.id)).toEqual([flag?.id]);
    expect((await call(s.app, s.agent, 'GET', '/v1/ticket-flags?status=open')).json().items).toEqual([]);
  });

  it('R1.3 (S1): a dismissed flag records nothing against the customer; the next ticket is accepted', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    await openTicket(s, {
      ...question(),
      description: 'The idiot-proof wizard crashes; what an idiot design.',
    });
    const [flag] = await openFlags(s);
    const res = await call(s.app, s.agent, 'POST', `/v1/ticket-flags/${flag?.id}/dismiss`, {
      note: 'About the design, not a person',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'dismissed', restrictionId: null });
    expect(await db.selectFrom('organisation_restrictions').select('id').execute()).toEqual([]);
    s.clock.advance(HOUR);
    expect((await openTicket(s, question())).status).toBe('new');
  });

  it('R1.5 (S1): a confirmed flooding flag suspends support (reason flooding); a second flood flag joins the same suspension', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const ticket = await openTicket(s, question());
    for (const body of ['hello?', 'anyone?', 'HELLO???', 'answer!!']) {
      s.clock.advance(60_000);
      await call(s.app, s.customer, 'POST', `/v1/tickets/${ticket.id}/messages`, { body });
    }
    const flags = await openFlags(s);
    expect(flags.map((f) => f.kind)).toEqual(['flooding', 'flooding']);
    const first = await call(s.app, s.agent, 'POST', `/v1/ticket-flags/${flags[0]?.id}/confirm`, {
      note: 'Four posts in four minutes',
    });
    expect(first.statusCode, first.body).toBe(200);
    const second = await call(s.app, s.agent, 'POST', `/v1/ticket-flags/${flags[1]?.id}/confirm`, {
      note: 'Same burst',
    });
    expect(second.json().restrictionId).toBe(first.json().restrictionId);
    const restrictions = await db.selectFrom('organisation_restrictions').selectAll().execute();
    expect(restrictions).toMatchObject([{ kind: 'suspension', reason: 'flooding', revokes: ['support'] }]);
    s.clock.advance(HOUR);
    expect(await refusedTicket(s)).toMatchObject({ details: { reason: 'SUPPORT_SUSPENDED' } });
  });

  it('R1.5 (S0): a flooding flag confirmed under a plan that lists no flooding reason records no suspension', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S0, [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }], START);
    await db.transaction().execute((trx) =>
      insertFlag(trx, {
        ticketId: null,
        messageId: null,
        organisationId: s.orgId,
        kind: 'flooding',
        detail: { what: 'new tickets', inWindow: 9 },
        now: START,
      }),
    );
    const [flag] = await openFlags(s);
    const res = await call(s.app, s.agent, 'POST', `/v1/ticket-flags/${flag?.id}/confirm`, { note: 'yes' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'confirmed', restrictionId: null, detail: { inWindow: 9 } });
    expect(await db.selectFrom('organisation_restrictions').select('id').execute()).toEqual([]);
  });

  it('R1.4 (S1): an agent records refusing-to-answer; the next ticket is refused SUPPORT_SUSPENDED and listed in the refusals', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    const recorded = await call(s.app, s.agent, 'POST', `/v1/organisations/${s.orgId}/restrictions`, {
      kind: 'suspension',
      reason: 'refusing-to-answer',
      note: 'Did not answer three questions about the server',
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const error = await refusedTicket(s);
    expect(error.details.reason).toBe('SUPPORT_SUSPENDED');
    expect(error.message).toContain('refusing-to-answer');

    const mine = await call(s.app, s.customer, 'GET', '/v1/ticket-refusals');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toEqual({
      items: [
        expect.objectContaining({
          id: error.details.refusalId,
          organisationId: s.orgId,
          reason: 'SUPPORT_SUSPENDED',
          message: error.message,
          subject: expect.stringMatching(/^Question /),
          createdAt: START.toISOString(),
        }),
      ],
      nextCursor: null,
    });
  });

  it('refusals: newest first in pages; staff see all or filter by organisation; another organisation’s customer sees none', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    await call(s.app, s.agent, 'POST', `/v1/organisations/${s.orgId}/restrictions`, {
      kind: 'suspension',
      reason: 'misleading-claims',
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await refusedTicket(s)).details.refusalId);
    const page1 = (await call(s.app, s.agent, 'GET', '/v1/ticket-refusals?limit=2')).json();
    expect(page1.items.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    const page2 = (
      await call(s.app, s.agent, 'GET', `/v1/ticket-refusals?limit=2&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    const filtered = await call(s.app, s.agent, 'GET', `/v1/ticket-refusals?organisationId=${s.otherOrgId}`);
    expect(filtered.json().items).toEqual([]);
    const stranger = await call(s.app, s.stranger, 'GET', `/v1/ticket-refusals?organisationId=${s.orgId}`);
    expect(stranger.statusCode).toBe(200);
    expect(stranger.json().items).toEqual([]);
    const bad = await call(s.app, s.agent, 'GET', '/v1/ticket-refusals?limit=0');
    expect(bad.statusCode).toBe(400);
  });

  it('flags security: customers get 403 on the staff routes, an API key may list but not decide, bad input is 400, an unknown flag 404', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, S1_TERMS, START);
    await openTicket(s, { ...question(), description: 'You are stupid people.' });
    const [flag] = await openFlags(s);
    const url = `/v1/ticket-flags/${flag?.id}/confirm`;
    for (const who of [s.customer, s.stranger]) {
      expect((await call(s.app, who, 'GET', '/v1/ticket-flags')).statusCode).toBe(403);
      expect((await call(s.app, who, 'POST', url, { note: 'x' })).statusCode).toBe(403);
    }
    const key = await apiKeyWith(db, ['tickets:read', 'tickets:write'], START);
    const listed = await s.app.inject(withKey(key, { method: 'GET', url: '/v1/ticket-flags' }));
    expect(listed.statusCode).toBe(200);
    const byKey = await s.app.inject(withKey(key, { method: 'POST', url, payload: { note: 'x' } }));
    expect(byKey.statusCode).toBe(403);
    const empty = await call(s.app, s.agent, 'POST', url, { note: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0].path).toBe('body.note');
    const badStatus = await call(s.app, s.agent, 'GET', '/v1/ticket-flags?status=pending');
    expect(badStatus.statusCode).toBe(400);
    const missing = await call(s.app, s.agent, 'POST', '/v1/ticket-flags/flg_nope/confirm', { note: 'x' });
    expect(missing.statusCode).toBe(404);
    expect(await db.selectFrom('organisation_restrictions').select('id').execute()).toEqual([]);
    expect((await openFlags(s)).map((f) => f.id)).toEqual([flag?.id]);
  });
});
