import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createAccount } from '../../src/server/auth/accounts.service.ts';
import { hashPassword } from '../../src/server/auth/secrets.ts';
import { createOneTimeToken } from '../../src/server/auth/sessions.service.ts';
import type { Config } from '../../src/server/config.ts';
import { kyselyOverPglite, startPglite } from '../../src/server/db/database.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { seedDemo } from '../../src/server/demo/demo.seed.ts';
import { DEMO_CUSTOMER_EMAIL, seedDemoCommerce } from '../../src/server/demo/demo-commerce.seed.ts';
import { FAST_SCRYPT, testConfig, testSealingKey } from '../server/app-helpers.ts';

/**
 * Browser tests: a real server (buildApp over an in-memory PGlite with the demo data) on a
 * loopback port, the built web app from web/dist, and Debian's Chromium driven by playwright-core.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];
const ROOT = new URL('../../', import.meta.url).pathname;
const DIST_INDEX = join(ROOT, 'web/dist/index.html');
export const ARTIFACTS = join(ROOT, 'test-artifacts/web');

/** Runs `body` when Chromium is installed; otherwise says so loudly, and fails on CI. */
export function describeBrowser(title: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(title, body);
    return;
  }
  const reason = `${CHROMIUM_PATH} is missing: install it (apt-get install chromium) or set CHROMIUM_PATH`;
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('runs in Chromium', () => {
        throw new Error(`CI=true but the browser tests cannot run: ${reason}`);
      });
    });
    return;
  }
  console.warn(`SKIPPED browser tests "${title}": ${reason}`);
  describe.skip(title, body);
}

/** Newest modification time of the files the web build reads. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['web', 'src/schema', 'src/core']) walk(join(ROOT, dir));
  return newest;
}

const isStale = () => !existsSync(DIST_INDEX) || statSync(DIST_INDEX).mtimeMs < newestSource();

/**
 * Builds web/dist when it is missing or older than its sources. Test files run in parallel
 * processes: a lock directory makes one build while the others wait for it.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (!isStale()) return;
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  const lock = join(ROOT, 'test-artifacts/.web-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a killed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error(`waited too long for ${lock}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isStale()) return;
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  } finally {
    rmdirSync(lock);
  }
}

export type WebServer = {
  base: string;
  app: FastifyInstance;
  db: Kysely<Database>;
  staff: { agent: Credentials; admin: Credentials };
  /** The demo customer, Grace Globex (Globex Ltd), given a password for these tests. */
  customer: Credentials;
  /** A fresh one-time sign-in path for the demo customer (Grace Globex, Globex Ltd). */
  customerLinkPath: () => Promise<string>;
  close: () => Promise<void>;
};
export type Credentials = { email: string; password: string; id: string };

const PASSWORD = 'web-test-Kestrel-91!';

/** The demo data (products, Globex and Initech, contracts, two tickets) plus an agent and an admin with passwords. */
export async function startWebServer(overrides: Partial<Config> = {}): Promise<WebServer> {
  await ensureWebBuilt();
  // The demo's release files go to a directory of this server's own.
  const artifactDir = await mkdtemp(join(tmpdir(), 'upkeep-web-artifacts-'));
  const config = { ...testConfig, artifactDir, ...overrides };
  const db = kyselyOverPglite(await startPglite({}));
  await migrateToLatest(db);
  const now = new Date();
  await seedDemo(db, now);
  await seedDemoCommerce(db, config, now, testSealingKey);
  const staffAccount = async (role: 'agent' | 'admin') => {
    const email = `${role}@web.test`;
    const account = await createAccount(
      db,
      {
        email,
        name: role === 'admin' ? 'Ada Admin' : 'Alex Agent',
        role,
        password: PASSWORD,
        passwordCost: FAST_SCRYPT,
      },
      now,
    );
    return { email, password: PASSWORD, id: account.id };
  };
  const staff = { agent: await staffAccount('agent'), admin: await staffAccount('admin') };
  const app = await buildApp({
    config,
    db,
    passwordCost: FAST_SCRYPT,
    sealingKey: testSealingKey,
    signInLimits: { perIp: 1000, perAccount: 1000, windowMs: 60_000 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const customerId = (
    await db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', DEMO_CUSTOMER_EMAIL)
      .executeTakeFirstOrThrow()
  ).id;
  await db
    .updateTable('accounts')
    .set({ password_hash: await hashPassword(PASSWORD, FAST_SCRYPT) })
    .where('id', '=', customerId)
    .execute();
  return {
    customer: { email: DEMO_CUSTOMER_EMAIL, password: PASSWORD, id: customerId },
    base: `http://127.0.0.1:${port}`,
    app,
    db,
    staff,
    customerLinkPath: async () => `/v1/auth/one-time/${await createOneTimeToken(db, customerId, new Date())}`,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export type Watched = { page: Page; context: BrowserContext; problems: string[] };

/**
 * A fresh browser context and page that records what must never happen: a dialog (alert, confirm),
 * a page error, a CSP violation or any other console error. Tests assert `problems` is empty.
 */
export async function openPage(browser: Browser, base: string, width = 1280): Promise<Watched> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (401 before sign-in, a 422 refusal) is the app working, not a fault.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return { page, context, problems };
}

export async function signInWithPassword(page: Page, who: Credentials): Promise<void> {
  await page.goto('/sign-in');
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'With a password' }) });
  await form.getByLabel('Email').fill(who.email);
  await form.getByLabel('Password').fill(who.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The demo customer signs in with the password form and lands on the portal's contracts. */
export async function signInAsCustomer(page: Page, server: WebServer): Promise<void> {
  await signInWithPassword(page, server.customer);
  await page.getByRole('heading', { name: 'Your contracts' }).waitFor();
}

/** Opens a one-time link and presses its button, as a person does with the link `npm start` prints. */
export async function openOneTimeLink(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.getByRole('button', { name: /^Sign in as/ }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Every visible form control of the page has an accessible name (a label, aria-label or
 * aria-labelledby); returns the ones that have none, described.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden' || el.offsetParent === null) continue;
      const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!named) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  })()`);
}

/** Presses Tab until `done` says focus arrived, at most `max` times; returns the focused elements' names. */
export async function tabUntil(page: Page, target: string, max = 40): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(`(() => {
      const el = document.activeElement;
      if (!el) return '';
      const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
      return (label || el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 60);
    })()`);
    seen.push(String(name));
    if (name === target) return seen;
  }
  return seen;
}
