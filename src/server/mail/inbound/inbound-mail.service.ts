import type { Kysely } from 'kysely';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { civilDateIn } from '../../../core/contract/civil-date.ts';
import type { CustomerRole } from '../../../schema/auth.schema.ts';
import type { Viewer } from '../../auth/access.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database-types.ts';
import { newId } from '../../db/ids.ts';
import { isAppError } from '../../http/errors.ts';
import { enqueueNotice } from '../../outbox/outbox.repository.ts';
import type { SealingKey } from '../../secrets/sealing.ts';
import { AttachmentStore } from '../../tickets/attachment-store.ts';
import { MAX_ATTACHMENT_BYTES, sniffAttachment } from '../../tickets/attachment-type.ts';
import { uploadAttachment } from '../../tickets/attachments.service.ts';
import { createTicket } from '../../tickets/ticket-create.service.ts';
import { postMessage } from '../../tickets/ticket-lifecycle.service.ts';
import { deskPlanOf } from '../../tickets/ticket-plan.ts';
import type { InboundMailTable } from '../mail.tables.ts';
import { mailTokenKeys, ticketIdsInMail } from '../mail-tokens.ts';
import {
  autoReplyReason,
  decideInbound,
  type InboundDecision,
  type InboundFacts,
  messageBodyOf,
  newTextOf,
  type RouteFact,
  type SenderFact,
  type ThreadFact,
  ticketSubjectOf,
} from './inbound-decision.ts';
import { headerEnd, parseHeaderLines } from './inbound-headers.ts';
import { joinedTransaction } from './joined-transaction.ts';

export type InboundStatus = InboundMailTable['status'];

/** What the receiver logs: a pino-style logger (Fastify's, or the CLI's). */
export type InboundLog = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export type InboundDeps = {
  db: Kysely<Database>;
  config: Pick<Config, 'mail' | 'attachmentDir' | 'publicUrl' | 'host' | 'port' | 'autoAssign'>;
  sealingKey: SealingKey;
  clock?: () => Date;
  log: InboundLog;
  /** Where attachments go; default the configured attachment directory. */
  attachments?: AttachmentStore;
};

/** The SMTP envelope: MAIL FROM (empty or null for `<>`) and the accepted RCPT TO addresses. */
export type InboundEnvelope = { mailFrom: string | null; rcptTo: readonly string[]; remoteAddress?: string };

export type InboundResult = { id: string; status: InboundStatus; ticketId?: string; reason?: string };

type Outcome = {
  status: InboundStatus;
  reason: string | null;
  ticketId: string | null;
  organisationId: string | null;
  accountId: string | null;
  /** Keep the whole source (not just its headers) with the row: quarantined, refused, something dropped. */
  keepSource: boolean;
};

type Summary = {
  fromAddress: string | null;
  subject: string | null;
  messageId: string | null;
};

/**
 * Decides what one mail accepted by the SMTP receiver becomes (docs/email-in.md), and records it in
 * `inbound_mail`: everything — the ticket or reply, the refusal, the outbox notice, the row — in ONE
 * transaction. If deciding fails, the mail is stored quarantined with the failure as its reason; only
 * when even that cannot be written does this throw (the receiver then answers 451, the sender retries).
 * A retried delivery of a mail already recorded (same Message-ID, sender and size) changes nothing.
 */
export async function handleInboundMail(
  deps: InboundDeps,
  raw: Buffer,
  envelope: InboundEnvelope,
): Promise<InboundResult> {
  const now = (deps.clock ?? (() => new Date()))();
  let parsed: ParsedMail | null = null;
  let parseError: string | null = null;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
  } catch (error) {
    parseError = error instanceof Error ? error.message : String(error);
  }
  const summary = summarise(parsed);
  const envelopeFrom = envelope.mailFrom === null || envelope.mailFrom === '' ? null : envelope.mailFrom;
  const base = { raw, envelope, envelopeFrom, summary, now };

  const earlier = await findEarlierDelivery(deps.db, summary, raw.length);
  if (earlier) return earlier;

  if (parsed === null) {
    return store(deps, base, quarantined(`unreadable mail: ${parseError ?? 'parse failed'}`));
  }
  const mail = parsed;
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const db = joinedTransaction(trx);
      const facts = await readFacts(db, deps, mail, raw, envelope, envelopeFrom);
      const decision = decideInbound(facts);
      const outcome = await act(db, deps, decision, facts, mail, now);
      const result = await insertRow(trx, base, outcome);
      logOutcome(deps.log, result, summary);
      return result;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.log.error(
      { err: error, from: summary.fromAddress, messageId: summary.messageId },
      'inbound mail: processing failed; stored as quarantined',
    );
    return store(deps, base, quarantined(`processing failed: ${message}`.slice(0, 2000)));
  }
}

type Base = {
  raw: Buffer;
  envelope: InboundEnvelope;
  envelopeFrom: string | null;
  summary: Summary;
  now: Date;
};

function quarantined(reason: string): Outcome {
  return {
    status: 'quarantined',
    reason,
    ticketId: null,
    organisationId: null,
    accountId: null,
    keepSource: true,
  };
}

async function store(deps: InboundDeps, base: Base, outcome: Outcome): Promise<InboundResult> {
  const result = await insertRow(deps.db, base, outcome);
  logOutcome(deps.log, result, base.summary);
  return result;
}

async function insertRow(db: Kysely<Database>, base: Base, outcome: Outcome): Promise<InboundResult> {
  const id = newId('inm');
  const source = outcome.keepSource ? base.raw : base.raw.subarray(0, headerEnd(base.raw));
  await db
    .insertInto('inbound_mail')
    .values({
      id,
      received_at: base.now,
      envelope_from: base.envelopeFrom,
      envelope_to: JSON.stringify(base.envelope.rcptTo),
      from_address: base.summary.fromAddress,
      subject: base.summary.subject,
      message_id: base.summary.messageId,
      status: outcome.status,
      reason: outcome.reason,
      ticket_id: outcome.ticketId,
      organisation_id: outcome.organisationId,
      account_id: outcome.accountId,
      size_bytes: base.raw.length,
      source: new Uint8Array(source),
    })
    .execute();
  return {
    id,
    status: outcome.status,
    ...(outcome.ticketId ? { ticketId: outcome.ticketId } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
}

function logOutcome(log: InboundLog, result: InboundResult, summary: Summary): void {
  const fields = { inboundMailId: result.id, from: summary.fromAddress, ...result };
  if (result.status === 'quarantined') log.warn(fields, 'inbound mail quarantined');
  else log.info(fields, `inbound mail: ${result.status}`);
}

/** The same mail delivered again (a sender that missed our 250 and retried): answer as before. */
async function findEarlierDelivery(
  db: Kysely<Database>,
  summary: Summary,
  size: number,
): Promise<InboundResult | undefined> {
  if (summary.messageId === null || summary.fromAddress === null) return undefined;
  const row = await db
    .selectFrom('inbound_mail')
    .select(['id', 'status', 'ticket_id', 'reason'])
    .where('message_id', '=', summary.messageId)
    .where('from_address', '=', summary.fromAddress)
    .where('size_bytes', '=', size)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    ...(row.ticket_id ? { ticketId: row.ticket_id } : {}),
    reason: `a repeated delivery of ${row.id}${row.reason ? ` (${row.reason})` : ''}`,
  };
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): string | null {
  for (const object of [value ?? []].flat()) {
    for (const entry of object.value) {
      if (entry.address) return entry.address.trim().toLowerCase();
      for (const member of entry.group ?? []) if (member.address) return member.address.trim().toLowerCase();
    }
  }
  return null;
}

function allAddresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  for (const object of [value ?? []].flat()) {
    for (const entry of object.value) {
      if (entry.address) out.push(entry.address);
      for (const member of entry.group ?? []) if (member.address) out.push(member.address);
    }
  }
  return out;
}

function summarise(parsed: ParsedMail | null): Summary {
  const clip = (text: string | undefined, max: number) =>
    text === undefined || text === '' ? null : text.replace(/[\r\n]+/g, ' ').slice(0, max);
  return {
    fromAddress: parsed ? clip(firstAddress(parsed.from) ?? undefined, 320) : null,
    subject: clip(parsed?.subject, 1000),
    messageId: clip(parsed?.messageId, 1000),
  };
}

async function readFacts(
  db: Kysely<Database>,
  deps: InboundDeps,
  mail: ParsedMail,
  raw: Buffer,
  envelope: InboundEnvelope,
  envelopeFrom: string | null,
): Promise<InboundFacts & { role: CustomerRole | null }> {
  const autoReply = autoReplyReason(parseHeaderLines(raw), envelopeFrom);
  const subject = mail.subject ?? '';
  const { sender, role } = await senderOf(db, firstAddress(mail.from));
  if (autoReply !== null || sender.kind !== 'customer') {
    return { autoReply, sender, role, threads: [], routes: [], subject };
  }
  const threads = await threadsOf(db, deps.sealingKey, mail, envelope);
  const routes = threads.length > 0 ? [] : await routesOf(db, sender.organisationId);
  return { autoReply, sender, role, threads, routes, subject };
}

async function senderOf(
  db: Kysely<Database>,
  address: string | null,
): Promise<{ sender: SenderFact; role: CustomerRole | null }> {
  if (address === null) return { sender: { kind: 'missing' }, role: null };
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'role', 'organisation_id'])
    .where('email', '=', address)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!account) return { sender: { kind: 'unknown', address }, role: null };
  if (
    account.organisation_id === null ||
    (account.role !== 'customer-admin' && account.role !== 'customer-user')
  )
    return { sender: { kind: 'staff', accountId: account.id, address }, role: null };
  return {
    sender: { kind: 'customer', accountId: account.id, organisationId: account.organisation_id, address },
    role: account.role,
  };
}

/** The tickets named by genuine reply tokens in the recipients, To/Cc and the threading headers. */
async function threadsOf(
  db: Kysely<Database>,
  sealingKey: SealingKey,
  mail: ParsedMail,
  envelope: InboundEnvelope,
): Promise<ThreadFact[]> {
  const texts = [
    ...envelope.rcptTo,
    ...allAddresses(mail.to),
    ...allAddresses(mail.cc),
    mail.inReplyTo ?? '',
    ...[mail.references ?? []].flat(),
  ];
  const ids = ticketIdsInMail(mailTokenKeys(sealingKey), texts);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'organisation_id', 'plan_version_id'])
    .where('id', 'in', ids)
    .execute();
  const threads: ThreadFact[] = [];
  // In the order the tokens were found (the envelope recipient first).
  for (const id of ids) {
    const row = rows.find((r) => r.id === id);
    if (!row) continue;
    const { plan } = await deskPlanOf(db, row.plan_version_id);
    threads.push({
      ticketId: row.id,
      organisationId: row.organisation_id,
      email: plan.channels.email,
      portal: plan.channels.portal,
      timeZone: plan.calendar?.timeZone ?? 'UTC',
    });
  }
  return threads;
}

async function routesOf(db: Kysely<Database>, organisationId: string): Promise<RouteFact[]> {
  const contracts = await db
    .selectFrom('contracts')
    .innerJoin('products', 'products.id', 'contracts.product_id')
    .select([
      'contracts.id',
      'contracts.product_id',
      'contracts.plan_version_id',
      'products.name',
      'products.slug',
    ])
    .where('contracts.organisation_id', '=', organisationId)
    .orderBy('contracts.purchased_on', 'desc')
    .orderBy('contracts.id', 'desc')
    .execute();
  const routes: RouteFact[] = [];
  for (const c of contracts) {
    const { plan } = await deskPlanOf(db, c.plan_version_id);
    const first = plan.categories[0];
    if (first === undefined) continue;
    routes.push({
      contractId: c.id,
      productId: c.product_id,
      productNames: [c.name, c.slug],
      email: plan.channels.email,
      portal: plan.channels.portal,
      categoryId: first.id,
      timeZone: plan.calendar?.timeZone ?? 'UTC',
    });
  }
  return routes;
}

type Prepared = { body: string; uploads: { name: string; bytes: Buffer }[]; dropped: string[] };

/** The message text and the attachments that pass the portal's checks (R2.2); the others become notes. */
async function prepare(mail: ParsedMail, reply: boolean): Promise<Prepared & { truncated: boolean }> {
  const text = mail.text ?? '';
  const newText = reply ? newTextOf(text) : text.trim();
  const uploads: Prepared['uploads'] = [];
  const dropped: string[] = [];
  for (const [index, attachment] of mail.attachments.entries()) {
    const name = attachment.filename?.trim() || `attachment-${index + 1}`;
    const bytes = attachment.content;
    if (bytes.length > MAX_ATTACHMENT_BYTES) {
      dropped.push(
        `Attachment “${name}” was not accepted: ${bytes.length} bytes is over the ${MAX_ATTACHMENT_BYTES}-byte limit.`,
      );
      continue;
    }
    const sniffed = await sniffAttachment(bytes, name);
    if (!sniffed.ok) {
      dropped.push(
        sniffed.reason === 'EMPTY'
          ? `Attachment “${name}” was not accepted: it is empty.`
          : `Attachment “${name}” was not accepted: type ${sniffed.detected ?? 'unidentified binary data'} is not allowed; send screenshots, PDF, text or log files, or an archive.`,
      );
      continue;
    }
    uploads.push({ name, bytes });
  }
  const { body, truncated } = messageBodyOf(newText, dropped);
  return { body, uploads, dropped, truncated };
}

async function act(
  db: Kysely<Database>,
  deps: InboundDeps,
  decision: InboundDecision,
  facts: InboundFacts & { role: CustomerRole | null },
  mail: ParsedMail,
  now: Date,
): Promise<Outcome> {
  const sender = facts.sender;
  const who =
    sender.kind === 'customer'
      ? { organisationId: sender.organisationId, accountId: sender.accountId }
      : { organisationId: null, accountId: sender.kind === 'staff' ? sender.accountId : null };
  const outcome = (status: InboundStatus, rest: Partial<Outcome> = {}): Outcome => ({
    status,
    reason: null,
    ticketId: null,
    keepSource: false,
    ...who,
    ...rest,
  });
  switch (decision.action) {
    case 'ignore':
      return outcome('auto-reply-ignored', { reason: decision.reason });
    case 'quarantine':
      return outcome('quarantined', { reason: decision.reason, keepSource: true });
    case 'refuse':
      return outcome('refused', { reason: decision.reason, keepSource: true });
    case 'portal-pointer': {
      if (sender.kind !== 'customer') throw new Error('a portal pointer needs a customer sender');
      const day = civilDateIn(now, decision.timeZone);
      const base = deps.config.publicUrl ?? `http://${deps.config.host}:${deps.config.port}`;
      const queued = await enqueueNotice(
        db,
        {
          topic: 'mail.portal-pointer',
          organisationId: sender.organisationId,
          recipient: sender.address,
          dedupeKey: `portal-pointer:${sender.accountId}:${day}`,
          payload: {
            accountId: sender.accountId,
            subject: ticketSubjectOf(mail.subject),
            portalUrl: `${base.replace(/\/$/, '')}/portal/tickets/new`,
            ticketId: decision.ticketId,
            // The answer threads under the customer's mail in their client (RFC 5322 In-Reply-To).
            ...(mail.messageId ? { inReplyTo: mail.messageId } : {}),
          },
        },
        now,
      );
      const why = decision.ticketId
        ? `the plan of ticket ${decision.ticketId} takes replies on the portal only (R2.1)`
        : 'the plan takes tickets on the portal only (R2.1)';
      return outcome('portal-pointer-sent', {
        reason: queued
          ? `${why}: answered with a pointer to the portal`
          : `${why}: the pointer already went to ${sender.address} on ${day}`,
      });
    }
    case 'open-ticket':
    case 'reply': {
      if (sender.kind !== 'customer' || facts.role === null)
        throw new Error('a ticket needs a customer sender');
      const viewer: Viewer = {
        kind: 'customer',
        accountId: sender.accountId,
        organisationId: sender.organisationId,
        role: facts.role,
      };
      const prepared = await prepare(mail, decision.action === 'reply');
      const posted = await postOrOpen(db, deps, decision, viewer, mail, prepared.body, now);
      if (posted.kind === 'refused') return outcome('refused', { reason: posted.reason, keepSource: true });
      const failedUploads = await attach(db, deps, viewer, posted.ticketId, prepared.uploads, now);
      const notes = [...prepared.dropped, ...failedUploads];
      const reason = [posted.note, ...notes].filter((n) => n !== null).join(' ');
      return outcome(posted.status, {
        ticketId: posted.ticketId,
        reason: reason === '' ? null : reason,
        keepSource: notes.length > 0 || prepared.truncated,
      });
    }
  }
}

type Posted =
  | { kind: 'posted'; status: 'ticket-opened' | 'reply-added'; ticketId: string; note: string | null }
  | { kind: 'refused'; reason: string };

async function postOrOpen(
  db: Kysely<Database>,
  deps: InboundDeps,
  decision: Extract<InboundDecision, { action: 'reply' | 'open-ticket' }>,
  viewer: Viewer,
  mail: ParsedMail,
  body: string,
  now: Date,
): Promise<Posted> {
  try {
    if (decision.action === 'reply') {
      const posted = await postMessage(db, viewer, decision.ticketId, { body, visibility: 'public' }, now);
      if (posted.routed === 'new-follow-up') {
        return {
          kind: 'posted',
          status: 'ticket-opened',
          ticketId: posted.ticketId,
          note: `a reply to closed ticket ${decision.ticketId}: opened the follow-up (R2.9)`,
        };
      }
      const note =
        posted.routed === 'to-survivor'
          ? `ticket ${decision.ticketId} was merged: the reply went to ${posted.ticketId} (R2.8)`
          : posted.routed === 'reopened'
            ? `the reply reopened ticket ${posted.ticketId}`
            : null;
      return { kind: 'posted', status: 'reply-added', ticketId: posted.ticketId, note };
    }
    const { ticket } = await createTicket(
      db,
      {
        productId: decision.route.productId,
        categoryId: decision.route.categoryId,
        subject: ticketSubjectOf(mail.subject),
        description: body,
        channel: 'email',
      },
      { viewer, now, autoAssign: deps.config.autoAssign },
    );
    return { kind: 'posted', status: 'ticket-opened', ticketId: ticket.id, note: null };
  } catch (error) {
    // The desk's own refusals (the intake gate, flooding, a closed ticket): recorded, not a fault.
    if (!isAppError(error)) throw error;
    const code = (error.details as { reason?: unknown } | undefined)?.reason;
    return { kind: 'refused', reason: `${typeof code === 'string' ? code : error.code}: ${error.message}` };
  }
}

/** Stores the accepted attachments on the ticket; returns notes for any the ticket would not take. */
async function attach(
  db: Kysely<Database>,
  deps: InboundDeps,
  viewer: Viewer,
  ticketId: string,
  uploads: Prepared['uploads'],
  now: Date,
): Promise<string[]> {
  if (uploads.length === 0) return [];
  const store = deps.attachments ?? new AttachmentStore(deps.config.attachmentDir);
  const notes: string[] = [];
  for (const upload of uploads) {
    try {
      await uploadAttachment(
        db,
        store,
        { ticketId, name: upload.name, bytes: upload.bytes, viewer, clientIp: null },
        now,
      );
    } catch (error) {
      if (!isAppError(error)) throw error;
      notes.push(`Attachment “${upload.name}” was not attached: ${error.message}`);
    }
  }
  return notes;
}
