import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build:web` writes the app (web/vite.config.ts: build.outDir). */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * The app's pages may load only this origin's scripts, styles, images and API; nothing inline
 * (React escapes text; no inline scripts or style attributes are used), no plugins, no framing.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the API or the server: never answered with the app's index.html. */
const SERVER_PREFIXES = ['/v1/', '/v1', '/docs', '/health', '/metrics', '/openapi.json', '/.well-known/'];

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Upkeep</title></head>
<body>
<h1>Upkeep</h1>
<p>The web app is not built yet. Build it with <code>npm run build:web</code> (<code>npm start</code> does it for you), then reload this page.</p>
<ul>
<li><a href="/docs">API documentation</a></li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/health">Health</a></li>
</ul>
</body></html>
`;

export type WebAppOptions = { distDir?: string | undefined };

/**
 * Serves the built web app (web/dist) from this server: hashed files under /assets/ cached for a
 * year, every other GET that is not an API path answered with index.html (client-side routes),
 * each with the app's strict CSP. Anything else goes to the one 404 handler (`callNotFound`), so
 * API clients and metrics see an unmatched route exactly as before. The one-time sign-in link
 * redirects to /, so it lands in the app.
 */
export function registerWebAppRoutes(app: FastifyInstance, options: WebAppOptions = {}): void {
  const dist = normalize(options.distDir ?? DEFAULT_WEB_DIST);
  const sendIndex = (_request: FastifyRequest, reply: FastifyReply) => sendIndexHtml(reply, dist);

  app.get('/', {
    config: { access: 'public' },
    schema: { tags: ['web'], summary: 'The web app (index.html), or how to build it.' },
    handler: sendIndex,
  });

  app.get('/favicon.svg', {
    config: { access: 'public' },
    schema: { tags: ['web'], summary: "The web app's icon." },
    handler: async (_request, reply) => {
      const file = await readDistFile(dist, 'favicon.svg');
      if (!file) return reply.callNotFound();
      return sendFile(reply, file.path, file.body, 'public, max-age=86400');
    },
  });

  app.get('/assets/:file', {
    config: { access: 'public' },
    schema: { tags: ['web'], summary: 'A hashed file of the built web app (cached for a year).' },
    handler: async (request, reply) => {
      const name = (request.params as { file: string }).file;
      // The build writes assets flat (assets/<name>-<hash>.<ext>): any other name is not one.
      const file = /^[\w-][\w.-]*$/.test(name) ? await readDistFile(dist, `assets/${name}`) : null;
      if (!file) return reply.callNotFound();
      return sendFile(reply, file.path, file.body, 'public, max-age=31536000, immutable');
    },
  });

  // Client routes (/portal/tickets/tkt_…) are not server routes: a GET no route matched, from a
  // browser (Accept: text/html), outside the API's paths, gets index.html and the app routes it.
  // A hook rather than a catch-all route keeps the route table and OpenAPI to real routes; every
  // other unmatched request still reaches the one 404 handler.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' || request.routeOptions.url !== undefined) return done();
    const path = request.url.split('?')[0] ?? '/';
    const isServerPath = SERVER_PREFIXES.some(
      (p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`),
    );
    if (isServerPath || !request.headers.accept?.includes('text/html')) return done();
    const topLevelFile = /^\/[\w.-]+\.[a-z0-9]+$/i.test(path);
    const answer = topLevelFile
      ? readDistFile(dist, path.slice(1)).then((file) =>
          file ? sendFile(reply, file.path, file.body, 'public, max-age=3600') : done(),
        )
      : sendIndexHtml(reply, dist);
    answer.catch(done);
  });
}

async function sendIndexHtml(reply: FastifyReply, dist: string): Promise<FastifyReply> {
  const file = await readDistFile(dist, 'index.html');
  if (!file) return securePage(reply, 'no-store').type(CONTENT_TYPES['.html']!).send(NOT_BUILT_PAGE);
  return sendFile(reply, file.path, file.body, 'no-cache');
}

function sendFile(reply: FastifyReply, path: string, body: Buffer, cacheControl: string): FastifyReply {
  return securePage(reply, cacheControl)
    .type(CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
    .send(body);
}

function securePage(reply: FastifyReply, cacheControl: string): FastifyReply {
  return reply
    .header('content-security-policy', WEB_APP_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', cacheControl);
}

/** A regular file inside `dist`, or null: `..`, absolute paths and directories never leave it. */
async function readDistFile(dist: string, relative: string): Promise<{ path: string; body: Buffer } | null> {
  if (relative.includes('\0')) return null;
  const path = normalize(join(dist, relative));
  if (!path.startsWith(dist.endsWith(sep) ? dist : `${dist}${sep}`)) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
    return { path, body: await readFile(path) };
  } catch {
    return null;
  }
}
