import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database-types.ts';
import { MAX_ATTACHMENT_BYTES } from '../../src/server/tickets/attachment-type.ts';
import { asSession, makeApp, type SignedIn, testConfig } from '../server/app-helpers.ts';
import { PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { call, deskSetup, openTicket } from './ticket-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');
const S3_TERMS = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];

const u32be = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type), data]);
  return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
}
/** A 1×1 RGBA PNG screenshot. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  pngChunk('IHDR', Buffer.concat([u32be(1), u32be(1), Buffer.from([8, 6, 0, 0, 0])])),
  pngChunk('IEND', Buffer.alloc(0)),
]);
const LOG = Buffer.from('2026-03-02T10:00:00Z ERROR export failed: clé refusée (日本語)\n');
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
/** A Windows PE: the DOS "MZ" stub pointing at "PE\0\0". */
const EXE = (() => {
  const bytes = Buffer.alloc(0x98);
  bytes.write('MZ', 0);
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
})();

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function attachmentSetup(db: Kysely<Database>) {
  const s = await deskSetup(db, PRESET.S3, S3_TERMS, START);
  const attachmentDir = await mkdtemp(join(tmpdir(), 'upkeep-attachments-'));
  const app = await makeApp(db, s.clock, { config: { ...testConfig, attachmentDir } });
  const ticket = await openTicket({ ...s, app }, { categoryId: '1' });
  return { ...s, app, attachmentDir, ticket };
}

function upload(
  app: FastifyInstance,
  who: SignedIn,
  ticketId: string,
  name: string,
  body: Buffer,
  contentType = 'application/octet-stream',
) {
  return app.inject(
    asSession(who, {
      method: 'POST',
      url: `/v1/tickets/${ticketId}/attachments?name=${encodeURIComponent(name)}`,
      headers: { 'content-type': contentType },
      payload: body,
    }),
  );
}

/** Every file under the store, as paths relative to it (temporary files excluded). */
async function storedFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.parentPath.includes('.incoming'))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describeDb('help desk: ticket attachments (R2.2)', (getDb) => {
  it('R2.2 (S3): a customer attaches a screenshot and a log file; stored under server-chosen names with size and SHA-256, listed and downloaded', async () => {
    const { db } = getDb();
    const s = await attachmentSetup(db);
    const shot = await upload(s.app, s.customer, s.ticket.id, 'screenshot.png', PNG);
    expect(shot.statusCode, shot.body).toBe(201);
    expect(shot.json()).toMatchObject({
      ticketId: s.ticket.id,
      name: 'screenshot.png',
      downloadName: 'screenshot.png',
      contentType: 'image/png',
      sizeBytes: PNG.length,
      sha256: sha256(PNG),
      uploadedByAccountId: s.customer.accountId,
    });
    const log = await upload(s.app, s.agent, s.ticket.id, 'export.log', LOG);
    expect(log.statusCode, log.body).toBe(201);
    expect(log.json()).toMatchObject({ contentType: 'text/plain', downloadName: 'export.log' });

    const files = await storedFiles(s.attachmentDir);
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}$/);
    const rows = await db.selectFrom('ticket_attachments').selectAll().orderBy('id').execute();
    expect(rows.map((r) => r.storage_key).sort()).toEqual(files);
    expect(await readFile(join(s.attachmentDir, rows[0]?.storage_key ?? ''))).toEqual(PNG);

    const listed = await call(s.app, s.customer, 'GET', `/v1/tickets/${s.ticket.id}/attachments`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.map((a: { id: string }) => a.id)).toEqual([shot.json().id, log.json().id]);

    const png = await call(
      s.app,
      s.customer,
      'GET',
      `/v1/tickets/${s.ticket.id}/attachments/${shot.json().id}`,
    );
    expect(png.statusCode).toBe(200);
    expect(png.rawPayload).toEqual(PNG);
    expect(png.headers).toMatchObject({
      'content-type': 'image/png',
      'content-disposition': `attachment; filename="screenshot.png"; filename*=UTF-8''screenshot.png`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'content-length': String(PNG.length),
      etag: `"${sha256(PNG)}"`,
    });
    const text = await call(s.app, s.agent, 'GET', `/v1/tickets/${s.ticket.id}/attachments/${log.json().id}`);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.rawPayload).toEqual(LOG);
    const audit = await db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'ticket.attachment-added')
      .execute();
    expect(audit).toHaveLength(2);
  });

  it('R2.2 (S3): HTML is never served as a page — stored text/plain, saved as .txt; names lose paths and quotes; non-ASCII names use RFC 5987; no name gives attachment.<type>', async () => {
    const { db } = getDb();
    const s = await attachmentSetup(db);
    const page = await upload(s.app, s.customer, s.ticket.id, 'report.png', HTML);
    expect(page.statusCode, page.body).toBe(201);
    expect(page.json()).toMatchObject({ contentType: 'text/plain', downloadName: 'report.png.txt' });
    const got = await call(
      s.app,
      s.customer,
      'GET',
      `/v1/tickets/${s.ticket.id}/attachments/${page.json().id}`,
    );
    expect(got.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(got.headers['content-disposition']).toMatch(/^attachment; /);
    expect(got.headers['content-security-policy']).toContain('sandbox');

    const sneaky = await upload(s.app, s.customer, s.ticket.id, '..\\..\\etc/"pass\u202Ewd".log', LOG);
    expect(sneaky.json()).toMatchObject({ name: 'passwd.log', downloadName: 'passwd.log' });
    const unnamed = await s.app.inject(
      asSession(s.customer, {
        method: 'POST',
        url: `/v1/tickets/${s.ticket.id}/attachments`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: PNG,
      }),
    );
    expect(unnamed.statusCode, unnamed.body).toBe(201);
    expect(unnamed.json()).toMatchObject({ name: 'attachment', downloadName: 'attachment.png' });
    const cyrillic = await upload(s.app, s.customer, s.ticket.id, 'Журнал.log', LOG);
    const named = await call(
      s.app,
      s.customer,
      'GET',
      `/v1/tickets/${s.ticket.id}/attachments/${cyrillic.json().id}`,
    );
    expect(named.headers['content-disposition']).toBe(
      `attachment; filename="______.log"; filename*=UTF-8''${encodeURIComponent('Журнал.log')}`,
    );
  });

  it('R2.2 errors: empty 400, an executable 415 naming its type, over the limit 413, a JSON body 415 — nothing stored', async () => {
    const { db } = getDb();
    const s = await attachmentSetup(db);
    const empty = await upload(s.app, s.customer, s.ticket.id, 'empty.log', Buffer.alloc(0));
    expect(empty.statusCode, empty.body).toBe(400);
    expect(empty.json().error.details[0].path).toBe('body');
    const exe = await upload(s.app, s.customer, s.ticket.id, 'screenshot.png', EXE);
    expect(exe.statusCode).toBe(415);
    expect(exe.json().error).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      details: { detected: 'application/x-msdownload' },
    });
    expect(exe.json().error.message).toContain('application/x-msdownload');
    const big = await upload(
      s.app,
      s.customer,
      s.ticket.id,
      'big.log',
      Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 0x61),
    );
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const json = await upload(
      s.app,
      s.customer,
      s.ticket.id,
      'a.json',
      Buffer.from('{"a":1}'),
      'application/json',
    );
    expect(json.statusCode).toBe(415);
    expect(await db.selectFrom('ticket_attachments').select('id').execute()).toEqual([]);
    expect(await storedFiles(s.attachmentDir)).toEqual([]);
  });

  it('R2.2: a closed or merged ticket takes no attachments (409); a merged duplicate’s files show on the survivor', async () => {
    const { db } = getDb();
    const s = await attachmentSetup(db);
    const before = await upload(s.app, s.customer, s.ticket.id, 'first.log', LOG);
    expect(before.statusCode).toBe(201);
    const survivor = await openTicket(s, {
      categoryId: '1',
      subject: 'Phones reboot',
      description: 'All desk phones reboot every hour.',
    });
    const merged = await call(s.app, s.agent, 'POST', `/v1/tickets/${s.ticket.id}/merge`, {
      intoTicketId: survivor.id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const onMerged = await upload(s.app, s.customer, s.ticket.id, 'late.log', LOG);
    expect(onMerged.statusCode).toBe(409);
    expect(onMerged.json().error).toMatchObject({
      code: 'TICKET_STATE_CONFLICT',
      details: { status: 'merged', mergedIntoId: survivor.id },
    });
    const listed = await call(s.app, s.customer, 'GET', `/v1/tickets/${survivor.id}/attachments`);
    expect(listed.json().items.map((a: { id: string }) => a.id)).toEqual([before.json().id]);
    const viaSurvivor = await call(
      s.app,
      s.customer,
      'GET',
      `/v1/tickets/${survivor.id}/attachments/${before.json().id}`,
    );
    expect(viaSurvivor.statusCode).toBe(200);

    const closed = await call(s.app, s.agent, 'POST', `/v1/tickets/${survivor.id}/close`, {
      reason: 'by-agent',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    const onClosed = await upload(s.app, s.agent, survivor.id, 'late.log', LOG);
    expect(onClosed.statusCode).toBe(409);
    expect(onClosed.json().error.details.status).toBe('closed');
    expect(await storedFiles(s.attachmentDir)).toHaveLength(1);
  });

  it('R2.2 security: another organisation’s customer gets 404 on upload, list and download; an attachment only downloads through its own ticket; CSRF is required', async () => {
    const { db } = getDb();
    const s = await attachmentSetup(db);
    const shot = await upload(s.app, s.customer, s.ticket.id, 'screenshot.png', PNG);
    const url = `/v1/tickets/${s.ticket.id}/attachments`;
    expect((await upload(s.app, s.stranger, s.ticket.id, 'x.log', LOG)).statusCode).toBe(404);
    expect((await call(s.app, s.stranger, 'GET', url)).statusCode).toBe(404);
    expect((await call(s.app, s.stranger, 'GET', `${url}/${shot.json().id}`)).statusCode).toBe(404);

    // The stranger's own ticket does not open someone else's attachment by id.
    const strangerTicket = await openTicketFor(db, s);
    const crossed = await call(
      s.app,
      s.stranger,
      'GET',
      `/v1/tickets/${strangerTicket}/attachments/${shot.json().id}`,
    );
    expect(crossed.statusCode).toBe(404);

    // A customer-user of the same organisation sees the ticket's files.
    const colleague = await signInCustomer(
      db,
      s.orgId,
      'customer-user',
      new Date(START.getTime() + 86_400_000),
    );
    expect((await call(s.app, colleague, 'GET', `${url}/${shot.json().id}`)).statusCode).toBe(200);

    const noCsrf = await s.app.inject(
      asSession(
        s.customer,
        {
          method: 'POST',
          url: `${url}?name=x.log`,
          headers: { 'content-type': 'application/octet-stream' },
          payload: LOG,
        },
        false,
      ),
    );
    expect(noCsrf.statusCode).toBe(403);
    const anonymous = await s.app.inject({ method: 'GET', url });
    expect(anonymous.statusCode).toBe(401);
    expect(await db.selectFrom('ticket_attachments').select('id').execute()).toHaveLength(1);
  });
});

/** A ticket of the other organisation, written directly (it has no contract in these tests). */
async function openTicketFor(db: Kysely<Database>, s: { otherOrgId: string; ticket: { id: string } }) {
  const source = await db
    .selectFrom('tickets')
    .selectAll()
    .where('id', '=', s.ticket.id)
    .executeTakeFirstOrThrow();
  const id = `tkt_other${Math.random().toString(36).slice(2, 10)}`;
  const { number: _n, search_public: _p, search_all: _a, ...rest } = source;
  await db
    .insertInto('tickets')
    .values({
      ...rest,
      id,
      organisation_id: s.otherOrgId,
      contract_id: null,
      environment: JSON.stringify({}),
      search_public: '' as never,
      search_all: '' as never,
    } as never)
    .execute();
  return id;
}
