import type { HeaderLine } from './inbound-decision.ts';

const MAX_HEADER_LINES = 500;

/** Where the header section of a raw mail ends (after its blank line), or the whole length without one. */
export function headerEnd(raw: Uint8Array): number {
  for (let i = 0; i + 1 < raw.length; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return i + 2;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  return raw.length;
}

/**
 * The header fields of a raw mail as written (unfolded, encoded words left as sent), in order, at most
 * 500. Read from the bytes, not the parser, so the auto-reply check sees exactly what came in.
 * @example parseHeaderLines(Buffer.from('Subject: a\r\n b\r\n\r\nbody')) // [{ name: 'Subject', value: 'a b' }]
 */
export function parseHeaderLines(raw: Uint8Array): HeaderLine[] {
  const head = Buffer.from(raw.buffer, raw.byteOffset, headerEnd(raw)).toString('utf8');
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const out: HeaderLine[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    out.push({ name, value: line.slice(colon + 1).trim() });
    if (out.length >= MAX_HEADER_LINES) break;
  }
  return out;
}
