import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { ErrorBodySchema } from '../../schema/error.schema.ts';
import {
  MailIdParamsSchema,
  MailListQuerySchema,
  MailMessageSchema,
  MailMessageSummarySchema,
  MailSuppressionSchema,
  OutboxNoticeSchema,
  OutboxQuerySchema,
  SuppressionParamsSchema,
} from '../../schema/mail.schema.ts';
import { pageOf, toPage } from '../../schema/pagination.schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { viewerOf } from '../auth/access.ts';
import { escapeHtml, page, sendPage } from '../auth/one-time-page.ts';
import { setProductUpdates } from '../customers/desk-facts.ts';
import type { Database } from '../db/database-types.ts';
import { AppError } from '../http/errors.ts';
import { errorResponses } from '../http/responses.ts';
import type { SealingKey } from '../secrets/sealing.ts';
import type { MailMessagesTable } from './mail.tables.ts';
import { retryMail } from './mail-sender.ts';
import { mailTokenKeys, verifyUnsubscribeToken } from './mail-tokens.ts';

export type MailRouteDeps = { db: Kysely<Database>; clock: () => Date; sealingKey: SealingKey };

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
const HtmlPage = z.string().describe('An HTML page.');

export function toMailSummary(row: Selectable<MailMessagesTable>): z.infer<typeof MailMessageSummarySchema> {
  return {
    id: row.id,
    topic: row.topic,
    organisationId: row.organisation_id,
    accountId: row.account_id,
    to: row.to_address,
    subject: row.subject,
    status: row.status,
    transport: row.transport,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.status === 'queued' ? row.next_attempt_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
  };
}

export function toMailMessage(row: Selectable<MailMessagesTable>): z.infer<typeof MailMessageSchema> {
  return {
    ...toMailSummary(row),
    from: row.from_address,
    messageId: row.message_id,
    headers: (typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers) as Record<
      string,
      string
    >,
    textBody: row.text_body,
    htmlBody: row.html_body,
    smtpResponse: row.smtp_response,
  };
}

/**
 * The mail log, suppressions and the outbox for staff (agents read, admins change), and the
 * product-update unsubscribe pages for customers (R1.1), reached by the signed link in each list mail.
 */
export function registerMailRoutes(app: FastifyInstance, deps: MailRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/mail/messages', {
    config: { access: { role: 'agent' } },
    schema: {
      tags: ['mail'],
      summary:
        'The mail log, newest first: every notice mail with its status (queued, sent, failed, suppressed).',
      querystring: MailListQuerySchema,
      response: {
        200: pageOf(MailMessageSummarySchema, 'MailMessagePage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => {
      const q = request.query;
      let query = deps.db
        .selectFrom('mail_messages')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(q.limit + 1);
      if (q.cursor) query = query.where('id', '<', q.cursor);
      if (q.status) query = query.where('status', '=', q.status);
      if (q.topic) query = query.where('topic', '=', q.topic);
      if (q.to)
        query = query.where((eb) => eb(eb.fn('lower', ['to_address']), '=', q.to?.toLowerCase() ?? ''));
      return toPage(await query.execute(), q.limit, (m) => m.id, toMailSummary);
    },
  });

  r.get('/v1/mail/messages/:id', {
    config: { access: { role: 'agent' } },
    schema: {
      tags: ['mail'],
      summary: 'One mail as written (text and HTML, headers); license keys are shown by their prefix only.',
      params: MailIdParamsSchema,
      response: { 200: MailMessageSchema, ...errorResponses('VALIDATION_FAILED', ...DENIED, 'NOT_FOUND') },
    },
    handler: async (request) => {
      const row = await deps.db
        .selectFrom('mail_messages')
        .selectAll()
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', `No mail ${request.params.id}.`);
      return toMailMessage(row);
    },
  });

  r.post('/v1/mail/messages/:id/retry', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['mail'],
      summary:
        'Queue a failed mail again, now. Its address must not be suppressed (lift the suppression first).',
      params: MailIdParamsSchema,
      response: {
        200: MailMessageSummarySchema,
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND', 'MAIL_STATE_CONFLICT'),
      },
    },
    handler: async (request) => {
      const { id } = request.params;
      const row = await deps.db
        .selectFrom('mail_messages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', `No mail ${id}.`);
      const suppressed = await deps.db
        .selectFrom('mail_suppressions')
        .select('address')
        .where('address', '=', row.to_address.toLowerCase())
        .executeTakeFirst();
      if (suppressed) {
        throw new AppError(
          'MAIL_STATE_CONFLICT',
          `${row.to_address} is suppressed after a permanent failure: lift the suppression before retrying.`,
          { status: row.status },
        );
      }
      if (!(await retryMail(deps, id, deps.clock()))) {
        throw new AppError(
          'MAIL_STATE_CONFLICT',
          `Mail ${id} is ${row.status}: only failed or suppressed mail is retried.`,
          {
            status: row.status,
          },
        );
      }
      await recordAudit(
        deps.db,
        { action: 'mail.retried', viewer: viewerOf(request), subjectType: 'mail', subjectId: id },
        deps.clock(),
      );
      const updated = await deps.db
        .selectFrom('mail_messages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return toMailSummary(updated);
    },
  });

  r.get('/v1/mail/suppressions', {
    config: { access: { role: 'agent' } },
    schema: {
      tags: ['mail'],
      summary: 'Addresses no mail goes to: each answered a permanent (5xx) failure.',
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().max(320).optional(),
      }),
      response: {
        200: pageOf(MailSuppressionSchema, 'MailSuppressionPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => {
      const { limit, cursor } = request.query;
      let query = deps.db
        .selectFrom('mail_suppressions')
        .selectAll()
        .orderBy('address')
        .limit(limit + 1);
      if (cursor) query = query.where('address', '>', cursor);
      return toPage(
        await query.execute(),
        limit,
        (s) => s.address,
        (s) => ({
          address: s.address,
          reason: s.reason,
          mailId: s.mail_id,
          createdAt: s.created_at.toISOString(),
        }),
      );
    },
  });

  r.delete('/v1/mail/suppressions/:address', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['mail'],
      summary: 'Lift a suppression: mail goes to the address again (retry its failed mail if needed).',
      params: SuppressionParamsSchema,
      response: {
        204: z.undefined(),
        ...errorResponses('VALIDATION_FAILED', ...DENIED, 'CSRF_FAILED', 'NOT_FOUND'),
      },
    },
    handler: async (request, reply) => {
      const address = request.params.address.toLowerCase();
      const result = await deps.db
        .deleteFrom('mail_suppressions')
        .where('address', '=', address)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0)
        throw new AppError('NOT_FOUND', `${address} is not suppressed.`);
      await recordAudit(
        deps.db,
        {
          action: 'mail.suppression-lifted',
          viewer: viewerOf(request),
          subjectType: 'mail-address',
          subjectId: address,
        },
        deps.clock(),
      );
      return reply.code(204).send();
    },
  });

  r.get('/v1/outbox', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['mail'],
      summary:
        'The transactional outbox, newest first: every notice and whether it has been fanned out to mail and webhooks.',
      querystring: OutboxQuerySchema,
      response: {
        200: pageOf(OutboxNoticeSchema, 'OutboxPage'),
        ...errorResponses('VALIDATION_FAILED', ...DENIED),
      },
    },
    handler: async (request) => {
      const q = request.query;
      let query = deps.db
        .selectFrom('outbox')
        .select([
          'id',
          'topic',
          'organisation_id',
          'created_at',
          'available_at',
          'attempts',
          'last_error',
          'delivered_at',
        ])
        .orderBy('id', 'desc')
        .limit(q.limit + 1);
      if (q.cursor) query = query.where('id', '<', q.cursor);
      if (q.pending === 'true') query = query.where('delivered_at', 'is', null);
      if (q.pending === 'false') query = query.where('delivered_at', 'is not', null);
      return toPage(
        await query.execute(),
        q.limit,
        (n) => n.id,
        (n) => ({
          id: n.id,
          topic: n.topic,
          organisationId: n.organisation_id,
          createdAt: n.created_at.toISOString(),
          availableAt: n.available_at.toISOString(),
          attempts: n.attempts,
          lastError: n.last_error,
          fannedOutAt: n.delivered_at?.toISOString() ?? null,
        }),
      );
    },
  });

  registerUnsubscribeRoutes(app, deps);
}

const UnsubscribeParamsSchema = z.object({ token: z.string().min(10).max(120) });

/**
 * RFC 8058 one-click unsubscribe for the product-update list. The GET (what link scanners fetch)
 * only shows the page and its button; a POST — the button, or a mail client's one-click
 * `List-Unsubscribe=One-Click` — unsubscribes. Under a plan whose support requires the list (S1,
 * R1.1) the page says plainly that unsubscribing ends support; the intake gate reads the same flag.
 */
function registerUnsubscribeRoutes(app: FastifyInstance, deps: MailRouteDeps): void {
  const keys = mailTokenKeys(deps.sealingKey);
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_r, body, done) => done(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const responses = {
      200: { description: 'The page.', content: { 'text/html': { schema: HtmlPage } } },
      404: {
        description: 'The link is not genuine.',
        content: { 'text/html': { schema: HtmlPage }, 'application/json': { schema: ErrorBodySchema } },
      },
      ...errorResponses('VALIDATION_FAILED'),
    };

    r.get('/unsubscribe/:token', {
      config: { access: 'public' },
      exposeHeadRoute: false,
      schema: {
        tags: ['mail'],
        summary: 'The unsubscribe page of a product-update mail (does not unsubscribe by itself).',
        params: UnsubscribeParamsSchema,
        response: responses,
      },
      handler: async (request, reply) => {
        const account = await accountOfToken(deps.db, keys, request.params.token);
        if (!account) return sendPage(reply, 404, badLinkPage());
        const action = `/unsubscribe/${encodeURIComponent(request.params.token)}`;
        const warning = account.supportNeedsList
          ? `<p><strong>Your support plan requires this subscription. If you unsubscribe, ${escapeHtml(account.organisationName)} loses its right to support until you subscribe again.</strong></p>`
          : '<p>You will no longer be told by email when a new version ships. Support is not affected.</p>';
        const body = account.subscribed
          ? `<p>${escapeHtml(account.email)} receives product-update mail (new versions).</p>${warning}
<form method="post" action="${escapeHtml(action)}"><button type="submit">Unsubscribe ${escapeHtml(account.email)}</button></form>`
          : `<p>${escapeHtml(account.email)} is not on the product-update list.</p>${account.supportNeedsList ? '<p>Your support plan requires it: subscribe again to get support.</p>' : ''}
<form method="post" action="${escapeHtml(`${action}/subscribe`)}"><button type="submit">Subscribe again</button></form>`;
        return sendPage(reply, 200, page('Product-update mail', body));
      },
    });

    r.post('/unsubscribe/:token', {
      config: { access: 'public' },
      schema: {
        tags: ['mail'],
        summary:
          "Unsubscribe from product-update mail: the page's button, or RFC 8058 one-click (body List-Unsubscribe=One-Click).",
        params: UnsubscribeParamsSchema,
        response: responses,
      },
      handler: async (request, reply) => {
        const account = await accountOfToken(deps.db, keys, request.params.token);
        if (!account) return sendPage(reply, 404, badLinkPage());
        await setProductUpdates(deps.db, account.viewer, false, deps.clock());
        const again = `/unsubscribe/${encodeURIComponent(request.params.token)}/subscribe`;
        const body = `<p>${escapeHtml(account.email)} will receive no more product-update mail.</p>${
          account.supportNeedsList
            ? `<p><strong>Support for ${escapeHtml(account.organisationName)} is now refused until you subscribe again (your plan requires the subscription).</strong></p>`
            : ''
        }<form method="post" action="${escapeHtml(again)}"><button type="submit">Subscribe again</button></form>`;
        return sendPage(reply, 200, page('You are unsubscribed', body));
      },
    });

    r.post('/unsubscribe/:token/subscribe', {
      config: { access: 'public' },
      schema: {
        tags: ['mail'],
        summary: 'Subscribe again to product-update mail.',
        params: UnsubscribeParamsSchema,
        response: responses,
      },
      handler: async (request, reply) => {
        const account = await accountOfToken(deps.db, keys, request.params.token);
        if (!account) return sendPage(reply, 404, badLinkPage());
        await setProductUpdates(deps.db, account.viewer, true, deps.clock());
        return sendPage(
          reply,
          200,
          page(
            'You are subscribed',
            `<p>${escapeHtml(account.email)} receives product-update mail again.</p>`,
          ),
        );
      },
    });
  });
}

function badLinkPage(): string {
  return page(
    'This link cannot be used',
    '<p>The unsubscribe link is not genuine. Change your mail preferences on the portal instead.</p>',
  );
}

async function accountOfToken(db: Kysely<Database>, keys: ReturnType<typeof mailTokenKeys>, token: string) {
  const accountId = verifyUnsubscribeToken(keys, token, 'product-updates');
  if (!accountId) return null;
  const account = await db
    .selectFrom('accounts')
    .innerJoin('organisations', 'organisations.id', 'accounts.organisation_id')
    .select([
      'accounts.id',
      'accounts.email',
      'accounts.role',
      'accounts.organisation_id',
      'accounts.product_updates_subscribed',
      'organisations.name as organisation_name',
    ])
    .where('accounts.id', '=', accountId)
    .executeTakeFirst();
  if (
    !account ||
    account.organisation_id === null ||
    (account.role !== 'customer-admin' && account.role !== 'customer-user')
  )
    return null;
  const plans = await db
    .selectFrom('contracts')
    .innerJoin('plan_versions', 'plan_versions.id', 'contracts.plan_version_id')
    .select('plan_versions.document')
    .where('contracts.organisation_id', '=', account.organisation_id)
    .execute();
  const supportNeedsList = plans.some(
    (p) =>
      (p.document as { eligibility?: { productUpdateMailSubscription?: boolean } }).eligibility
        ?.productUpdateMailSubscription === true,
  );
  return {
    email: account.email,
    organisationName: account.organisation_name,
    subscribed: account.product_updates_subscribed,
    supportNeedsList,
    viewer: {
      kind: 'customer' as const,
      accountId: account.id,
      organisationId: account.organisation_id,
      role: account.role,
    },
  };
}
