import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { handleInboundMail } from '../../src/server/mail/inbound/inbound-mail.service.ts';
import { replyAddress, replyToken } from '../../src/server/mail/mail-tokens.ts';
import { asSession, signIn, testSealingKey } from '../server/app-helpers.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, openTicket } from '../tickets/ticket-fixtures.ts';
import {
  collectingLog,
  inboundRows,
  keys,
  type MailSetup,
  mailConfig,
  mailSetup,
  outboxRows,
  SUPPORT,
  smtpDialog,
} from './mail-in-fixtures.ts';

const u32be = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type), data]);
  return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
}
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  pngChunk('IHDR', Buffer.concat([u32be(1), u32be(1), Buffer.from([8, 6, 0, 0, 0])])),
  pngChunk('IEND', Buffer.alloc(0)),
]);
const EXE = (() => {
  const bytes = Buffer.alloc(0x98);
  bytes.write('MZ', 0);
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
})();

let open: MailSetup | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function setup(...args: Parameters<typeof mailSetup>): Promise<MailSetup> {
  open = await mailSetup(...args);
  return open;
}

describeDb('email in: the SMTP receiver on loopback (issue 5 §4, R2.1)', (getDb) => {
  const tickets = (organisationId: string) =>
    getDb()
      .db.selectFrom('tickets')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('id')
      .execute();
  const messages = (ticketId: string) =>
    getDb()
      .db.selectFrom('ticket_messages')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();

  it('a new mail under a plan that takes email opens a ticket on the email channel', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    const info = await s.transport.sendMail({
      from: `Jane Customer <${s.customerEmail}>`,
      to: SUPPORT,
      subject: 'Export fails',
      text: 'PDF export fails with error 500 since 2.1.0.',
    });
    expect(info.response).toMatch(/^250 .*accepted as inm_/);
    const [row, ...more] = await inboundRows(db);
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      status: 'ticket-opened',
      organisation_id: s.orgId,
      account_id: s.customer.accountId,
      from_address: s.customerEmail,
      subject: 'Export fails',
      envelope_from: s.customerEmail,
      envelope_to: [SUPPORT],
      reason: null,
    });
    const [ticket] = await tickets(s.orgId);
    expect(ticket).toMatchObject({
      id: row?.ticket_id,
      channel: 'email',
      subject: 'Export fails',
      product_id: s.productId,
      category_id: 'support', // the plan's first category (S0 has one)
      requester_account_id: s.customer.accountId,
      status: 'new',
    });
    const [first] = await messages(ticket?.id ?? '');
    expect(first).toMatchObject({
      author_kind: 'customer',
      body: 'PDF export fails with error 500 since 2.1.0.',
    });
    expect((await outboxRows(db, 'ticket.created')).map((o) => o.payload)).toEqual([
      expect.objectContaining({ ticketId: ticket?.id }),
    ]);
    // Handled normally: only the header section is kept.
    expect(row?.source?.length).toBeLessThan(row?.size_bytes ?? 0);
  });

  it('a reply threads by its signed token (reply address or In-Reply-To), quoted history stripped', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Export fails',
      text: 'It fails.',
    });
    const [ticket] = await tickets(s.orgId);
    const ticketId = ticket?.id ?? '';
    s.clock.advance(60_000);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: replyAddress(keys, SUPPORT, ticketId),
      subject: 'Re: Export fails',
      text: 'It still fails after 2.1.1.\n\nOn Mon, 2 Mar 2026 at 10:00, Upkeep Support <support@upkeep.test> wrote:\n> Please try 2.1.1.\n',
    });
    s.clock.advance(60_000);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Re: Export fails',
      inReplyTo: `<${replyToken(keys, ticketId)}@upkeep.test>`,
      references: [`<${replyToken(keys, ticketId)}@upkeep.test>`],
      text: 'Log attached next time.\n> quoted',
    });
    const rows = await inboundRows(db);
    expect(rows.map((r) => [r.status, r.ticket_id])).toEqual([
      ['ticket-opened', ticketId],
      ['reply-added', ticketId],
      ['reply-added', ticketId],
    ]);
    expect((await messages(ticketId)).map((m) => [m.author_kind, m.body])).toEqual([
      ['customer', 'It fails.'],
      ['customer', 'It still fails after 2.1.1.'],
      ['customer', 'Log attached next time.'],
    ]);
    expect(await tickets(s.orgId)).toHaveLength(1);
    expect(await outboxRows(db, 'ticket.replied')).toHaveLength(2);
  });

  it('a forged or altered token is no token: the mail opens a new ticket', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    await s.transport.sendMail({ from: s.customerEmail, to: SUPPORT, subject: 'First', text: 'One.' });
    const [ticket] = await tickets(s.orgId);
    const genuine = replyToken(keys, ticket?.id ?? '');
    const last = genuine.at(-1) === 'a' ? 'b' : 'a';
    const altered = `${genuine.slice(0, -1)}${last}`;
    await s.transport.sendMail({
      from: s.customerEmail,
      to: `support+${altered}@upkeep.test`,
      subject: 'Re: First',
      text: 'Second.',
    });
    const rows = await inboundRows(db);
    expect(rows.map((r) => r.status)).toEqual(['ticket-opened', 'ticket-opened']);
    expect(rows[1]?.ticket_id).not.toBe(ticket?.id);
    expect(await messages(ticket?.id ?? '')).toHaveLength(1);
    expect(await tickets(s.orgId)).toHaveLength(2);
  });

  it('a GENUINE token of organisation A’s ticket from organisation B’s customer is quarantined; the ticket is unchanged', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    await s.transport.sendMail({ from: s.customerEmail, to: SUPPORT, subject: 'Ours', text: 'Private.' });
    const [before] = await tickets(s.orgId);
    const ticketId = before?.id ?? '';
    const outboxBefore = (await outboxRows(db)).length;
    s.clock.advance(60_000);
    await s.transport.sendMail({
      from: s.strangerEmail,
      to: replyAddress(keys, SUPPORT, ticketId),
      subject: 'Re: Ours',
      text: 'Injected by another organisation.',
    });
    const rows = await inboundRows(db);
    const spoofed = rows[1];
    expect(spoofed).toMatchObject({ status: 'quarantined', ticket_id: null, organisation_id: s.otherOrgId });
    expect(spoofed?.reason).toContain(`ticket ${ticketId} of another organisation (${s.orgId})`);
    const [after] = await tickets(s.orgId);
    expect(after).toEqual(before);
    expect(await messages(ticketId)).toHaveLength(1);
    expect(await outboxRows(db)).toHaveLength(outboxBefore);
    expect(s.log.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'inbound mail quarantined',
    ]);
    // Quarantine keeps the whole mail, for agents to see and admins to download.
    expect(spoofed?.source?.length).toBe(spoofed?.size_bytes);
    const list = await call(s.app, s.agent, 'GET', '/v1/inbound-mail?status=quarantined');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([spoofed?.id]);
    const detail = await call(s.app, s.agent, 'GET', `/v1/inbound-mail/${spoofed?.id}`);
    expect(detail.json()).toMatchObject({
      status: 'quarantined',
      sourceKept: 'full',
      fromAddress: s.strangerEmail,
    });
    expect(detail.json().headers).toContainEqual({ name: 'Subject', value: 'Re: Ours' });
    expect((await call(s.app, s.agent, 'GET', `/v1/inbound-mail/${spoofed?.id}/source`)).statusCode).toBe(
      403,
    );
    const admin = await signIn(db, 'admin', new Date(s.clock.now().getTime() + 60 * 86_400_000));
    const source = await s.app.inject(
      asSession(admin, { method: 'GET', url: `/v1/inbound-mail/${spoofed?.id}/source` }),
    );
    expect(source.statusCode).toBe(200);
    expect(source.headers['content-type']).toBe('message/rfc822');
    expect(source.headers['content-disposition']).toContain('attachment');
    expect(source.rawPayload.equals(Buffer.from(spoofed?.source ?? new Uint8Array()))).toBe(true);
    expect(source.body).toContain('Injected by another organisation.');
    // Customers never see the inbound log.
    expect((await call(s.app, s.customer, 'GET', '/v1/inbound-mail')).statusCode).toBe(403);
  });

  it('an unknown sender is quarantined and logged, with no answer and no ticket', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    await s.transport.sendMail({
      from: 'someone@unknown.test',
      to: SUPPORT,
      subject: 'Hello',
      text: 'Who are you?',
    });
    const [row] = await inboundRows(db);
    expect(row).toMatchObject({ status: 'quarantined', organisation_id: null, ticket_id: null });
    expect(row?.reason).toBe('unknown sender: someone@unknown.test is not an active customer account');
    expect(await outboxRows(db)).toEqual([]);
    expect(await tickets(s.orgId)).toEqual([]);
    expect(s.log.entries.find((e) => e.level === 'warn')?.fields).toMatchObject({
      status: 'quarantined',
      from: 'someone@unknown.test',
    });
  });

  it('a portal-only plan (S1) answers once per sender per day with a pointer and opens no ticket', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S1);
    for (const subject of ['Question one', 'Question two']) {
      await s.transport.sendMail({ from: s.customerEmail, to: SUPPORT, subject, text: 'Help please.' });
      s.clock.advance(3_600_000);
    }
    expect((await inboundRows(db)).map((r) => r.status)).toEqual([
      'portal-pointer-sent',
      'portal-pointer-sent',
    ]);
    const pointers = await outboxRows(db, 'mail.portal-pointer');
    expect(pointers).toHaveLength(1);
    expect(pointers[0]).toMatchObject({
      recipient: s.customerEmail,
      organisation_id: s.orgId,
      dedupe_key: `portal-pointer:${s.customer.accountId}:2026-03-02`,
    });
    expect(pointers[0]?.payload).toMatchObject({
      accountId: s.customer.accountId,
      subject: 'Question one',
      portalUrl: expect.stringMatching(/^http/),
    });
    expect(await tickets(s.orgId)).toEqual([]);
    // The next day, the next pointer.
    s.clock.advance(24 * 3_600_000);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Question three',
      text: 'Again.',
    });
    expect(await outboxRows(db, 'mail.portal-pointer')).toHaveLength(2);
    // A reply by mail to an S1 ticket opened on the portal gets the pointer too (no support via email).
    const ticket = await openTicket(s, { categoryId: 'question' });
    await s.transport.sendMail({
      from: s.customerEmail,
      to: replyAddress(keys, SUPPORT, ticket.id),
      subject: 'Re: The export fails',
      text: 'By mail.',
    });
    const last = (await inboundRows(db)).at(-1);
    expect(last).toMatchObject({ status: 'portal-pointer-sent' });
    expect(last?.reason).toContain(`ticket ${ticket.id} takes replies on the portal only`);
    expect(await messages(ticket.id)).toHaveLength(1);
  });

  it('auto-replies, bulk mail and bounces are ignored: no answer, no ticket, no outbox row', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S1);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Out of office',
      text: 'I am away.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Newsletter',
      text: 'News.',
      headers: { Precedence: 'bulk' },
    });
    const bounce = await smtpDialog(s.receiver.port, [
      'EHLO mailer.test',
      'MAIL FROM:<>',
      `RCPT TO:<${SUPPORT}>`,
      'DATA',
      `From: Mail Delivery System <mailer-daemon@customer.test>\r\nTo: ${SUPPORT}\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nThe mail could not be delivered.\r\n.`,
      'QUIT',
    ]);
    expect(bounce.filter((r) => r.startsWith('250 ')).at(-1)).toMatch(/accepted as inm_/);
    const rows = await inboundRows(db);
    expect(rows.map((r) => [r.status, r.reason])).toEqual([
      ['auto-reply-ignored', 'automatic mail (Auto-Submitted: auto-replied)'],
      ['auto-reply-ignored', 'automatic mail (Precedence: bulk)'],
      ['auto-reply-ignored', 'automatic mail (empty envelope sender MAIL FROM:<>, a bounce)'],
    ]);
    expect(rows[2]?.envelope_from).toBeNull();
    expect(await outboxRows(db)).toEqual([]);
    expect(await tickets(s.orgId)).toEqual([]);
  });

  it('an auto-reply that carries a genuine token of its own ticket is still ignored', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Export fails',
      text: 'It fails.',
    });
    const [ticket] = await tickets(s.orgId);
    const outboxBefore = (await outboxRows(db)).length;
    await s.transport.sendMail({
      from: s.customerEmail,
      to: replyAddress(keys, SUPPORT, ticket?.id ?? ''),
      subject: 'Automatic reply: Export fails',
      text: 'I am out of the office until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
    });
    expect((await inboundRows(db)).map((r) => r.status)).toEqual(['ticket-opened', 'auto-reply-ignored']);
    expect(await messages(ticket?.id ?? '')).toHaveLength(1);
    expect(await outboxRows(db)).toHaveLength(outboxBefore);
  });

  it('refuses recipients other than the support address (550) and oversize mail at SMTP (552)', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0, { maxBytes: 64 * 1024 });
    await expect(
      s.transport.sendMail({ from: s.customerEmail, to: 'postmaster@upkeep.test', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      s.transport.sendMail({ from: s.customerEmail, to: 'support@elsewhere.test', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      s.transport.sendMail({
        from: s.customerEmail,
        to: SUPPORT,
        subject: 'Big',
        text: 'y'.repeat(100 * 1024),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    // Without announcing SIZE first, the DATA itself is refused.
    const raw = await smtpDialog(s.receiver.port, [
      'HELO big.test',
      `MAIL FROM:<${s.customerEmail}>`,
      `RCPT TO:<${SUPPORT}>`,
      'DATA',
      `From: ${s.customerEmail}\r\nSubject: big\r\n\r\n${'z'.repeat(70 * 1024)}\r\n.`,
      'QUIT',
    ]);
    expect(raw.some((r) => r.startsWith('552 '))).toBe(true);
    const ehlo = await smtpDialog(s.receiver.port, ['EHLO size.test', 'QUIT']);
    expect(ehlo).toContain(`250 SIZE ${64 * 1024}`);
    expect(ehlo.some((r) => /AUTH|STARTTLS/.test(r))).toBe(false);
    expect(await inboundRows(db)).toEqual([]);
    expect(await tickets(s.orgId)).toEqual([]);
  });

  it('attachments pass the portal’s checks: a screenshot and a log are attached, an executable is dropped with a note', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Crash with screenshot',
      text: 'See the attached files.',
      attachments: [
        { filename: 'screen.png', content: PNG, contentType: 'image/png' },
        { filename: 'app.exe', content: EXE, contentType: 'application/octet-stream' },
        { filename: 'server.log', content: Buffer.from('ERROR export failed\n'), contentType: 'text/plain' },
      ],
    });
    const [row] = await inboundRows(db);
    expect(row?.status).toBe('ticket-opened');
    expect(row?.reason).toContain('Attachment “app.exe” was not accepted');
    expect(row?.source?.length).toBe(row?.size_bytes); // something was dropped: the whole mail is kept
    const ticketId = row?.ticket_id ?? '';
    const [message] = await messages(ticketId);
    expect(message?.body).toMatch(
      /^See the attached files\.\n\n\[Attachment “app\.exe” was not accepted: type /,
    );
    const attached = await db
      .selectFrom('ticket_attachments')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .orderBy('original_name')
      .execute();
    expect(attached.map((a) => [a.original_name, a.content_type, a.uploaded_by_account_id])).toEqual([
      ['screen.png', 'image/png', s.customer.accountId],
      ['server.log', 'text/plain', s.customer.accountId],
    ]);
    expect(attached[0]?.sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
    const files = await readdir(s.config.attachmentDir, { recursive: true });
    expect(files.filter((f) => /^[0-9a-f]{2}\/[0-9a-f]{32}$/.test(f))).toHaveLength(2);
  });

  it('survives garbage: nonsense commands, binary bytes, a dropped connection, a headerless message', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    const replies = await smtpDialog(s.receiver.port, [
      'HELLO?? GARBAGE',
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x9b, 0x0d, 0x0a]),
      'EHLO x',
      'MAIL FROM:<not an address',
      `MAIL FROM:<x@unknown.test>`,
      'RCPT TO:<>',
      `RCPT TO:<${SUPPORT}>`,
      'DATA',
      '\x00\x01 no headers at all, just bytes \xff\r\n.',
      'QUIT',
    ]);
    expect(replies[0]).toMatch(/^220 /);
    expect(replies.some((r) => r.startsWith('500 ') || r.startsWith('502 '))).toBe(true);
    // A client that disconnects in the middle of DATA.
    await smtpDialog(
      s.receiver.port,
      ['HELO cut.test', `MAIL FROM:<x@y.test>`, `RCPT TO:<${SUPPORT}>`, 'DATA', 'Subject: half'],
      1000,
    );
    const info = await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Still there?',
      text: 'Yes.',
    });
    expect(info.response).toMatch(/^250 /);
    const rows = await inboundRows(db);
    expect(rows.map((r) => r.status)).toEqual(['quarantined', 'ticket-opened']);
    expect(rows[0]?.reason).toMatch(/^unknown sender/);
  });

  it('when the mail cannot be recorded the answer is 451 and nothing of it is kept; the retry then succeeds', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    await sql`ALTER TABLE inbound_mail RENAME TO inbound_mail_away`.execute(db);
    await expect(
      s.transport.sendMail({
        from: s.customerEmail,
        to: SUPPORT,
        subject: 'Export fails',
        text: 'It fails.',
      }),
    ).rejects.toMatchObject({ responseCode: 451 });
    await sql`ALTER TABLE inbound_mail_away RENAME TO inbound_mail`.execute(db);
    // The ticket was in the same transaction as the row: rolled back with it.
    expect(await tickets(s.orgId)).toEqual([]);
    expect(await outboxRows(db)).toEqual([]);
    await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'Export fails',
      text: 'It fails.',
    });
    expect((await inboundRows(db)).map((r) => r.status)).toEqual(['ticket-opened']);
    expect(await tickets(s.orgId)).toHaveLength(1);
  });

  it('a failure while deciding quarantines the mail with the reason; its half-made ticket is rolled back', async () => {
    const { db } = getDb();
    const base = await mailConfig();
    const notADirectory = join(base.attachmentDir, 'a-file');
    await writeFile(notADirectory, 'x');
    const s = await setup(db, PRESET.S0, { config: { ...base, attachmentDir: notADirectory } });
    const info = await s.transport.sendMail({
      from: s.customerEmail,
      to: SUPPORT,
      subject: 'With screenshot',
      text: 'See screenshot.',
      attachments: [{ filename: 'screen.png', content: PNG }],
    });
    expect(info.response).toMatch(/^250 /);
    const [row] = await inboundRows(db);
    expect(row?.status).toBe('quarantined');
    expect(row?.reason).toMatch(/^processing failed: .*(ENOTDIR|EEXIST|not a directory)/i);
    expect(row?.source?.length).toBe(row?.size_bytes);
    expect(await tickets(s.orgId)).toEqual([]);
    expect(await outboxRows(db)).toEqual([]);
    expect(s.log.entries.some((e) => e.level === 'error')).toBe(true);
  });

  it('the inbound log pages newest first and filters; a handled mail keeps only its headers', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    await s.transport.sendMail({ from: s.customerEmail, to: SUPPORT, subject: 'One', text: 'One.' });
    await s.transport.sendMail({ from: 'nobody@unknown.test', to: SUPPORT, subject: 'Two', text: 'Two.' });
    await s.transport.sendMail({ from: s.customerEmail, to: SUPPORT, subject: 'Three', text: 'Three.' });
    const first = await call(s.app, s.agent, 'GET', '/v1/inbound-mail?limit=2');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items.map((i: { subject: string }) => i.subject)).toEqual(['Three', 'Two']);
    const next = await call(
      s.app,
      s.agent,
      'GET',
      `/v1/inbound-mail?limit=2&cursor=${first.json().nextCursor}`,
    );
    expect(next.json()).toMatchObject({
      items: [{ subject: 'One', sourceKept: 'headers' }],
      nextCursor: null,
    });
    const own = await call(
      s.app,
      s.agent,
      'GET',
      `/v1/inbound-mail?organisationId=${s.orgId}&status=ticket-opened`,
    );
    expect(own.json().items.map((i: { subject: string }) => i.subject)).toEqual(['Three', 'One']);
    expect((await call(s.app, s.agent, 'GET', '/v1/inbound-mail?status=lost')).statusCode).toBe(400);
    const handled = next.json().items[0];
    const detail = await call(s.app, s.agent, 'GET', `/v1/inbound-mail/${handled.id}`);
    expect(detail.json().headers).toContainEqual({ name: 'Subject', value: 'One' });
    const admin = await signIn(db, 'admin', new Date(s.clock.now().getTime() + 60 * 86_400_000));
    const source = await s.app.inject(
      asSession(admin, { method: 'GET', url: `/v1/inbound-mail/${handled.id}/source` }),
    );
    expect(source.statusCode).toBe(404);
    expect(source.json().error.message).toContain('Only the headers');
    expect(
      (await call(s.app, s.agent, 'GET', '/v1/inbound-mail/inm_00000000000000000000000000')).statusCode,
    ).toBe(404);
  });

  it('a repeated delivery of the same mail (same Message-ID, sender, size) changes nothing', async () => {
    const { db } = getDb();
    const s = await setup(db, PRESET.S0);
    const raw = Buffer.from(
      `From: ${s.customerEmail}\r\nTo: ${SUPPORT}\r\nSubject: Twice\r\nMessage-ID: <once@customer.test>\r\n\r\nSent twice.\r\n`,
    );
    const deps = {
      db,
      config: s.config,
      sealingKey: testSealingKey,
      clock: s.clock.now,
      log: collectingLog(),
    };
    const envelope = { mailFrom: s.customerEmail, rcptTo: [SUPPORT] };
    const first = await handleInboundMail(deps, raw, envelope);
    const again = await handleInboundMail(deps, raw, envelope);
    expect(first.status).toBe('ticket-opened');
    expect(again).toMatchObject({ id: first.id, status: 'ticket-opened', ticketId: first.ticketId });
    expect(await inboundRows(db)).toHaveLength(1);
    expect(await tickets(s.orgId)).toHaveLength(1);
  });
});
