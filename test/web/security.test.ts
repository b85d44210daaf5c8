import type { InjectOptions } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SignedIn, signIn } from '../server/app-helpers.ts';
import {
  describeBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signInAsCustomer,
  signInWithPassword,
  startWebServer,
  tabUntil,
  unlabelledControls,
  type WebServer,
} from './web-harness.ts';

/** Markup that would run script if any of it were ever put into the page as HTML. */
const XSS = {
  org: `Globex <img src=x onerror="window.__xss='org'">`,
  person: `Grace <svg onload="window.__xss='person'">`,
  product: `Evil <script>window.__xss='product'</script>`,
  subject: `<img src=x onerror="window.__xss='subject'"> export fails`,
  body: `<script>window.__xss='body'</script>\n<a href="javascript:window.__xss='href'">click</a>\n[link](javascript:window.__xss='md')`,
  envValue: `<iframe src="javascript:window.__xss='env'"></iframe>`,
  reply: `"><img src=x onerror="window.__xss='reply'">`,
};

describeBrowser('web: escaping, keyboard and labels in Chromium', () => {
  let server: WebServer;
  let browser: Browser;
  let ticketId: string;

  beforeAll(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
    const admin = await signIn(server.db, 'admin');
    ticketId = await seedCorpus(server, admin);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Nothing of the corpus ran: no flag, no dialog, no injected element; the text shows as text. */
  async function expectInert(page: Page, problems: string[], visible: string[]) {
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('main img[src="x"], main iframe, main svg[onload]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    for (const text of visible)
      expect(await page.getByText(text, { exact: false }).count(), text).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }

  it('an XSS corpus in names, subjects, bodies and environments executes nothing, for customer and agent', async () => {
    const customer = await openPage(browser, server.base);
    await signInAsCustomer(customer.page, server);
    await expectInert(customer.page, customer.problems, ['<svg onload=']);
    await customer.page.goto('/portal/tickets');
    await customer.page.getByRole('link', { name: /export fails/ }).waitFor();
    await expectInert(customer.page, customer.problems, ['<img src=x onerror=']);
    await customer.page.goto(`/portal/tickets/${ticketId}`);
    await customer.page.getByText("window.__xss='body'", { exact: false }).first().waitFor();
    await customer.page.getByLabel('Message').fill(XSS.reply);
    await customer.page.getByRole('button', { name: 'Send reply' }).click();
    await customer.page.getByText(XSS.reply).waitFor();
    await expectInert(customer.page, customer.problems, ['<script>', '<iframe src=', 'javascript:']);
    await screenshot(customer.page, 'xss-portal-ticket');

    const agent = await openPage(browser, server.base);
    await signInWithPassword(agent.page, server.staff.agent);
    await agent.page
      .getByText(/export fails/)
      .first()
      .waitFor();
    await agent.page
      .getByText(/Globex <img/)
      .first()
      .waitFor();
    await expectInert(agent.page, agent.problems, ['<img src=x onerror=', 'Evil <script>']);
    await agent.page.goto(`/console/tickets/${ticketId}`);
    await agent.page.getByText(XSS.reply).waitFor();
    await expectInert(agent.page, agent.problems, ['<script>', '<iframe src=']);
    await agent.page.goto('/console/customers');
    await agent.page.getByRole('link', { name: /Globex <img/ }).click();
    await agent.page.getByRole('heading', { name: /Globex <img/ }).waitFor();
    await expectInert(agent.page, agent.problems, ['Globex <img']);
    await screenshot(agent.page, 'xss-console-customer');
    await customer.context.close();
    await agent.context.close();
  });

  it('the sign-in page is labelled and its forms are reachable by keyboard; Enter signs in', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Upkeep' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, 'sign-in');
    const order = await tabUntil(page, 'Sign in');
    expect(order.at(-1)).toBe('Sign in');
    expect(order.indexOf('Email')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('Email')).toBeLessThan(order.indexOf('Password'));
    // Typing with the keyboard only: focus the email field, type, Tab to the password, Enter.
    await page.getByLabel('Email', { exact: true }).focus();
    await page.keyboard.type(server.staff.agent.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(server.staff.agent.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    // On every signed-in page the first Tab offers to skip the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the main forms label every control and Tab reaches their submit button', async () => {
    const customer = await openPage(browser, server.base);
    await signInAsCustomer(customer.page, server);
    for (const [path, submit] of [
      ['/portal/tickets/new', 'Open the ticket'],
      [`/portal/tickets/${ticketId}`, 'Send reply'],
      ['/portal/downloads', null],
      ['/account', 'Save password'],
    ] as const) {
      await customer.page.goto(path);
      await customer.page.locator('main h1').waitFor();
      await customer.page.waitForLoadState('networkidle');
      expect(await unlabelledControls(customer.page), path).toEqual([]);
      if (submit) expect((await tabUntil(customer.page, submit, 80)).at(-1), path).toBe(submit);
    }
    const agent = await openPage(browser, server.base);
    await signInWithPassword(agent.page, server.staff.admin);
    for (const path of [
      `/console/tickets/${ticketId}`,
      '/console/queue',
      '/admin/products',
      '/admin/api-keys',
    ]) {
      await agent.page.goto(path);
      await agent.page.locator('main h1').waitFor();
      await agent.page.waitForLoadState('networkidle');
      expect(await unlabelledControls(agent.page), path).toEqual([]);
    }
    expect((await tabUntil(agent.page, 'Create the key', 80)).at(-1)).toBe('Create the key');
    expect(customer.problems).toEqual([]);
    expect(agent.problems).toEqual([]);
    await customer.context.close();
    await agent.context.close();
  });
});

/** Writes the corpus through the API, as staff: organisation and person names, a product, a ticket. */
async function seedCorpus(server: WebServer, admin: SignedIn): Promise<string> {
  const call = async (options: InjectOptions) => {
    const res = await server.app.inject({
      ...options,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' },
    });
    if (res.statusCode >= 300)
      throw new Error(`${options.method} ${options.url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const globex = await server.db
    .selectFrom('organisations')
    .select('id')
    .where('name', '=', 'Globex Ltd')
    .executeTakeFirstOrThrow();
  const suite = await server.db
    .selectFrom('products')
    .select('id')
    .where('slug', '=', 'acme-integration-suite')
    .executeTakeFirstOrThrow();
  await call({ method: 'PATCH', url: `/v1/organisations/${globex.id}`, payload: { name: XSS.org } });
  await call({
    method: 'PATCH',
    url: `/v1/organisations/${globex.id}/users/${server.customer.id}`,
    payload: { name: XSS.person },
  });
  await call({
    method: 'POST',
    url: '/v1/products',
    payload: { slug: 'evil-product', name: XSS.product, category: 'standard', planKey: 'business-sla' },
  });
  const ticket = await call({
    method: 'POST',
    url: '/v1/tickets',
    payload: {
      organisationId: globex.id,
      requesterAccountId: server.customer.id,
      productId: suite.id,
      categoryId: '3.1',
      subject: XSS.subject,
      description: XSS.body,
      environment: { os: XSS.envValue },
    },
  });
  return ticket.id as string;
}
