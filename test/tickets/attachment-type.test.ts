import { crc32, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type AttachmentSniff,
  MAX_ATTACHMENT_BYTES,
  safeDownloadName,
  sniffAttachment,
} from '../../src/server/tickets/attachment-type.ts';

const text = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
const u32be = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** A PNG chunk: length, type, data, CRC-32 of type + data. */
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat(text(type), data);
  return concat(u32be(data.length), typed, u32be(crc32(typed)));
}

/** A 1×1 RGBA PNG: signature, IHDR, IEND. */
const png = concat(
  new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  pngChunk('IHDR', concat(u32be(1), u32be(1), new Uint8Array([8, 6, 0, 0, 0]))),
  pngChunk('IEND', new Uint8Array()),
);
const jpeg = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00,
]);
const gif = text('GIF89a\x01\x00\x01\x00\x00\x00\x00;');
const webp = concat(text('RIFF'), new Uint8Array([0x1a, 0, 0, 0]), text('WEBPVP8 '), new Uint8Array(14));
const pdf = text('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/** A zip local file header for one stored (uncompressed) entry. */
function zipWith(name: string, data: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(30));
  header.setUint32(0, 0x04034b50, true); // PK\x03\x04
  header.setUint16(4, 20, true); // version needed
  header.setUint32(14, crc32(data), true);
  header.setUint32(18, data.length, true);
  header.setUint32(22, data.length, true);
  header.setUint16(26, name.length, true);
  return concat(new Uint8Array(header.buffer), text(name), data);
}

/** A POSIX ustar header for one empty file, checksum included. */
function tarHeader(name: string): Uint8Array {
  const h = new Uint8Array(512);
  const put = (at: number, s: string) => h.set(text(s), at);
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, '00000000000\0');
  put(136, '00000000000\0');
  put(148, '        ');
  put(156, '0');
  put(257, 'ustar\x0000');
  put(
    148,
    `${h
      .reduce((sum, b) => sum + b, 0)
      .toString(8)
      .padStart(6, '0')}\0 `,
  );
  return concat(h, new Uint8Array(512 * 2));
}

const sevenZip = new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04, ...new Array(24).fill(0)]);
/** ELF64 little-endian header start: magic, class, data, version, OS ABI, e_type = EXEC, e_machine = x86-64. */
const elf = concat(
  new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]),
  new Uint8Array(44),
);
/** A PE: the DOS "MZ" stub pointing at "PE\0\0" at 0x80. */
const pe = (() => {
  const bytes = new Uint8Array(0x98);
  bytes.set(text('MZ'), 0);
  new DataView(bytes.buffer).setUint32(0x3c, 0x80, true);
  bytes.set(text('PE\0\0'), 0x80);
  return bytes;
})();
const machO = new Uint8Array([0xcf, 0xfa, 0xed, 0xfe, 0x07, 0x00, 0x00, 0x01, 0x03, 0, 0, 0, 0x02, 0, 0, 0]);
const sqlite = concat(text('SQLite format 3\0'), new Uint8Array(84));

const log = text(
  '2026-03-02T10:00:00Z ERROR license check failed for key LK-1234 — clé refusée (日本語)\n' +
    '2026-03-02T10:00:01Z WARN retrying in 5 s\n',
);
const html = text('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const svg = text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>');
const xmlConfig = text(
  '<?xml version="1.0" encoding="UTF-8"?>\n<configuration><log level="debug"/></configuration>\n',
);

const stored = (contentType: string, extension: string): AttachmentSniff => ({
  ok: true,
  contentType,
  extension,
});
const refused = (detected: string | null): AttachmentSniff => ({
  ok: false,
  reason: 'TYPE_NOT_ALLOWED',
  detected,
});
const plainText = stored('text/plain', 'txt');

describe('R2.2 (S3: business-sla) attachment type comes from the content', () => {
  it.each<[string, Uint8Array, string, AttachmentSniff]>([
    ['R2.2 (S3): a PNG screenshot is stored as image/png', png, 'screenshot.png', stored('image/png', 'png')],
    ['R2.2 (S3): a JPEG photo is stored as image/jpeg', jpeg, 'photo.jpeg', stored('image/jpeg', 'jpg')],
    ['R2.2 (S3): a GIF is stored as image/gif', gif, 'anim.gif', stored('image/gif', 'gif')],
    ['R2.2 (S3): a WebP is stored as image/webp', webp, 'shot.webp', stored('image/webp', 'webp')],
    ['R2.2 (S3): a PDF is stored as application/pdf', pdf, 'report.pdf', stored('application/pdf', 'pdf')],
    [
      'R2.2 (S3): a zip of logs is stored as application/zip',
      zipWith('app.log', text('hello')),
      'logs.zip',
      stored('application/zip', 'zip'),
    ],
    [
      'R2.2 (S3): a gzipped log is stored as application/gzip',
      new Uint8Array(gzipSync(log)),
      'app.log.gz',
      stored('application/gzip', 'gz'),
    ],
    [
      'R2.2 (S3): a gzipped tar keeps the tar.gz extension',
      new Uint8Array(gzipSync(tarHeader('app.log'))),
      'logs.tgz',
      stored('application/gzip', 'tar.gz'),
    ],
    [
      'R2.2 (S3): a tar is stored as application/x-tar',
      tarHeader('app.log'),
      'logs.tar',
      stored('application/x-tar', 'tar'),
    ],
    [
      'R2.2 (S3): a 7z is stored as application/x-7z-compressed',
      sevenZip,
      'logs.7z',
      stored('application/x-7z-compressed', '7z'),
    ],
    ['R2.2 (S3): a UTF-8 log file is stored as text/plain', log, 'app.log', plainText],
    ['R2.2 (S3): an HTML file named x.png is stored as text/plain', html, 'x.png', plainText],
    ['R2.2 (S3): an .html file is text/plain, never served as HTML', html, 'page.html', plainText],
    ['R2.2 (S3): an SVG with a script is text/plain', svg, 'logo.svg', plainText],
    ['R2.2 (S3): an XML config is text/plain', xmlConfig, 'app.config', plainText],
    ['R2.2 (S3): a PNG named report.exe is still a PNG', png, 'report.exe', stored('image/png', 'png')],
    ['R2.2 (S3): an ELF executable is refused', elf, 'tool', refused('application/x-elf')],
    [
      'R2.2 (S3): an ELF executable named screenshot.png is refused',
      elf,
      'screenshot.png',
      refused('application/x-elf'),
    ],
    ['R2.2 (S3): a Windows PE/exe is refused', pe, 'setup.txt', refused('application/x-msdownload')],
    ['R2.2 (S3): a Mach-O binary is refused', machO, 'tool.log', refused('application/x-mach-binary')],
    [
      'R2.2 (S3): another detected type (SQLite) is refused',
      sqlite,
      'data.log',
      refused('application/x-sqlite3'),
    ],
    ['R2.2 (S3): text with a NUL byte is refused', text('line one\0line two\n'), 'app.log', refused(null)],
    [
      'R2.2 (S3): bytes that are not UTF-8 (Latin-1) are refused',
      new Uint8Array([0x63, 0x6c, 0xe9, 0x20, 0x72, 0x65, 0x66, 0x75, 0x73, 0xe9, 0x65]),
      'app.log',
      refused(null),
    ],
    [
      'R2.2 (S3): an empty file is refused',
      new Uint8Array(),
      'empty.log',
      { ok: false, reason: 'EMPTY', detected: null },
    ],
  ])('%s', async (_name, bytes, originalName, expected) => {
    await expect(sniffAttachment(bytes, originalName)).resolves.toEqual(expected);
  });

  it('R2.2 (S3): attachments are limited to 10 MiB', () => {
    expect(MAX_ATTACHMENT_BYTES).toBe(10_485_760);
  });
});

describe('R2.2 (S3) safe download names', () => {
  it.each<[string, string, string]>([
    ['an ordinary name is kept', 'report.pdf', 'report.pdf'],
    ['non-ASCII letters are kept', 'Protokoll-Übersicht 日本.txt', 'Protokoll-Übersicht 日本.txt'],
    ['a Windows path keeps its last part', 'C:\\Users\\ann\\Desktop\\crash.log', 'crash.log'],
    ['a relative path keeps its last part', '../../etc/passwd', 'passwd'],
    ['a fullwidth solidus is a path separator after NFKC', 'dir／..／secret.txt', 'secret.txt'],
    ['fullwidth letters are folded (NFKC)', 'ｒｅｐｏｒｔ.pdf', 'report.pdf'],
    ['quotes are removed', 'a"b\'c`d.txt', 'abcd.txt'],
    ['CR/LF cannot start a new header', 'evil\r\nSet-Cookie: x=1.txt', 'evilSet-Cookie x=1.txt'],
    ['a right-to-left override cannot disguise the extension', 'invoice\u202Egpj.exe', 'invoicegpj.exe'],
    ['zero-width characters are removed', 'lo\u200Bg\uFEFF.txt', 'log.txt'],
    ['Windows-reserved characters are removed', 'a<b>c|d?e*.log', 'abcde.log'],
    ['surrounding spaces are trimmed', '  notes.txt  ', 'notes.txt'],
    ['an empty name falls back', '', 'attachment'],
    ['a blank name falls back', '   ', 'attachment'],
    ['".." falls back', '..', 'attachment'],
    ['a trailing slash falls back', 'logs/', 'attachment'],
    ['only invisible characters fall back', '\u200B\u202E', 'attachment'],
    [
      'a long name keeps its extension within 200 characters',
      `${'a'.repeat(300)}.log`,
      `${'a'.repeat(196)}.log`,
    ],
    ['200 characters count code points, not UTF-16 units', '😀'.repeat(250), '😀'.repeat(200)],
    ['an overlong extension is cut with the rest', `${'a'.repeat(250)}.${'b'.repeat(30)}`, 'a'.repeat(200)],
  ])('R2.2 (S3): %s', (_name, originalName, expected) => {
    expect(safeDownloadName(originalName)).toBe(expected);
    expect([...safeDownloadName(originalName)].length).toBeLessThanOrEqual(200);
  });
});
