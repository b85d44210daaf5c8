import { describe, expect, it } from 'vitest';
import {
  autoReplyReason,
  chooseRoute,
  decideInbound,
  type HeaderLine,
  type InboundFacts,
  isSupportRecipient,
  messageBodyOf,
  newTextOf,
  type RouteFact,
  ticketSubjectOf,
} from '../../src/server/mail/inbound/inbound-decision.ts';
import { parseHeaderLines } from '../../src/server/mail/inbound/inbound-headers.ts';

const h = (name: string, value: string): HeaderLine => ({ name, value });

describe('autoReplyReason: automatic mail is recognised (no answer, no ticket)', () => {
  const cases: [string, HeaderLine[], string | null, string | null][] = [
    ['a person', [h('From', 'a@b.test'), h('Subject', 'Help')], 'a@b.test', null],
    ['Auto-Submitted: no is a person', [h('Auto-Submitted', 'no')], 'a@b.test', null],
    [
      'Auto-Submitted: auto-replied',
      [h('Auto-Submitted', 'auto-replied')],
      'a@b.test',
      'Auto-Submitted: auto-replied',
    ],
    [
      'Auto-Submitted with a comment',
      [h('auto-submitted', 'Auto-Generated; x=1')],
      'a@b.test',
      'Auto-Submitted: auto-generated',
    ],
    ['Precedence: bulk', [h('Precedence', 'bulk')], 'a@b.test', 'Precedence: bulk'],
    ['Precedence: junk', [h('Precedence', 'JUNK')], 'a@b.test', 'Precedence: junk'],
    ['Precedence: list', [h('Precedence', 'list')], 'a@b.test', 'Precedence: list'],
    ['Precedence: first-class is a person', [h('Precedence', 'first-class')], 'a@b.test', null],
    ['X-Autoreply', [h('X-Autoreply', 'yes')], 'a@b.test', 'X-Autoreply header'],
    ['X-Autorespond', [h('X-Autorespond', 'Out of office')], 'a@b.test', 'X-Autorespond header'],
    ['List-Id', [h('List-Id', '<users.lists.example>')], 'a@b.test', 'List-Id: a mailing-list mail'],
    ['a bounce: MAIL FROM:<>', [], '', 'empty envelope sender MAIL FROM:<>, a bounce'],
    ['a null envelope sender', [], null, 'empty envelope sender MAIL FROM:<>, a bounce'],
    [
      'a delivery report',
      [h('Content-Type', 'multipart/report; report-type=delivery-status')],
      'mailer@b.test',
      'Content-Type: multipart/report, a delivery report',
    ],
  ];
  it.each(cases)('%s', (_title, headers, envelopeFrom, expected) => {
    expect(autoReplyReason(headers, envelopeFrom)).toBe(expected);
  });

  it('reads the headers from the raw bytes, folded lines unfolded', () => {
    const raw = Buffer.from(
      'From: a@b.test\r\nAuto-Submitted:\r\n auto-replied\r\nSubject: x\r\n\r\nAuto-Submitted: no (in the body)\r\n',
    );
    const headers = parseHeaderLines(raw);
    expect(headers).toEqual([h('From', 'a@b.test'), h('Auto-Submitted', 'auto-replied'), h('Subject', 'x')]);
    expect(autoReplyReason(headers, 'a@b.test')).toBe('Auto-Submitted: auto-replied');
  });
});

const route = (over: Partial<RouteFact> = {}): RouteFact => ({
  contractId: 'ctr_1',
  productId: 'prd_1',
  productNames: ['Report Builder', 'report-builder'],
  email: 'tickets',
  portal: true,
  categoryId: 'support',
  timeZone: 'UTC',
  ...over,
});
const customer = {
  kind: 'customer',
  accountId: 'acc_a',
  organisationId: 'org_a',
  address: 'a@a.test',
} as const;
const facts = (over: Partial<InboundFacts> = {}): InboundFacts => ({
  autoReply: null,
  sender: customer,
  threads: [],
  routes: [route()],
  subject: 'Export fails',
  ...over,
});

describe('decideInbound: one decision per mail, in a fixed order', () => {
  const desk = { email: 'tickets', portal: true, timeZone: 'UTC' } as const;
  const own = { ticketId: 'tkt_A', organisationId: 'org_a', ...desk };
  const foreign = { ticketId: 'tkt_B', organisationId: 'org_b', ...desk };
  const s1Own = { ...own, email: 'pointer-to-portal', timeZone: 'Europe/Berlin' } as const;
  const pointerRoute = route({ email: 'pointer-to-portal', timeZone: 'Asia/Tokyo' });
  const cases: [string, Partial<InboundFacts>, Record<string, unknown>][] = [
    ['a new mail under an email plan opens a ticket', {}, { action: 'open-ticket', route: route() }],
    ['a reply with its token threads', { threads: [own] }, { action: 'reply', ticketId: 'tkt_A' }],
    [
      'an auto-reply is ignored even with a genuine token (loops stop)',
      { autoReply: 'Auto-Submitted: auto-replied', threads: [own] },
      { action: 'ignore' },
    ],
    [
      'an unknown sender is quarantined',
      { sender: { kind: 'unknown', address: 'x@y.test' } },
      { action: 'quarantine' },
    ],
    ['no From at all is quarantined', { sender: { kind: 'missing' } }, { action: 'quarantine' }],
    [
      'a staff sender is quarantined',
      { sender: { kind: 'staff', accountId: 'acc_s', address: 's@v.test' } },
      { action: 'quarantine' },
    ],
    [
      'a token for another organisation’s ticket is quarantined',
      { threads: [foreign] },
      { action: 'quarantine' },
    ],
    ['… also next to a token of its own', { threads: [own, foreign] }, { action: 'quarantine' }],
    [
      'a portal-only plan answers with a pointer',
      { routes: [pointerRoute] },
      { action: 'portal-pointer', timeZone: 'Asia/Tokyo', ticketId: null },
    ],
    [
      'a reply to a portal-only plan’s ticket is answered with the pointer too',
      { threads: [s1Own] },
      { action: 'portal-pointer', timeZone: 'Europe/Berlin', ticketId: 'tkt_A' },
    ],
    [
      'a reply where the plan takes no email at all is refused',
      { threads: [{ ...own, email: 'off', portal: false }] },
      { action: 'refuse' },
    ],
    [
      'email off goes to the gate (which refuses)',
      { routes: [route({ email: 'off' })] },
      { action: 'open-ticket' },
    ],
    [
      'a pointer plan without a portal goes to the gate',
      { routes: [route({ email: 'pointer-to-portal', portal: false })] },
      { action: 'open-ticket' },
    ],
    ['no contract at all is refused', { routes: [] }, { action: 'refuse' }],
  ];
  it.each(cases)('%s', (_title, over, expected) => {
    expect(decideInbound(facts(over))).toMatchObject(expected);
  });

  it('names the other organisation’s ticket in the quarantine reason', () => {
    const decision = decideInbound(facts({ threads: [foreign] }));
    expect(decision).toMatchObject({ action: 'quarantine' });
    expect((decision as { reason: string }).reason).toContain('tkt_B of another organisation (org_b)');
  });

  it('chooses the contract the subject names, else one that takes email tickets, else the newest', () => {
    const s1 = route({
      contractId: 'ctr_s1',
      email: 'pointer-to-portal',
      productNames: ['Desk Widget', 'desk-widget'],
    });
    const s0 = route({
      contractId: 'ctr_s0',
      email: 'tickets',
      productNames: ['Report Builder', 'report-builder'],
    });
    expect(chooseRoute([s1, s0], 'Export fails')?.contractId).toBe('ctr_s0');
    expect(chooseRoute([s1, s0], 'Question about Desk Widget 2.0')?.contractId).toBe('ctr_s1');
    expect(chooseRoute([s1], 'anything')?.contractId).toBe('ctr_s1');
    expect(chooseRoute([], 'anything')).toBeUndefined();
    // A name inside another word does not count.
    expect(chooseRoute([s1, s0], 'Desk Widgetry')?.contractId).toBe('ctr_s0');
  });
});

describe('newTextOf: the new text above the quoted history', () => {
  const cases: [string, string, string][] = [
    [
      'Gmail',
      'Thanks, it works.\n\nOn Mon, 2 Mar 2026 at 10:00, Upkeep <support@x.test> wrote:\n> Try 2.1.1\n',
      'Thanks, it works.',
    ],
    [
      'split attribution',
      'Still broken.\nOn Mon, 2 Mar 2026 at 10:00, Upkeep Support\n<support@x.test> wrote:\n> Try\n',
      'Still broken.',
    ],
    [
      'Outlook',
      'See log.\r\n\r\n-----Original Message-----\r\nFrom: Support\r\nSent: Monday\r\n',
      'See log.',
    ],
    [
      'Outlook header block',
      'Done.\n\nFrom: Upkeep Support <support@x.test>\nSent: Monday, 2 March 2026 10:00\nTo: me\n',
      'Done.',
    ],
    [
      'German',
      'Geht wieder.\n\nAm 02.03.2026 um 10:00 schrieb Upkeep <support@x.test>:\n> …',
      'Geht wieder.',
    ],
    [
      'interleaved quotes',
      '> question one\nanswer one\n> question two\nanswer two',
      'answer one\nanswer two',
    ],
    ['signature', 'Here it is.\n-- \nJane, ACME IT', 'Here it is.'],
    ['no history', 'Just text\nover two lines', 'Just text\nover two lines'],
  ];
  it.each(cases)('%s', (_title, text, expected) => {
    expect(newTextOf(text)).toBe(expected);
  });
});

describe('message bodies, subjects and recipients', () => {
  it('appends notes about dropped attachments and cuts to the ticket limit', () => {
    expect(messageBodyOf('Hello', [])).toEqual({ body: 'Hello', truncated: false });
    expect(messageBodyOf('', []).body).toBe('(The email had no text.)');
    expect(messageBodyOf('Hello', ['Attachment “a.exe” was not accepted'])).toEqual({
      body: 'Hello\n\n[Attachment “a.exe” was not accepted]',
      truncated: false,
    });
    const long = messageBodyOf('x'.repeat(30_000), ['note']);
    expect(long.truncated).toBe(true);
    expect(long.body.length).toBeLessThanOrEqual(20_000);
    expect(long.body.endsWith('[note]')).toBe(true);
  });

  it('makes one-line ticket subjects without reply prefixes', () => {
    expect(ticketSubjectOf('Re: AW: Fwd: Export fails')).toBe('Export fails');
    expect(ticketSubjectOf('Line\r\nbreak')).toBe('Line break');
    expect(ticketSubjectOf(undefined)).toBe('(no subject)');
    expect(ticketSubjectOf('  ')).toBe('(no subject)');
    expect(ticketSubjectOf('y'.repeat(300))).toHaveLength(200);
  });

  it('accepts the support address and its plus-addresses only', () => {
    const support = 'support@upkeep.test';
    expect(isSupportRecipient('support@upkeep.test', support)).toBe(true);
    expect(isSupportRecipient('SUPPORT@Upkeep.Test', support)).toBe(true);
    expect(isSupportRecipient('support+tkt_x.abc@upkeep.test', support)).toBe(true);
    expect(isSupportRecipient('supporter@upkeep.test', support)).toBe(false);
    expect(isSupportRecipient('support@other.test', support)).toBe(false);
    expect(isSupportRecipient('postmaster@upkeep.test', support)).toBe(false);
    expect(isSupportRecipient('no-at-sign', support)).toBe(false);
  });
});
