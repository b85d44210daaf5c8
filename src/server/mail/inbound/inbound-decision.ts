/**
 * What becomes of one inbound mail (issue 5 §4, R2.1): pure decisions over facts read beforehand, so
 * the rules are table-tested without SMTP or a database. The order matters and is the contract:
 *
 * 1. an automatic mail (auto-reply, bounce, list mail) is ignored: no answer, no ticket — even when it
 *    carries a genuine reply token, so two auto-responders can never keep each other going;
 * 2. a sender that is not an active customer account is quarantined;
 * 3. a genuine reply token for a ticket of ANOTHER organisation quarantines the mail (spoofed or
 *    forwarded reply), one for the sender's own organisation threads it into that ticket — where the
 *    ticket's plan takes email (`channels.email: tickets`); a portal-only plan (S1) answers a reply
 *    with the portal pointer too (R2.1: "no technical support via email");
 * 4. otherwise the organisation's contract decides: a plan with `channels.email: tickets` opens a
 *    ticket (through the intake gate), a portal-only plan (`pointer-to-portal`, S1) answers once a day
 *    with a pointer to the portal, and `off` goes to the gate, which refuses it with its reason.
 */

/** One header field as it stood in the mail (unfolded); names compare case-insensitively. */
export type HeaderLine = { name: string; value: string };

export type SenderFact =
  | { kind: 'customer'; accountId: string; organisationId: string; address: string }
  | { kind: 'staff'; accountId: string; address: string }
  | { kind: 'unknown'; address: string }
  | { kind: 'missing' };

/** A ticket named by a genuine reply token in the mail, with its organisation and what its plan says of email. */
export type ThreadFact = {
  ticketId: string;
  organisationId: string;
  email: 'tickets' | 'pointer-to-portal' | 'off';
  portal: boolean;
  timeZone: string;
};

/** One contract of the sender's organisation, with what its pinned plan says about email. */
export type RouteFact = {
  contractId: string;
  productId: string;
  /** The product's name and slug: a subject naming one picks that contract. */
  productNames: readonly string[];
  email: 'tickets' | 'pointer-to-portal' | 'off';
  portal: boolean;
  /** The category a mail's ticket gets: the plan's first category (a mail cannot name one). */
  categoryId: string;
  /** The plan calendar's time zone (UTC without one): the day of the once-a-day portal pointer. */
  timeZone: string;
};

export type InboundFacts = {
  /** Why the mail is automatic (autoReplyReason), or null for a person's mail. */
  autoReply: string | null;
  sender: SenderFact;
  threads: readonly ThreadFact[];
  /** The organisation's contracts, newest purchase first. */
  routes: readonly RouteFact[];
  subject: string;
};

export type InboundDecision =
  | { action: 'ignore'; reason: string }
  | { action: 'quarantine'; reason: string }
  | { action: 'reply'; ticketId: string }
  | { action: 'open-ticket'; route: RouteFact }
  /** Answer with the portal's address, once a day per sender (the day in `timeZone`); `ticketId` for a reply. */
  | { action: 'portal-pointer'; timeZone: string; ticketId: string | null }
  | { action: 'refuse'; reason: string };

/**
 * @example decideInbound({ autoReply: 'Auto-Submitted: auto-replied', sender, threads: [own], routes, subject: 'Re: x' }) // { action: 'ignore', … }
 */
export function decideInbound(facts: InboundFacts): InboundDecision {
  if (facts.autoReply !== null) return { action: 'ignore', reason: `automatic mail (${facts.autoReply})` };
  const sender = facts.sender;
  switch (sender.kind) {
    case 'missing':
      return { action: 'quarantine', reason: 'unknown sender: the mail has no From address' };
    case 'unknown':
      return {
        action: 'quarantine',
        reason: `unknown sender: ${sender.address} is not an active customer account`,
      };
    case 'staff':
      return {
        action: 'quarantine',
        reason: `sender ${sender.address} is a staff account, not a customer; agents answer tickets in Upkeep`,
      };
    case 'customer':
      break;
  }
  const foreign = facts.threads.find((t) => t.organisationId !== sender.organisationId);
  if (foreign !== undefined) {
    return {
      action: 'quarantine',
      reason:
        `reply token for ticket ${foreign.ticketId} of another organisation (${foreign.organisationId}) from ` +
        `${sender.address} of organisation ${sender.organisationId}: a spoofed or forwarded reply never reaches the ticket`,
    };
  }
  const own = facts.threads[0];
  if (own !== undefined) {
    if (own.email === 'tickets') return { action: 'reply', ticketId: own.ticketId };
    if (own.portal) return { action: 'portal-pointer', timeZone: own.timeZone, ticketId: own.ticketId };
    return {
      action: 'refuse',
      reason: `CHANNEL_NOT_ALLOWED: the plan of ticket ${own.ticketId} takes no replies by email`,
    };
  }
  const route = chooseRoute(facts.routes, facts.subject);
  if (route === undefined) {
    return {
      action: 'refuse',
      reason: `NO_CONTRACT: organisation ${sender.organisationId} has no support contract, so email opens no ticket`,
    };
  }
  if (route.email === 'pointer-to-portal' && route.portal)
    return { action: 'portal-pointer', timeZone: route.timeZone, ticketId: null };
  // 'tickets' opens one; 'off' (or a pointer with no portal to point to) is refused by the gate with its reason.
  return { action: 'open-ticket', route };
}

/**
 * The contract a new mail is about: one whose product the subject names, else one whose plan takes
 * tickets by email, else the newest (whose plan then answers with a pointer or a refusal).
 * @example chooseRoute([s1Route, s0Route], 'Export fails') // s0Route (email: tickets)
 */
export function chooseRoute(routes: readonly RouteFact[], subject: string): RouteFact | undefined {
  const named = routes.filter((r) => r.productNames.some((name) => mentions(subject, name)));
  const pool = named.length > 0 ? named : routes;
  return pool.find((r) => r.email === 'tickets') ?? pool[0];
}

function mentions(text: string, name: string): boolean {
  const trimmed = name.trim();
  if (trimmed.length < 3) return false;
  const escaped = trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}

const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply']);

/**
 * Why a mail is automatic (RFC 3834 and the de-facto headers), or null for a person's mail:
 * `Auto-Submitted` other than `no`, `Precedence: bulk|junk|list|auto_reply`, `X-Autoreply`,
 * `X-Autorespond`, `List-Id`, a delivery report (`multipart/report`), or an empty envelope sender
 * (`MAIL FROM:<>`, a bounce).
 * @example autoReplyReason([{ name: 'auto-submitted', value: 'auto-replied' }], 'a@b.test') // 'Auto-Submitted: auto-replied'
 */
export function autoReplyReason(headers: readonly HeaderLine[], envelopeFrom: string | null): string | null {
  if (envelopeFrom === null || envelopeFrom.trim() === '')
    return 'empty envelope sender MAIL FROM:<>, a bounce';
  const value = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value.trim();
  const submitted = value('auto-submitted');
  if (submitted !== undefined) {
    const keyword = (submitted.split(';')[0] ?? '').trim().toLowerCase();
    if (keyword !== 'no') return `Auto-Submitted: ${keyword || '(empty)'}`;
  }
  const precedence = value('precedence')?.toLowerCase();
  if (precedence !== undefined && BULK_PRECEDENCE.has(precedence)) return `Precedence: ${precedence}`;
  for (const name of ['X-Autoreply', 'X-Autorespond', 'X-Autoresponder']) {
    if (value(name.toLowerCase()) !== undefined) return `${name} header`;
  }
  if (value('list-id') !== undefined) return 'List-Id: a mailing-list mail';
  const type = value('content-type')?.toLowerCase();
  if (type?.startsWith('multipart/report')) return 'Content-Type: multipart/report, a delivery report';
  return null;
}

const MAX_BODY_CHARS = 20_000;

const ATTRIBUTION = [
  /^on .{4,200}wrote:$/i, // Gmail, Apple Mail, Thunderbird
  /^am .{4,200}schrieb .{1,200}:$/i, // German clients
  /^le .{4,200}a écrit\s?:$/i, // French clients
  /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}$/i,
  /^_{10,}$/, // Outlook's rule above the quoted header block
];

/**
 * The new text of a reply: what stands above the quoted history. Cuts at the first attribution line
 * ("On … wrote:", also split over two lines), an Outlook "-----Original Message-----" or
 * "From: … / Sent: …" block, or the signature delimiter "-- "; drops `>` quoted lines left above it.
 * @example newTextOf('Thanks, fixed.\n\nOn Mon, 2 Mar 2026, Support <s@x> wrote:\n> Try 2.1.1') // 'Thanks, fixed.'
 */
export function newTextOf(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd();
    const joined = `${line.trim()} ${(lines[i + 1] ?? '').trim()}`.trim();
    if (line === '--' || line === '-- ') break;
    if (ATTRIBUTION.some((re) => re.test(line.trim()))) break;
    if (/^on .{4,200}$/i.test(line.trim()) && /^on .{4,200}wrote:$/i.test(joined)) break;
    if (/^from:\s/i.test(line.trim()) && /^(sent|date):\s/i.test((lines[i + 1] ?? '').trim())) break;
    if (/^>/.test(line.trimStart())) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

/** The message text a mail posts: its new text, notes about dropped attachments, cut to the ticket limit. */
export function messageBodyOf(
  newText: string,
  notes: readonly string[],
): { body: string; truncated: boolean } {
  const text = newText.trim() === '' ? '(The email had no text.)' : newText.trim();
  const tail = notes.length === 0 ? '' : `\n\n${notes.map((n) => `[${n}]`).join('\n')}`;
  const room = MAX_BODY_CHARS - tail.length;
  if (text.length <= room) return { body: `${text}${tail}`, truncated: false };
  const marker = '\n[… the email was longer; its full text is kept with the inbound mail]';
  return { body: `${text.slice(0, room - marker.length)}${marker}${tail}`, truncated: true };
}

/** A ticket subject from a mail subject: reply and forward prefixes dropped, one line, at most 200 characters. */
export function ticketSubjectOf(subject: string | undefined): string {
  let s = (subject ?? '').replace(/[\r\n\t]+/g, ' ').trim();
  for (let i = 0; i < 5; i++) {
    const next = s.replace(/^(re|fw|fwd|aw|wg|tr|sv)\s*(\[\d+\])?\s*:\s*/i, '').trim();
    if (next === s) break;
    s = next;
  }
  if (s === '') return '(no subject)';
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

/** Whether an envelope recipient is the support address, plus-addressing included (`support+…@domain`). */
export function isSupportRecipient(address: string, supportAddress: string): boolean {
  const at = address.lastIndexOf('@');
  const supportAt = supportAddress.lastIndexOf('@');
  if (at <= 0 || supportAt <= 0) return false;
  const local = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase();
  const supportLocal = supportAddress.slice(0, supportAt).toLowerCase();
  const supportDomain = supportAddress.slice(supportAt + 1).toLowerCase();
  return domain === supportDomain && (local === supportLocal || local.startsWith(`${supportLocal}+`));
}
