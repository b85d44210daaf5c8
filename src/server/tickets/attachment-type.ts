import { fileTypeFromBuffer } from 'file-type';

/** R2.2: the largest attachment a ticket takes (screenshots, logs, archives of logs). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export type AttachmentSniff =
  | { ok: true; contentType: string; extension: string }
  | { ok: false; reason: 'EMPTY' | 'TYPE_NOT_ALLOWED'; detected: string | null };

/** Content types stored as detected. Everything else file-type recognises is refused, executables included. */
const ALLOWED_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-tar',
  'application/x-7z-compressed',
]);

// file-type recognises XML by its `<?xml ` prolog; an XML config is text like any other config.
const TEXT_TYPES: ReadonlySet<string> = new Set(['application/xml']);

const PLAIN_TEXT = { ok: true, contentType: 'text/plain', extension: 'txt' } as const;

/**
 * R2.2: the type of an attachment, from its bytes only (the name never decides); text is always text/plain.
 * @example await sniffAttachment(new TextEncoder().encode('<html>'), 'x.png') // { ok: true, contentType: 'text/plain', extension: 'txt' }
 */
export async function sniffAttachment(bytes: Uint8Array, _originalName: string): Promise<AttachmentSniff> {
  if (bytes.length === 0) return { ok: false, reason: 'EMPTY', detected: null };
  const detected = await detectType(bytes);
  if (detected && ALLOWED_TYPES.has(detected.mime)) {
    return { ok: true, contentType: detected.mime, extension: detected.ext };
  }
  // HTML, SVG and scripts have no magic number: they land here and are stored as text/plain, never run.
  if ((!detected || TEXT_TYPES.has(detected.mime)) && isUtf8Text(bytes)) return PLAIN_TEXT;
  return { ok: false, reason: 'TYPE_NOT_ALLOWED', detected: detected?.mime ?? null };
}

async function detectType(bytes: Uint8Array): Promise<{ ext: string; mime: string } | undefined> {
  try {
    return await fileTypeFromBuffer(bytes);
  } catch {
    // A parser choking on a malformed container: bad input, not a fault; refused as unidentified binary.
    return { ext: '', mime: 'application/octet-stream' };
  }
}

function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const MAX_NAME_CHARS = 200;
const MAX_KEPT_EXTENSION_CHARS = 16;
// Control, format and other invisible characters; quotes; the characters Windows refuses in a file name.
const UNSAFE_NAME_CHARS = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}"'`<>:|?*]/gu;

/**
 * A file name safe to offer in Content-Disposition: last path part, no controls or quotes, at most 200 characters.
 * @example safeDownloadName('C:\\logs\\"app".log') // 'app.log'
 */
export function safeDownloadName(originalName: string): string {
  // NFKC first, so a fullwidth solidus becomes "/" before the path is cut (LESSONS: normalise, then check).
  const lastPart = originalName.normalize('NFKC').split(/[/\\]/).pop() ?? '';
  const cleaned = lastPart.replace(UNSAFE_NAME_CHARS, '').trim();
  if (/^\.*$/.test(cleaned)) return 'attachment';
  return truncateName(cleaned);
}

/** Cut to MAX_NAME_CHARS code points, keeping a short extension so the download still opens with the right app. */
function truncateName(name: string): string {
  const chars = [...name];
  if (chars.length <= MAX_NAME_CHARS) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? [...name.slice(dot)] : [];
  const kept = extension.length <= MAX_KEPT_EXTENSION_CHARS ? extension : [];
  return [...chars.slice(0, MAX_NAME_CHARS - kept.length), ...kept].join('');
}
