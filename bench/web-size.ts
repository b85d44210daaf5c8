/**
 * The first page's JavaScript, gzipped (issue 6 §6: goal ≤ 250 KB): builds the web app, then sums
 * the gzip sizes of the scripts index.html loads before anything runs — the entry module and its
 * modulepreloads. The lazy chunks (portal, console, admin) load only after sign-in and are listed
 * beside it. Writes its section of bench/RESULTS.md.
 *
 *   npm run bench:web-size
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { type ResultsSection, writeSection } from './results-file.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const DIST = join(ROOT, 'web/dist');
const GOAL_KB = 250;

const WEB_SIZE_SECTION: ResultsSection = {
  start: '<!-- web-size:start -->',
  end: '<!-- web-size:end -->',
  placement: 'last',
};

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
const raw = (file: string) => readFileSync(join(DIST, file)).length;

await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const attr = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => (m[1] ?? '').replace(/^\//, ''));
const firstPage = [
  ...attr(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
  ...attr(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
];
const css = attr(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g);
const lazy = readdirSync(join(DIST, 'assets'))
  .map((f) => `assets/${f}`)
  .filter((f) => f.endsWith('.js') && !firstPage.includes(f));

const firstGz = firstPage.reduce((sum, f) => sum + gz(f), 0);
const firstRaw = firstPage.reduce((sum, f) => sum + raw(f), 0);
const lazyGz = lazy.reduce((sum, f) => sum + gz(f), 0);
// The dashboards (Chart.js with them) are one lazy chunk of their own, reported on its own line.
const dashboards = lazy.filter((f) => /\/dashboards-[^/]*\.js$/.test(f));
const met = firstGz / 1024 <= GOAL_KB;
const cpu = cpus()[0]?.model ?? 'unknown CPU';

const lines = [
  '## Web app: the first page’s JavaScript (gzipped)',
  '',
  `Machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
  'Command: `npm run bench:web-size` (bench/web-size.ts: `vite build`, then gzip level 9 of each file).',
  '',
  '| what | raw | gzipped | goal |',
  '| --- | ---: | ---: | ---: |',
  `| **first page JS** (entry + modulepreloads: ${firstPage.join(', ')}) | ${kb(firstRaw)} KB | **${kb(firstGz)} KB** | ≤ ${GOAL_KB} KB — ${met ? 'met' : 'MISSED'} |`,
  ...css.map((f) => `| first page CSS (${f}) | ${kb(raw(f))} KB | ${kb(gz(f))} KB | |`),
  `| lazy chunks after sign-in (${lazy.length} files: portal, console, admin, shared) | ${kb(lazy.reduce((s, f) => s + raw(f), 0))} KB | ${kb(lazyGz)} KB | not counted |`,
  ...dashboards.map(
    (f) =>
      `| of which the dashboards chunk (${f}: the charts page with Chart.js, loaded on /console/dashboards only) | ${kb(raw(f))} KB | ${kb(gz(f))} KB | not counted |`,
  ),
  '',
  'The first page is the sign-in page and the shell: React, React DOM, the router, the API client and',
  'zod (the forms validate with the API’s own schemas). Each area is a separate chunk loaded on',
  'first use, so the portal, the console and admin (and temporal-polyfill, which the ticket and',
  'contract schemas pull in) never weigh on the first page.',
  '',
  'The dashboards (`/console/dashboards`) are a chunk of their own with Chart.js, tree-shaken to bar and',
  'line charts: only an agent who opens them loads it, and the console chunk stays without it.',
];
const body = lines.join('\n');
writeSection(join(ROOT, 'bench/RESULTS.md'), WEB_SIZE_SECTION, body);
console.log(body);
