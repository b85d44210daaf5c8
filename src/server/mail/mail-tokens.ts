import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { SealingKey } from '../secrets/sealing.ts';

/**
 * Signed tokens that travel in mail (LESSONS: FreeScout trusted short, unsigned hashes in reply
 * addresses, so spoofed mail became agent replies). Each is `<subject id>.<HMAC-SHA256, 128 bits,
 * lowercase base32>`, keyed by a key derived from the sealing key (HKDF, one key per purpose), and
 * checked in constant time. Lowercase only: mail servers may fold the case of an address's local part.
 *
 * - reply tokens name a ticket: `support+<token>@domain` and the notices' Message-ID carry them;
 * - unsubscribe tokens name an account and a list (R1.1): the one-click link of List-Unsubscribe.
 */
export type MailTokenKeys = Readonly<{ reply: Buffer; unsubscribe: Buffer }>;

export function mailTokenKeys(sealingKey: SealingKey): MailTokenKeys {
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', sealingKey.bytes, Buffer.alloc(0), `upkeep mail ${info}`, 32));
  return Object.freeze({ reply: derive('reply token'), unsubscribe: derive('unsubscribe token') });
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const ID = /^[a-z]{2,8}_[0-9a-z]{26}$/;

function mac(key: Buffer, message: string): string {
  const digest = createHmac('sha256', key).update(message).digest().subarray(0, 16);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of digest) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The ticket's reply token, e.g. `tkt_01j…​.k3x…`. */
export function replyToken(keys: MailTokenKeys, ticketId: string): string {
  const id = ticketId.toLowerCase();
  return `${id}.${mac(keys.reply, `ticket:${id}`)}`;
}

/** The ticket id a reply token names (as ids are spelt, upper case), or null when it is not genuine. */
export function verifyReplyToken(keys: MailTokenKeys, token: string): string | null {
  const [id, signature, extra] = token.toLowerCase().split('.');
  if (id === undefined || signature === undefined || extra !== undefined || !ID.test(id)) return null;
  if (!sameText(signature, mac(keys.reply, `ticket:${id}`))) return null;
  const underscore = id.indexOf('_');
  return `${id.slice(0, underscore)}_${id.slice(underscore + 1).toUpperCase()}`;
}

/** `support+<token>@domain`: where a customer's reply to a ticket notice goes. */
export function replyAddress(keys: MailTokenKeys, supportAddress: string, ticketId: string): string {
  const [local, domain] = splitAddress(supportAddress);
  return `${local}+${replyToken(keys, ticketId)}@${domain}`;
}

/**
 * Every genuine reply token found in the given addresses (`support+<token>@…`) or header values
 * (Message-IDs `<…​.<token>@…>` in In-Reply-To and References): the ticket ids they name, de-duplicated.
 */
export function ticketIdsInMail(keys: MailTokenKeys, texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const match of text.toLowerCase().matchAll(/[a-z]{2,8}_[0-9a-z]{26}\.[a-z2-7]{26}/g)) {
      const id = verifyReplyToken(keys, match[0]);
      if (id !== null) found.add(id);
    }
  }
  return [...found];
}

export type MailingList = 'product-updates';

/** The token of a one-click unsubscribe link for this account and list. */
export function unsubscribeToken(keys: MailTokenKeys, accountId: string, list: MailingList): string {
  const id = accountId.toLowerCase();
  return `${id}.${mac(keys.unsubscribe, `unsubscribe:${list}:${id}`)}`;
}

/** The account an unsubscribe token names, or null. */
export function verifyUnsubscribeToken(keys: MailTokenKeys, token: string, list: MailingList): string | null {
  const [id, signature, extra] = token.toLowerCase().split('.');
  if (id === undefined || signature === undefined || extra !== undefined || !ID.test(id)) return null;
  if (!sameText(signature, mac(keys.unsubscribe, `unsubscribe:${list}:${id}`))) return null;
  const underscore = id.indexOf('_');
  return `${id.slice(0, underscore)}_${id.slice(underscore + 1).toUpperCase()}`;
}

export function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return [address.slice(0, at), address.slice(at + 1)];
}
