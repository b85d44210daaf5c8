import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signInAsCustomer,
  signInWithPassword,
  startWebServer,
  type WebServer,
} from './web-harness.ts';

describeBrowser('web: agent console and admin in Chromium', () => {
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

  it('a customer opens a ticket, the agent answers it from the queue, the customer reads the answer', async () => {
    const customer = await openPage(browser, server.base);
    await signInAsCustomer(customer.page, server);
    await customer.page.goto('/portal/tickets/new');
    await customer.page.getByLabel('Product').selectOption({ label: 'Acme Integration Suite' });
    await customer.page.getByRole('combobox', { name: 'Category' }).selectOption('3.1');
    await customer.page.getByLabel('Subject').fill('Nightly export hangs');
    await customer.page.getByLabel('What happens?').fill('The export job hangs at 80 %.');
    await customer.page.getByRole('button', { name: 'Open the ticket' }).click();
    await customer.page.getByRole('heading', { name: /Nightly export hangs/ }).waitFor();
    const ticketPath = new URL(customer.page.url()).pathname.replace('/portal/', '/console/');

    const agent = await openPage(browser, server.base);
    await signInWithPassword(agent.page, server.staff.agent);
    expect(new URL(agent.page.url()).pathname).toBe('/console/queue');
    const nav = agent.page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Queue',
      'Tickets',
      'Customers',
      'Mail',
      'Flags',
      'Dashboards',
    ]);
    // The queue in the API's order, with a live countdown on each row.
    const rows = agent.page.getByTestId('queue-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const clock = rows.first().locator('time.clock');
    const before = await clock.textContent();
    await agent.page.waitForTimeout(1500);
    expect(await clock.textContent()).not.toBe(before);
    await screenshot(agent.page, 'console-queue');
    await agent.page.getByRole('link', { name: /Nightly export hangs/ }).click();
    await agent.page.getByRole('heading', { name: /Nightly export hangs/ }).waitFor();
    expect(new URL(agent.page.url()).pathname).toBe(ticketPath);

    await agent.page.getByRole('button', { name: 'Assign to me' }).click();
    await agent.page.getByText('Assigned to you.').waitFor();
    await agent.page.getByLabel('Message').fill('Please send the export log from last night.');
    await agent.page.getByRole('button', { name: 'Send reply' }).click();
    await agent.page.getByText('Please send the export log from last night.').waitFor();
    await agent.page.getByLabel('Internal note (staff only)').check();
    await agent.page.getByLabel('Note', { exact: true }).fill('Probably the lock timeout again.');
    await agent.page.getByRole('button', { name: 'Add note' }).click();
    await agent.page.getByText('Probably the lock timeout again.').waitFor();
    await agent.page.getByLabel('Minutes worked').fill('25');
    await agent.page.getByLabel('What was done').fill('Read the logs');
    await agent.page.getByRole('button', { name: 'Log time' }).click();
    await agent.page.getByText(/Logged: 25 min/).waitFor();
    await agent.page.getByLabel('Set status').selectOption('waiting-on-customer');
    await agent.page.getByRole('button', { name: 'Set', exact: true }).click();
    await agent.page.getByText('waiting-on-customer', { exact: true }).first().waitFor();
    await screenshot(agent.page, 'console-ticket');

    await customer.page.reload();
    await customer.page.getByText('Please send the export log from last night.').waitFor();
    // The internal note never reaches the customer.
    expect(await customer.page.getByText('Probably the lock timeout again.').count()).toBe(0);
    expect(customer.problems).toEqual([]);
    expect(agent.problems).toEqual([]);
    await customer.context.close();
    await agent.context.close();
  });

  it('the customer at a glance: contracts, invoices and tickets of one organisation', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInWithPassword(page, server.staff.agent);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Globex Ltd' }).click();
    await page.getByRole('heading', { name: 'Globex Ltd' }).waitFor();
    await page.getByRole('link', { name: 'Acme Integration Suite' }).first().waitFor();
    await page
      .getByText(/INV-\d+/)
      .first()
      .waitFor();
    await screenshot(page, 'console-customer');
    // An agent has no admin pages: the navigation does not offer them and the URL says so.
    await page.goto('/admin/api-keys');
    await page.getByRole('heading', { name: 'Not here' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('admin: products and releases, a plan in plain words with validation, API keys', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInWithPassword(page, server.staff.admin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Products' }).click();
    await page.getByRole('link', { name: 'Acme Reports' }).click();
    await page.getByRole('heading', { name: 'Releases' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: '2.1.0 published' }).waitFor();
    await page.getByLabel('Version').fill('2.2');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText(/semantic version/).waitFor();
    await page.getByLabel('Version').fill('2.2.0');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page
      .getByRole('listitem')
      .filter({ hasText: '2.2.0 published' })
      .waitFor({ timeout: 5000 })
      .catch(async (error) => {
        await screenshot(page, 'FAILED-admin-publish');
        throw error;
      });
    await screenshot(page, 'admin-product');

    await nav.getByRole('link', { name: 'Plans' }).click();
    await page
      .getByRole('link', { name: /Business SLA|business-sla/i })
      .first()
      .click();
    const explain = page.getByTestId('plan-explain');
    await explain.waitFor();
    expect((await explain.textContent())?.length).toBeGreaterThan(100);
    await page.getByLabel('Plan document').fill('{"key": "broken"}');
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByText(/problem\(s\)/).waitFor();
    await screenshot(page, 'admin-plan');

    await nav.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('CRM sync');
    await page.getByLabel('contracts:read').check();
    await page.getByRole('button', { name: 'Create the key' }).click();
    const key = page.getByTestId('api-key');
    await key.waitFor();
    expect(await key.textContent()).toMatch(/^upk_/);
    await page.getByRole('row', { name: /CRM sync/ }).waitFor();
    await screenshot(page, 'admin-api-keys');
    await page.getByRole('button', { name: 'Revoke CRM sync' }).click();
    await page
      .getByRole('row', { name: /CRM sync/ })
      .getByText(/revoked/)
      .waitFor();

    await nav.getByRole('link', { name: 'Mail' }).click();
    await page.getByRole('heading', { name: 'Mail log' }).waitFor();
    await page.getByText('No mail.').or(page.getByRole('table')).first().waitFor();
    await screenshot(page, 'console-mail');
    expect(problems).toEqual([]);
    await context.close();
  });
});
