import type { Command } from 'commander';
import { openSealed } from '../server/secrets/sealing.ts';
import { withCliDatabase } from './cli-database.ts';
import { CliError, runAction } from './cli-io.ts';
import { loadCliSealingKey } from './sealing-key.ts';

type ListFlags = { json?: boolean; limit?: string; to?: string; status?: string };
type ShowFlags = { json?: boolean; html?: boolean; reveal?: boolean };

const LOCKED = ': stop the server first, or read the mail log on the admin screen (GET /v1/mail/messages)';

/** `upkeep mail list|show`: the mail log, and the local mailbox when no SMTP server is configured. */
export function registerMailCommands(program: Command): void {
  const group = program
    .command('mail')
    .description('The mail log: every notice mail, sent by SMTP or kept in the local mailbox.');
  group
    .command('list')
    .description('Mail, newest first: id, status, how it left, recipient, subject.')
    .option('--to <address>', 'only mail to this address')
    .option('--status <status>', 'queued, sent, failed or suppressed')
    .option('--limit <n>', 'at most this many (default 50)', '50')
    .option('--json', 'print JSON')
    .action((flags: ListFlags) => runAction(flags.json === true, () => list(flags)));
  group
    .command('show')
    .description('One mail: headers and the text part (--html for the HTML part).')
    .argument('<id>', 'the mail id (mml_…) from `upkeep mail list`')
    .option('--html', 'print the HTML part instead of the text')
    .option('--reveal', 'open the sealed full text of a mailbox mail that carries a license key')
    .option('--json', 'print JSON')
    .action((id: string, flags: ShowFlags) => runAction(flags.json === true, () => show(id, flags)));
}

async function list(flags: ListFlags): Promise<void> {
  const limit = Math.max(1, Math.min(1000, Number.parseInt(flags.limit ?? '50', 10) || 50));
  const statuses = ['queued', 'sent', 'failed', 'suppressed'] as const;
  const status = flags.status as (typeof statuses)[number] | undefined;
  if (status !== undefined && !statuses.includes(status))
    throw new CliError(`--status must be one of ${statuses.join(', ')}`);
  await withCliDatabase(async (handle) => {
    let query = handle.db
      .selectFrom('mail_messages')
      .select(['id', 'status', 'transport', 'to_address', 'subject', 'topic', 'created_at', 'last_error'])
      .orderBy('id', 'desc')
      .limit(limit);
    if (status) query = query.where('status', '=', status);
    if (flags.to)
      query = query.where((eb) => eb(eb.fn('lower', ['to_address']), '=', flags.to?.toLowerCase() ?? ''));
    const rows = await query.execute();
    if (flags.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    if (rows.length === 0) return void process.stdout.write('no mail yet\n');
    for (const r of rows) {
      const how = r.status === 'sent' ? (r.transport ?? '') : (r.last_error ?? '');
      process.stdout.write(
        `${r.id}  ${r.created_at.toISOString()}  ${r.status} ${how}  ${r.to_address}  ${r.subject}\n`,
      );
    }
  }, LOCKED);
}

async function show(id: string, flags: ShowFlags): Promise<void> {
  await withCliDatabase(async (handle, config) => {
    const row = await handle.db
      .selectFrom('mail_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new CliError(`no mail ${id}`, 'NOT_FOUND', 1);
    let text = row.text_body;
    let html = row.html_body;
    if (flags.reveal) {
      if (!row.sealed_bodies)
        throw new CliError(`mail ${id} holds no sealed text (sent by SMTP, or no key in it)`);
      const opened = JSON.parse(openSealed(await loadCliSealingKey(config), row.sealed_bodies)) as {
        text: string;
        html: string;
      };
      text = opened.text;
      html = opened.html;
    }
    const headers = (typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers) as Record<
      string,
      string
    >;
    if (flags.json) {
      const out = {
        id: row.id,
        status: row.status,
        from: row.from_address,
        to: row.to_address,
        subject: row.subject,
        messageId: row.message_id,
        headers,
        text,
        html,
      };
      return void process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    }
    const lines = [
      `From: ${row.from_address}`,
      `To: ${row.to_address}`,
      `Subject: ${row.subject}`,
      `Message-ID: ${row.message_id}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      `X-Upkeep-Status: ${row.status}${row.transport ? ` (${row.transport})` : ''}${row.last_error ? ` — ${row.last_error}` : ''}`,
      '',
      flags.html ? html : text,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }, LOCKED);
}
