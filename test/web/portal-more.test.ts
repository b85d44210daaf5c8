import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import type { Browser } from 'playwright-core';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asSession, type SignedIn, signIn } from '../server/app-helpers.ts';
import {
  describeBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signInAsCustomer,
  startWebServer,
  unlabelledControls,
  type WebServer,
} from './web-harness.ts';

/**
 * Issue 6 §2: configuration backups (R4.5), the product-update list (R1.1), estimate agreement
 * (R2.10), license key rotation, and the new-ticket form offering the contract plan's categories.
 */
describeBrowser('web: more of the customer portal in Chromium', () => {
  let server: WebServer;
  let browser: Browser;
  let admin: SignedIn;
  let backupDir: string;
  let globex: string;
  const BACKUP_BYTES = 'PBX config: extensions 100-112, trunk sip.example';

  const inject = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers = {}) => {
    const res = await server.app.inject(
      asSession(admin, {
        method,
        url,
        headers,
        ...(payload !== undefined && { payload: payload as NonNullable<InjectOptions['payload']> }),
      }),
    );
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const idOf = async (table: 'products' | 'organisations', column: 'slug' | 'name', value: string) =>
    (
      await server.db
        .selectFrom(table)
        .select('id')
        .where(column as never, '=', value as never)
        .executeTakeFirstOrThrow()
    ).id as string;

  beforeAll(async () => {
    backupDir = await mkdtemp(join(tmpdir(), 'upkeep-web-backups-'));
    server = await startWebServer({ backupDir });
    browser = await launchBrowser();
    admin = await signIn(server.db, 'admin');
    globex = await idOf('organisations', 'name', 'Globex Ltd');
    const phones = await idOf('products', 'slug', 'acme-phone-system');
    const today = Temporal.Now.plainDateISO('UTC');
    // Two phone-system subscriptions (S4, yearly): one current, one lapsed a month ago.
    const current = await inject('POST', '/v1/contracts', {
      organisationId: globex,
      productId: phones,
      purchasedOn: today.subtract({ months: 1 }).toString(),
      seats: 3,
    });
    // One contract per product and organisation (R0.2): the lapsed one is for a second phone product.
    const lite = await inject('POST', '/v1/products', {
      slug: 'acme-phone-lite',
      name: 'Acme Phone Lite',
      category: 'standard',
      planKey: 'per-user-subscription',
      prices: [{ currency: 'USD', amountMinor: 0 }],
    });
    const lapsed = await inject('POST', '/v1/contracts', {
      organisationId: globex,
      productId: lite.id,
      purchasedOn: today.subtract({ months: 13 }).toString(),
      seats: 3,
    });
    for (const [name, contract] of [
      ['Head office PBX', current],
      ['Old warehouse PBX', lapsed],
    ] as const) {
      const system = await inject('POST', '/v1/systems', {
        organisationId: globex,
        name,
        contractId: contract.contractId,
      });
      await inject('POST', `/v1/systems/${system.id}/backups`, Buffer.from(`${BACKUP_BYTES} (${name})`), {
        'content-type': 'application/octet-stream',
      });
    }
    // A product under the S1 ticket desk, whose plan requires the product-update list (R1.1).
    const desk = await inject('POST', '/v1/products', {
      slug: 'acme-cms-desk',
      name: 'Acme CMS',
      category: 'standard',
      planKey: 'ticket-desk',
      prices: [{ currency: 'USD', amountMinor: 4900 }],
    });
    await inject('POST', '/v1/contracts', { organisationId: globex, productId: desk.id });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (backupDir) await rm(backupDir, { recursive: true, force: true });
  });

  it('lists the systems and their backups; downloads one; a lapsed subscription’s download is refused in words (R4.5)', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('heading', { name: 'Configuration backups' }).waitFor();
    const head = page.getByTestId('system').filter({ hasText: 'Head office PBX' });
    const old = page.getByTestId('system').filter({ hasText: 'Old warehouse PBX' });
    await head.getByRole('button', { name: /^Download backup of/ }).waitFor();
    await screenshot(page, 'portal-backups');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      head.getByRole('button', { name: /^Download backup of/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^bkp_.*\.backup$|\.backup$/);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(`${BACKUP_BYTES} (Head office PBX)`);
    await old.getByRole('button', { name: /^Download backup of/ }).click();
    const refused = old.getByTestId('backup-refused');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toMatch(/lapsed.*renewed/i);
    await expect(refused.textContent()).resolves.toMatch(/covered until/i);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'portal-backups-phone');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the product-update list: where a plan requires it, leaving it asks for confirmation and says support ends (R1.1)', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    const subscribed = async () =>
      (await page.request.get('/v1/me/subscriptions')).json().then((s) => s.productUpdates as boolean);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'Product-update mailing list' }).waitFor();
    // Subscribe first when the demo customer is not on the list yet.
    if (!(await subscribed())) {
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByText('You are on the product-update list.').waitFor();
    }
    await expect(page.getByTestId('list-required').textContent()).resolves.toMatch(
      /Acme CMS requires this list: without it you get no support/,
    );
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    const confirm = page.getByTestId('confirm-leave');
    await confirm.waitFor();
    await expect(confirm.textContent()).resolves.toMatch(/ends your support for Acme CMS/);
    await screenshot(page, 'portal-notifications-confirm');
    expect(await unlabelledControls(page)).toEqual([]);
    // Nothing changes until confirmed.
    await page.getByRole('button', { name: 'Stay subscribed' }).click();
    expect(await subscribed()).toBe(true);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('button', { name: 'Leave the list and lose support' }).click();
    await page.getByText('You left the product-update list.').waitFor();
    expect(await subscribed()).toBe(false);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('You are on the product-update list.').waitFor();
    expect(await subscribed()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the customer agrees to an estimate the agent proposed on the ticket page (R2.10)', async () => {
    const ticket = await server.db
      .selectFrom('tickets')
      .select('id')
      .where('organisation_id', '=', globex)
      .where('subject', 'like', 'Order import module%')
      .executeTakeFirstOrThrow();
    const proposed = await inject('POST', `/v1/tickets/${ticket.id}/estimate`, {
      minutes: 90,
      note: 'Rebuild the import index and rerun the nightly sync.',
    });
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    await page.goto(`/portal/tickets/${ticket.id}`);
    const panel = page.getByTestId('estimate');
    await panel.getByText('waits for you').waitFor();
    await panel.getByText('Rebuild the import index and rerun the nightly sync.').waitFor();
    await expect(panel.textContent()).resolves.toMatch(/1 h 30 min|90 min|1h 30/);
    await panel.getByRole('button', { name: 'Agree to this estimate' }).click();
    await panel.getByText('agreed', { exact: true }).waitFor();
    expect(await panel.getByRole('button', { name: 'Agree to this estimate' }).count()).toBe(0);
    const time = await inject('GET', `/v1/tickets/${ticket.id}/time`);
    expect(time.estimate).toMatchObject({ id: proposed.id, state: 'agreed' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a customer admin rotates a license key: confirmed first, the new key shown once with Copy, the old one revoked', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    await page.getByRole('link', { name: 'Acme Integration Suite' }).click();
    await page.getByRole('heading', { name: 'License keys' }).waitFor();
    const rotate = page.getByRole('button', { name: /^Rotate key \d+\.x$/ });
    await rotate.waitFor();
    const major = ((await rotate.textContent()) ?? '').replace(/\D+/g, '');
    await rotate.click();
    await page.getByText(new RegExp(`revokes the current ${major}\\.x key at once`)).waitFor();
    await page.getByRole('button', { name: 'Revoke it and issue a new key' }).click();
    const key = page.getByTestId('new-license-key');
    await key.waitFor();
    const fullKey = (await key.textContent()) ?? '';
    expect(fullKey).toMatch(/^UPK-/);
    await page.getByTestId('rotated-key').getByRole('button', { name: 'Copy' }).waitFor();
    await page.getByText('revoked', { exact: true }).waitFor();
    await screenshot(page, 'portal-key-rotated');
    const check = await page.request.post('/v1/licenses/validate', {
      data: { key: fullKey, version: '3.2.0' },
    });
    expect(await check.json()).toMatchObject({ valid: true });
    // Shown once: after a reload only prefixes remain.
    await page.reload();
    await page.getByRole('heading', { name: 'License keys' }).waitFor();
    expect(await page.getByText(fullKey).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the new-ticket form offers the categories of the chosen product's contract as a choice", async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    await page.goto('/portal/tickets/new');
    await page.getByLabel('Product').selectOption({ label: 'Acme Integration Suite' });
    const category = page.getByRole('combobox', { name: 'Category' });
    await category.locator('option', { hasText: '3.1 — ' }).waitFor({ state: 'attached' });
    const options = await category.locator('option').allTextContents();
    expect(options).toContain('2 — Software support');
    expect(options.some((o) => /^\s+2\.1 — Analysis/.test(o))).toBe(true);
    // Another product, another plan: the choice follows the contract.
    await page.getByLabel('Product').selectOption({ label: 'Acme CMS' });
    await category.locator('option', { hasText: 'question' }).waitFor({ state: 'attached' });
    expect(await category.locator('option', { hasText: '3.1 — ' }).count()).toBe(0);
    await page.getByLabel('Product').selectOption({ label: 'Acme Integration Suite' });
    await category.locator('option', { hasText: '3.1 — ' }).waitFor({ state: 'attached' });
    await category.selectOption('3.1');
    await page.getByLabel('Subject').fill('Sync stalls at 3 am');
    await page.getByLabel('What happens?').fill('The sync stalls every night at 3 am.');
    await page.getByRole('button', { name: 'Open the ticket' }).click();
    await page.getByRole('heading', { name: /^#\d+ Sync stalls at 3 am$/ }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
