import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Config } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import type { InboundLog } from '../../src/server/mail/inbound/inbound-mail.service.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../../src/server/mail/inbound/smtp-receiver.ts';
import { mailTokenKeys } from '../../src/server/mail/mail-tokens.ts';
import { testConfig, testSealingKey } from '../server/app-helpers.ts';
import type { TermRow } from '../systems/systems-fixtures.ts';
import { deskSetup } from '../tickets/ticket-fixtures.ts';

export const SUPPORT = 'support@upkeep.test';
export const START = new Date('2026-03-02T09:00:00Z');
export const COVERED: TermRow[] = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
export const keys = mailTokenKeys(testSealingKey);

export type LogEntry = { level: 'info' | 'warn' | 'error'; fields: object; message: string };

/** A logger that keeps what it is told, so tests can read the quarantine warnings. */
export function collectingLog(): InboundLog & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (fields: object, message: string) => {
    entries.push({ level, fields, message });
  };
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

export async function mailConfig(overrides: Partial<Config> = {}): Promise<Config> {
  const attachmentDir = await mkdtemp(join(tmpdir(), 'upkeep-mail-in-'));
  return {
    ...testConfig,
    attachmentDir,
    mail: { ...testConfig.mail, supportAddress: SUPPORT },
    ...overrides,
  };
}

export type MailSetup = Awaited<ReturnType<typeof mailSetup>>;

/**
 * deskSetup (organisation A with one contract under `planKey`, its customer, organisation B's customer,
 * an agent, the app) plus the SMTP receiver on a free loopback port and a nodemailer transport into it.
 */
export async function mailSetup(
  db: Kysely<Database>,
  planKey: string,
  options: { terms?: TermRow[]; config?: Config; maxBytes?: number } = {},
) {
  const desk = await deskSetup(db, planKey, options.terms ?? COVERED, START);
  const config = options.config ?? (await mailConfig());
  const log = collectingLog();
  const receiver: SmtpReceiver = await startSmtpReceiver({
    db,
    config,
    sealingKey: testSealingKey,
    clock: desk.clock.now,
    log,
    port: 0,
    host: '127.0.0.1',
    ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
  });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: receiver.port,
    secure: false,
    ignoreTLS: true,
  });
  const customerEmail = await emailOf(db, desk.customer.accountId);
  const strangerEmail = await emailOf(db, desk.stranger.accountId);
  return {
    ...desk,
    config,
    log,
    receiver,
    transport,
    customerEmail,
    strangerEmail,
    close: async () => {
      transport.close();
      await receiver.stop();
      await desk.app.close();
    },
  };
}

export async function emailOf(db: Kysely<Database>, accountId: string): Promise<string> {
  const row = await db
    .selectFrom('accounts')
    .select('email')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return row.email;
}

export async function inboundRows(db: Kysely<Database>) {
  return db.selectFrom('inbound_mail').selectAll().orderBy('id').execute();
}

export async function outboxRows(db: Kysely<Database>, topic?: string) {
  let q = db.selectFrom('outbox').selectAll();
  if (topic) q = q.where('topic', '=', topic);
  return q.orderBy('id').execute();
}

/**
 * A raw SMTP conversation: sends each line (CRLF added) after the previous answer arrived, and
 * returns every reply line the server sent. For what nodemailer will not send (MAIL FROM:<>, garbage).
 */
export function smtpDialog(
  port: number,
  lines: readonly (string | Buffer)[],
  timeoutMs = 5000,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const replies: string[] = [];
    let buffer = '';
    let next = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(replies);
    }, timeoutMs);
    const sendNext = () => {
      const line = lines[next++];
      if (line === undefined) {
        socket.end();
        return;
      }
      socket.write(typeof line === 'string' ? `${line}\r\n` : line);
    };
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end = buffer.indexOf('\r\n');
      while (end >= 0) {
        const reply = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        replies.push(reply);
        // A final reply line is "NNN text" (a continuation is "NNN-text").
        if (/^\d{3} /.test(reply) || !/^\d{3}/.test(reply)) sendNext();
        end = buffer.indexOf('\r\n');
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (replies.length > 0) resolve(replies);
      else reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(replies);
    });
  });
}
