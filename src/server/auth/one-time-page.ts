import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Account } from '../../schema/auth.schema.ts';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}' +
  'button{font:inherit;padding:.6rem 1.2rem;cursor:pointer}';
const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** Nothing loads but the one inline style (by hash); the form may only post back to this origin; no framing. */
export const ONE_TIME_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** The confirmation page: it names the account, and only its button (a POST) uses the link. */
export function confirmPage(account: Account, token: string): string {
  const action = `/v1/auth/one-time/${encodeURIComponent(token)}`;
  return page(
    'Sign in to Upkeep',
    `<p>This one-time link signs you in as <strong>${escapeHtml(account.name)}</strong> (${escapeHtml(account.email)}).</p>
<p>If that is not you, or you did not ask for this link, close this page: nothing happens until you press the button.</p>
<form method="post" action="${escapeHtml(action)}">
<button type="submit">Sign in as ${escapeHtml(account.email)}</button>
</form>`,
  );
}

export function invalidLinkPage(): string {
  return page(
    'This sign-in link cannot be used',
    `<p>The link is unknown, expired or already used. Sign-in links from an admin last 24 hours, invitations 7 days, emailed sign-in links 15 minutes.</p>
<p>Ask an admin for a new one. Operators can print one with <code>upkeep admin login-link --email …</code>.</p>`,
  );
}

/** Headers for the HTML pages: strict CSP, never cached (the URL holds a secret), never sent as a referrer to another site (same-origin: a browser posting
 * the form then sends its Origin, which the cross-site check needs). */
export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', ONE_TIME_PAGE_CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .send(html);
}
