import { Temporal } from 'temporal-polyfill';
import { escapeHtml } from '../auth/one-time-page.ts';

/** The languages notices are written in; an account's `locale` picks one, anything else falls back to English. */
export const MAIL_LOCALES = ['en', 'de'] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

export function mailLocaleOf(locale: string | null | undefined): MailLocale {
  const language = (locale ?? 'en').toLowerCase().slice(0, 2);
  return (MAIL_LOCALES as readonly string[]).includes(language) ? (language as MailLocale) : 'en';
}

/**
 * A notice as its template writes it: a subject, paragraphs of plain text, optional preformatted
 * blocks (license keys) and one call to action. Rendering turns it into the text and HTML parts;
 * templates never write markup, so nothing they interpolate can become markup.
 */
export type MailContent = {
  subject: string;
  greeting: string;
  paragraphs: string[];
  /** Shown verbatim in a monospace block (license keys): the text part prints them on their own lines. */
  codes?: string[] | undefined;
  action?: { label: string; url: string };
  /** Small print under the signature (why the mail came, how to stop it). */
  footer?: string[];
};

export type RenderedMail = { subject: string; text: string; html: string };

/**
 * One line, no control characters: what goes into a header (subject, display name). CR/LF in a
 * customer-chosen name or subject must never start a new header (header injection).
 */
export function headerSafe(text: string, max = 200): string {
  const single = text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}

export function renderMail(content: MailContent, signature: string): RenderedMail {
  const subject = headerSafe(content.subject);
  const text = [
    content.greeting,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.codes?.length ? [...content.codes.map((c) => `    ${c}`), ''] : []),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    signature,
    ...(content.footer?.length ? ['', '-- ', ...content.footer] : []),
  ].join('\n');
  const p = (t: string) => `<p style="margin:0 0 1em">${escapeHtml(t)}</p>`;
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:40rem;margin:0 auto;padding:1rem">',
    p(content.greeting),
    ...content.paragraphs.map(p),
    ...(content.codes?.length
      ? [
          `<pre style="background:#f6f8fa;padding:.75em;border-radius:6px;font-size:1.05em">${content.codes
            .map(escapeHtml)
            .join('\n')}</pre>`,
        ]
      : []),
    ...(content.action
      ? [
          `<p style="margin:1.5em 0"><a href="${escapeHtml(content.action.url)}" style="background:#0969da;color:#fff;padding:.6em 1.2em;border-radius:6px;text-decoration:none">${escapeHtml(content.action.label)}</a></p>`,
        ]
      : []),
    p(signature),
    ...(content.footer?.length
      ? [
          `<hr style="border:none;border-top:1px solid #d0d7de"><div style="font-size:.85em;color:#59636e">${content.footer
            .map(p)
            .join('')}</div>`,
        ]
      : []),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** An instant as people read it in a zone: `2026-12-03 14:30 (Europe/Berlin)`. */
export function formatInstant(at: Date | string, timeZone: string): string {
  if (Number.isNaN(new Date(at).getTime())) return String(at);
  const instant = Temporal.Instant.fromEpochMilliseconds(new Date(at).getTime());
  const zoned = instant.toZonedDateTimeISO(timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${zoned.toPlainDate().toString()} ${pad(zoned.hour)}:${pad(zoned.minute)} (${timeZone})`;
}

/** Integer minor units as money in the reader's language: 49900 USD → "$499.00" / "499,00 $". */
export function formatMoney(amountMinor: number, currency: string, locale: MailLocale): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const major = Number(BigInt(amountMinor)) / 10 ** digits;
  return new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-US', { style: 'currency', currency }).format(
    major,
  );
}
