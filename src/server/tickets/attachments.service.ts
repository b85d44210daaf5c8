import type { ReadStream } from 'node:fs';
import type { Kysely, Selectable } from 'kysely';
import { type Page, toPage } from '../../schema/pagination.schema.ts';
import type { TicketAttachment } from '../../schema/ticket-conduct.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { organisationIdFilter, type Viewer } from '../auth/access.ts';
import type { Database } from '../db/database-types.ts';
import { newId } from '../db/ids.ts';
import { AppError } from '../http/errors.ts';
import type { AttachmentStore } from './attachment-store.ts';
import { safeDownloadName, sniffAttachment } from './attachment-type.ts';
import { requireTicket, type TicketRowLite } from './ticket-read.ts';
import type { TicketAttachmentsTable } from './tickets.tables.ts';

type AttachmentRow = Selectable<TicketAttachmentsTable>;

/**
 * The extensions a download may keep for each stored type, the first being the one added otherwise.
 * Text keeps only extensions no browser or desktop runs: "page.html" or "config.xml" with text
 * content downloads as "page.html.txt", so a saved file never opens as a web page or a script.
 */
const EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'text/plain': [
    'txt',
    'log',
    'csv',
    'tsv',
    'json',
    'yml',
    'yaml',
    'ini',
    'conf',
    'cfg',
    'properties',
    'md',
    'out',
    'err',
    'trace',
    'dump',
    'sql',
  ],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'application/zip': ['zip'],
  'application/gzip': ['gz', 'tgz'],
  'application/x-tar': ['tar'],
  'application/x-7z-compressed': ['7z'],
};

/**
 * The name a download is saved under: the cleaned name, with the stored type's extension added when
 * its own does not agree with the bytes.
 * @example downloadNameOf('report.html', 'text/plain') // 'report.html.txt'
 */
export function downloadNameOf(name: string, contentType: string): string {
  const allowed = EXTENSIONS[contentType] ?? ['bin'];
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return allowed.includes(extension) ? name : `${name}.${allowed[0]}`;
}

export function toAttachment(row: AttachmentRow): TicketAttachment {
  return {
    id: row.id,
    ticketId: row.ticket_id,
    name: row.original_name,
    downloadName: downloadNameOf(row.original_name, row.content_type),
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    uploadedByAccountId: row.uploaded_by_account_id,
    createdAt: row.created_at.toISOString(),
  };
}

function requireOpen(ticket: TicketRowLite): void {
  if (ticket.status === 'closed' || ticket.status === 'merged') {
    throw new AppError(
      'TICKET_STATE_CONFLICT',
      ticket.status === 'merged'
        ? `The ticket ${ticket.id} was merged into ${ticket.merged_into_id}; attach the file there.`
        : `The ticket ${ticket.id} is closed; open a new ticket to send more files.`,
      { status: ticket.status, mergedIntoId: ticket.merged_into_id },
    );
  }
}

export type UploadInput = {
  ticketId: string;
  name: string;
  bytes: Uint8Array;
  viewer: Viewer;
  clientIp: string | null;
};

/**
 * R2.2 (S3): attaches a file to a ticket that is not closed or merged. The type comes from the bytes
 * (sniffAttachment): refused types answer 415 naming what was detected; HTML, SVG and scripts are kept
 * as text/plain. The bytes are stored under a server-chosen name, then the row (size, SHA-256) and
 * the audit event are written in one transaction; if that fails the stored file is removed again.
 */
export async function uploadAttachment(
  db: Kysely<Database>,
  store: AttachmentStore,
  input: UploadInput,
  now: Date,
): Promise<TicketAttachment> {
  const orgFilter = organisationIdFilter(input.viewer);
  requireOpen(await requireTicket(db, input.ticketId, orgFilter));
  const sniffed = await sniffAttachment(input.bytes, input.name);
  if (!sniffed.ok && sniffed.reason === 'EMPTY') {
    throw new AppError('VALIDATION_FAILED', 'Invalid request: body: the file is empty', [
      { path: 'body', rule: 'too_small', message: 'the file is empty' },
    ]);
  }
  if (!sniffed.ok) {
    const detected = sniffed.detected ?? 'unidentified binary data';
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Attachments of type ${detected} are not accepted; send screenshots (PNG, JPEG, GIF, WebP), PDF, text or log files, or an archive (zip, gzip, tar, 7z).`,
      { detected: sniffed.detected },
    );
  }
  const stored = await store.put(input.bytes);
  try {
    return await db.transaction().execute(async (trx) => {
      const ticket = await requireTicket(trx, input.ticketId, orgFilter, true);
      requireOpen(ticket);
      const row = await trx
        .insertInto('ticket_attachments')
        .values({
          id: newId('att'),
          ticket_id: ticket.id,
          message_id: null,
          storage_key: stored.storageKey,
          original_name: safeDownloadName(input.name),
          content_type: sniffed.contentType,
          size_bytes: stored.sizeBytes,
          sha256: stored.sha256,
          uploaded_by_account_id: input.viewer.accountId,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(
        trx,
        {
          action: 'ticket.attachment-added',
          viewer: input.viewer,
          organisationId: ticket.organisation_id,
          subjectType: 'ticket-attachment',
          subjectId: row.id,
          details: {
            ticketId: ticket.id,
            contentType: row.content_type,
            sizeBytes: stored.sizeBytes,
            sha256: stored.sha256,
          },
          clientIp: input.clientIp,
        },
        now,
      );
      return toAttachment(row);
    });
  } catch (error) {
    await store.remove(stored.storageKey);
    throw error;
  }
}

/** The ticket and the duplicates merged into it (R2.8: their files show on the survivor, like their messages). */
async function ticketAndMerged(db: Kysely<Database>, ticketId: string, viewer: Viewer): Promise<string[]> {
  const ticket = await requireTicket(db, ticketId, organisationIdFilter(viewer));
  const merged = await db
    .selectFrom('tickets')
    .select('id')
    .where('merged_into_id', '=', ticket.id)
    .execute();
  return [ticket.id, ...merged.map((m) => m.id)];
}

/** A ticket's attachments, oldest first; another organisation's ticket is 404 like a missing one. */
export async function listAttachments(
  db: Kysely<Database>,
  viewer: Viewer,
  ticketId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketAttachment>> {
  const ids = await ticketAndMerged(db, ticketId, viewer);
  let q = db.selectFrom('ticket_attachments').selectAll().where('ticket_id', 'in', ids);
  if (page.cursor) q = q.where('id', '>', page.cursor);
  const rows = await q
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (r) => r.id, toAttachment);
}

/** One attachment's bytes, for a viewer who may see its ticket. */
export async function openAttachment(
  db: Kysely<Database>,
  store: AttachmentStore,
  viewer: Viewer,
  ticketId: string,
  attachmentId: string,
): Promise<{ attachment: TicketAttachment; stream: ReadStream }> {
  const ids = await ticketAndMerged(db, ticketId, viewer);
  const row = await db
    .selectFrom('ticket_attachments')
    .selectAll()
    .where('id', '=', attachmentId)
    .where('ticket_id', 'in', ids)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No attachment ${attachmentId} on ticket ${ticketId}.`);
  const opened = await store.open(row.storage_key);
  // The store lost bytes the database points at: a fault for the operator, not the customer's doing.
  if (!opened) throw new Error(`attachment ${row.id}: stored bytes ${row.storage_key} are missing`);
  return { attachment: toAttachment(row), stream: opened.stream };
}
