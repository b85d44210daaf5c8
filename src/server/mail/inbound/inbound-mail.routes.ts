import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import {
  type InboundMail,
  type InboundMailDetail,
  InboundMailDetailSchema,
  InboundMailIdParamsSchema,
  InboundMailListQuerySchema,
  InboundMailSchema,
} from '../../../schema/inbound-mail.schema.ts';
import { type Page, pageOf, toPage } from '../../../schema/pagination.schema.ts';
import type { Database } from '../../db/database-types.ts';
import { AppError } from '../../http/errors.ts';
import { errorResponses } from '../../http/responses.ts';
import type { InboundMailTable } from '../mail.tables.ts';
import { parseHeaderLines } from './inbound-headers.ts';

export type InboundMailRouteDeps = { db: Kysely<Database> };

const AGENT = { role: 'agent' } as const;
const ADMIN = { role: 'admin' } as const;
const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;

type Row = Selectable<InboundMailTable>;
type ListRow = Omit<Row, 'source'> & { kept_bytes: number | null };

/** The inbound mail log for agents (quarantine included) and the raw source of a kept mail for admins. */
export function registerInboundMailRoutes(app: FastifyInstance, deps: InboundMailRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  r.get('/v1/inbound-mail', {
    config: { access: AGENT },
    schema: {
      tags: ['mail'],
      summary:
        'Mail received at the support address, newest first, with what became of each; `status=quarantined` is the quarantine.',
      querystring: InboundMailListQuerySchema,
      response: {
        200: pageOf(InboundMailSchema, 'InboundMailPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => listInboundMail(db, request.query),
  });

  r.get('/v1/inbound-mail/:id', {
    config: { access: AGENT },
    schema: {
      tags: ['mail'],
      summary: 'One received mail: its outcome and reason, and its header fields as received.',
      params: InboundMailIdParamsSchema,
      response: { 200: InboundMailDetailSchema, ...errorResponses(...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => getInboundMail(db, request.params.id),
  });

  r.get('/v1/inbound-mail/:id/source', {
    config: { access: ADMIN },
    schema: {
      tags: ['mail'],
      summary:
        'Download the raw message (message/rfc822) of a mail whose whole source was kept (`sourceKept: full`).',
      description:
        'Admins only: a quarantined mail may be anything. Always a download (Content-Disposition: attachment); ' +
        'a mail of which only the headers were kept answers 404.',
      params: InboundMailIdParamsSchema,
      response: {
        200: {
          description: 'The message as received.',
          content: { 'message/rfc822': { schema: z.string().meta({ format: 'binary' }) } },
        },
        ...errorResponses(...DENIED, 'NOT_FOUND'),
      },
    },
    handler: async (request, reply) => {
      const row = await db
        .selectFrom('inbound_mail')
        .select(['id', 'source', 'size_bytes'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', `No inbound mail ${request.params.id}.`);
      const source = row.source;
      if (source === null || source.length !== row.size_bytes) {
        throw new AppError(
          'NOT_FOUND',
          `Only the headers of inbound mail ${row.id} were kept (it was handled normally); GET /v1/inbound-mail/${row.id} shows them.`,
        );
      }
      return sendSource(reply, row.id, source);
    },
  });
}

function sendSource(reply: FastifyReply, id: string, source: Uint8Array): FastifyReply {
  return reply
    .header('content-type', 'message/rfc822')
    .header('content-disposition', `attachment; filename="${id}.eml"`)
    .header('content-length', String(source.length))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('cache-control', 'private, no-store')
    .send(Buffer.from(source));
}

const LIST_COLUMNS = [
  'id',
  'received_at',
  'envelope_from',
  'envelope_to',
  'from_address',
  'subject',
  'message_id',
  'status',
  'reason',
  'ticket_id',
  'organisation_id',
  'account_id',
  'size_bytes',
] as const;

export async function listInboundMail(
  db: Kysely<Database>,
  query: z.infer<typeof InboundMailListQuerySchema>,
): Promise<Page<InboundMail>> {
  let q = db
    .selectFrom('inbound_mail')
    .select(LIST_COLUMNS)
    .select((eb) => eb.fn<number | null>('octet_length', [eb.ref('source')]).as('kept_bytes'));
  if (query.status) q = q.where('status', '=', query.status);
  if (query.organisationId) q = q.where('organisation_id', '=', query.organisationId);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows as ListRow[], query.limit, (row) => row.id, toInboundMail);
}

export async function getInboundMail(db: Kysely<Database>, id: string): Promise<InboundMailDetail> {
  const row = await db.selectFrom('inbound_mail').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No inbound mail ${id}.`);
  const source = row.source;
  return {
    ...toInboundMail({ ...row, kept_bytes: source?.length ?? null }),
    headers: source ? parseHeaderLines(source) : [],
  };
}

function toInboundMail(row: ListRow): InboundMail {
  return {
    id: row.id,
    receivedAt: row.received_at.toISOString(),
    envelopeFrom: row.envelope_from,
    envelopeTo: Array.isArray(row.envelope_to) ? (row.envelope_to as string[]) : [],
    fromAddress: row.from_address,
    subject: row.subject,
    messageId: row.message_id,
    status: row.status,
    reason: row.reason,
    ticketId: row.ticket_id,
    organisationId: row.organisation_id,
    accountId: row.account_id,
    sizeBytes: Number(row.size_bytes),
    sourceKept:
      row.kept_bytes !== null && Number(row.kept_bytes) === Number(row.size_bytes) ? 'full' : 'headers',
  };
}
