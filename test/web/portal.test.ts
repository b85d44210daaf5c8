import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn } from '../server/app-helpers.ts';
import {
  describeBrowser,
  launchBrowser,
  openOneTimeLink,
  openPage,
  screenshot,
  signInAsCustomer,
  startWebServer,
  type WebServer,
} from './web-harness.ts';

describeBrowser('web: customer portal in Chromium', () => {
  let server: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // The one-time page's referrer policy is same-origin: with no-referrer Chromium posts its form
  // with `Origin: null`, which the cross-site check refuses (this test caught it).
  it('the printed one-time link signs the customer in and lands in the portal', async () => {
    const { page, context } = await openPage(browser, server.base);
    try {
      await openOneTimeLink(page, await server.customerLinkPath());
      await page.getByRole('heading', { name: 'Your contracts' }).waitFor({ timeout: 5000 });
      expect(page.url()).toBe(`${server.base}/portal/contracts`);
    } finally {
      await context.close();
    }
  });

  it('the customer signs in to the portal; contracts show coverage; sign out', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    expect(page.url()).toBe(`${server.base}/portal/contracts`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Contracts',
      'Downloads',
      'Tickets',
      'Backups',
      'Notifications',
    ]);
    const reports = page.getByRole('row', { name: /Acme Reports/ });
    await expect(reports.getByText('lapsed', { exact: true }).count()).resolves.toBe(1);
    const suite = page.getByRole('row', { name: /Acme Integration Suite/ });
    await expect(suite.getByText('active', { exact: true }).count()).resolves.toBe(1);
    await screenshot(page, 'portal-contracts');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'portal-contracts-phone');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Upkeep' }).waitFor();
    // Signed out for real: the API refuses the old cookie's session.
    const me = await page.request.get('/v1/auth/me');
    expect(me.status()).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('renews the lapsed contract: a quote in plain words, then the order with its invoice', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    await page.getByRole('link', { name: 'Acme Reports' }).click();
    await page.getByRole('heading', { name: 'Coverage terms' }).waitFor();
    await expect(page.getByText(/Coverage ended on/).count()).resolves.toBe(1);
    await page.getByLabel('Terms to buy').fill('1');
    await page.getByRole('button', { name: 'Get a quote' }).click();
    const explanation = page.getByTestId('quote-explanation');
    await explanation.waitFor();
    // The API's own words on the backdated renewal (R0.4), with the dates.
    await expect(explanation.textContent()).resolves.toMatch(/backdated/i);
    await expect(explanation.textContent()).resolves.toMatch(/\d{4}-\d{2}-\d{2}/);
    await screenshot(page, 'portal-renew-quote');
    await page.getByRole('button', { name: /^Order this renewal/ }).click();
    const ordered = page.getByRole('status').filter({ hasText: 'Ordered.' });
    await ordered.waitFor();
    await expect(ordered.textContent()).resolves.toMatch(/Invoice INV-\d+/);
    await screenshot(page, 'portal-renew-ordered');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('downloads a release the contract covers; a release it does not cover offers no download', async () => {
    const release = await server.db
      .selectFrom('releases')
      .innerJoin('products', 'products.id', 'releases.product_id')
      .select('releases.id')
      .where('products.slug', '=', 'acme-integration-suite')
      .executeTakeFirstOrThrow();
    const admin = await signIn(server.db, 'admin');
    const upload = await server.app.inject({
      method: 'POST',
      url: `/v1/releases/${release.id}/artifacts?fileName=integration-suite-3.2.0.zip`,
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrfToken,
        'content-type': 'application/octet-stream',
      },
      payload: Buffer.from('PK\u0003\u0004 integration suite 3.2.0'),
    });
    expect(upload.statusCode).toBe(201);

    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Downloads' }).click();
    const link = page.getByRole('link', { name: 'Download integration-suite-3.2.0.zip' });
    await link.waitFor();
    await screenshot(page, 'portal-downloads');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('integration-suite-3.2.0.zip');
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('latin1')).toContain('integration suite 3.2.0');
    // Acme Reports 2.1.0 was published after Globex's coverage lapsed: listed as not covered.
    await page.getByLabel('Show').selectOption('false');
    await page.getByRole('heading', { name: 'Acme Reports 2.1.0' }).waitFor();
    await expect(
      page.getByText('Renew the contract to download this release.').count(),
    ).resolves.toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the intake gate refuses a ticket on the lapsed contract and says why and what to do', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    await page.goto('/portal/tickets/new');
    await page.getByLabel('Product').selectOption({ label: 'Acme Reports' });
    await page.getByRole('combobox', { name: 'Category' }).selectOption('support');
    await page.getByLabel('Subject').fill('Export fails');
    await page.getByLabel('What happens?').fill('PDF export fails since 2.1.0');
    await page.getByRole('button', { name: 'Open the ticket' }).click();
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toMatch(/lapsed/i);
    await expect(refusal.getByRole('link', { name: 'See your contracts and renew' }).count()).resolves.toBe(
      1,
    );
    await screenshot(page, 'portal-ticket-refused');
    // The form's own schema check names the field before anything is sent.
    await page.getByLabel('Subject').fill('');
    await page.getByRole('button', { name: 'Open the ticket' }).click();
    await expect(
      page
        .getByRole('alert')
        .filter({ hasText: /Too small|at least/i })
        .count(),
    ).resolves.toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens a ticket with environment, platform and an attachment; the plan’s categories are offered', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInAsCustomer(page, server);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('link', { name: 'Open a ticket' }).click();
    await page.getByLabel('Product').selectOption({ label: 'Acme Integration Suite' });
    await page.getByLabel('Subject').fill('Import stopped');
    await page.getByLabel('What happens?').fill('The order import stops after the nightly sync');
    await page.getByLabel('Setting name 1').fill('OS');
    await page.getByLabel('Setting value 1').fill('Debian 12');
    await page.getByLabel('Platform', { exact: true }).fill('PostgreSQL');
    await page.getByLabel('Platform version').fill('15');
    await page.getByLabel('Attachments').setInputFiles({
      name: 'import.log',
      mimeType: 'text/plain',
      buffer: Buffer.from('2026-01-01 import: connection reset\n'),
    });
    await page.getByRole('button', { name: 'Open the ticket' }).click();
    // The contract read names the plan's categories; the form offers them as a choice.
    const category = page.getByRole('combobox', { name: 'Category' });
    await category.locator('option[value="3.1"]').waitFor({ state: 'attached' });
    await category.selectOption('3.1');
    await page.getByRole('button', { name: 'Open the ticket' }).click();
    await page.getByRole('heading', { name: /^#\d+ Import stopped$/ }).waitFor();
    await page.getByText('The order import stops after the nightly sync').waitFor();
    await page.getByRole('link', { name: 'import.log' }).waitFor();
    await expect(page.getByRole('heading', { name: 'SLA targets' }).count()).resolves.toBe(1);
    await expect(page.locator('time.clock').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'portal-ticket');
    // The customer replies in the conversation.
    await page.getByLabel('Message').fill('It also happens on Sundays.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('It also happens on Sundays.').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
