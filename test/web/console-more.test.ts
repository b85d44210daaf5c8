import type { InjectOptions } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertFlag } from '../../src/server/tickets/ticket-automations.ts';
import { asSession, type SignedIn, signIn } from '../server/app-helpers.ts';
import {
  describeBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signInWithPassword,
  startWebServer,
  unlabelledControls,
  type WebServer,
} from './web-harness.ts';

/**
 * Issue 6 §3: the agent's ticket tools (dispatch, links, merge, out of scope), conduct flags, and the
 * coverage timeline of the customer at a glance.
 */
describeBrowser('web: more of the agent console in Chromium', () => {
  let server: WebServer;
  let browser: Browser;
  let admin: SignedIn;
  let globex: string;
  let initech: string;

  const inject = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await server.app.inject(
      asSession(admin, {
        method,
        url,
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
  const openTicket = (organisationId: string, productSlug: string, categoryId: string, subject: string) =>
    idOf('products', 'slug', productSlug).then((productId) =>
      inject('POST', '/v1/tickets', {
        organisationId,
        productId,
        categoryId,
        subject,
        description: `${subject}: details for the agent.`,
      }),
    );

  beforeAll(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
    admin = await signIn(server.db, 'admin');
    globex = await idOf('organisations', 'name', 'Globex Ltd');
    initech = await idOf('organisations', 'name', 'Initech');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an admin dispatches a ticket to an agent; the agent hands it on to a colleague', async () => {
    const ticket = await openTicket(globex, 'acme-integration-suite', '3.1', 'Dispatch me');
    const a = await openPage(browser, server.base);
    await signInWithPassword(a.page, server.staff.admin);
    await a.page.goto(`/console/tickets/${ticket.id}`);
    await a.page.getByLabel('Assign to').selectOption({ label: 'Alex Agent (agent)' });
    await a.page.getByRole('button', { name: 'Assign', exact: true }).click();
    await a.page.getByText('Assigned to Alex Agent.').waitFor();
    const after = await inject('GET', `/v1/tickets/${ticket.id}`);
    expect(after.assigneeAccountId).toBe(server.staff.agent.id);

    const g = await openPage(browser, server.base);
    await signInWithPassword(g.page, server.staff.agent);
    await g.page.goto(`/console/tickets/${ticket.id}`);
    await g.page.getByText('Assigned to you.').waitFor();
    // Every agent reads the staff list (GET /v1/staff) and may hand the ticket on.
    await g.page.getByLabel('Assign to').selectOption({ label: 'Ada Admin (admin)' });
    await g.page.getByRole('button', { name: 'Assign', exact: true }).click();
    await g.page.getByText('Assigned to Ada Admin.').waitFor();
    expect((await inject('GET', `/v1/tickets/${ticket.id}`)).assigneeAccountId).toBe(server.staff.admin.id);
    expect([...a.problems, ...g.problems]).toEqual([]);
    await a.context.close();
    await g.context.close();
  });

  it('links a related ticket, merges a duplicate into another, closes out of scope with the plan’s reason', async () => {
    const main = await openTicket(globex, 'acme-integration-suite', '3.1', 'Import hangs on Mondays');
    const related = await openTicket(globex, 'acme-integration-suite', '2.1', 'Export is slow');
    const duplicate = await openTicket(globex, 'acme-integration-suite', '3.1', 'Monday import hang again');
    const { page, context, problems } = await openPage(browser, server.base);
    await signInWithPassword(page, server.staff.agent);

    await page.goto(`/console/tickets/${main.id}`);
    await page.getByText('No linked tickets.').waitFor();
    await page.getByLabel('Another ticket of this customer').selectOption({
      label: `#${related.number} Export is slow (${related.status})`,
    });
    await page.getByRole('button', { name: 'Link as related' }).click();
    const links = page.getByTestId('ticket-links');
    await links.getByRole('link', { name: `#${related.number} Export is slow` }).waitFor();
    await screenshot(page, 'console-ticket-tools');
    expect(await unlabelledControls(page)).toEqual([]);

    await page.goto(`/console/tickets/${duplicate.id}`);
    await page.getByLabel('Another ticket of this customer').selectOption(main.id);
    await page.getByRole('button', { name: 'Merge into it' }).click();
    await page.getByText(/This ticket was merged into/).waitFor();
    expect((await inject('GET', `/v1/tickets/${duplicate.id}`)).status).toBe('merged');

    // S3 lists no out-of-scope reasons: the page says so instead of offering a form.
    await page.goto(`/console/tickets/${main.id}`);
    await page.getByText('This plan lists no out-of-scope reasons (R1.6).').waitFor();

    // S4 (Initech's phone system) lists them: hardware, network, …
    const phone = await openTicket(
      initech,
      'acme-phone-system',
      'question-or-change',
      'Handset does not boot',
    );
    await page.goto(`/console/tickets/${phone.id}`);
    await page.getByRole('button', { name: 'Close as out of scope' }).click();
    await page.getByText('Choose one of the plan’s reasons.').waitFor();
    await page.getByLabel('Reason from the plan').selectOption('hardware');
    await page.getByLabel('Note (optional)').fill('A faulty handset: please contact the hardware vendor.');
    await page.getByRole('button', { name: 'Close as out of scope' }).click();
    await page.getByText('closed', { exact: true }).first().waitFor();
    expect((await inject('GET', `/v1/tickets/${phone.id}`)).status).toBe('closed');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('customer at a glance: each contract’s coverage as bars over time, the lapse and, after a backdated renewal, its gap', async () => {
    const { page, context, problems } = await openPage(browser, server.base);
    await signInWithPassword(page, server.staff.agent);
    await page.goto(`/console/customers/${globex}`);
    const reports = page.getByTestId('coverage-timeline').filter({ hasText: 'Acme Reports' });
    await reports.waitFor();
    // Lapsed two months ago (demo data): a red lapse bar up to today.
    await expect(reports.locator('rect[data-kind="lapse"]').count()).resolves.toBe(1);
    await expect(reports.locator('li[data-kind="lapse"]').textContent()).resolves.toMatch(/Lapsed: .* – /);
    const suite = page.getByTestId('coverage-timeline').filter({ hasText: 'Acme Integration Suite' });
    await expect(suite.locator('rect[data-kind="service"]').count()).resolves.toBeGreaterThan(0);
    await expect(suite.locator('rect[data-kind="lapse"]').count()).resolves.toBe(0);
    await screenshot(page, 'console-customer-timeline-lapsed');

    // The renewal is backdated to the lapse (R0.4); paid, its gap shows amber instead of the lapse.
    const contract = await server.db
      .selectFrom('contracts')
      .innerJoin('products', 'products.id', 'contracts.product_id')
      .select('contracts.id')
      .where('contracts.organisation_id', '=', globex)
      .where('products.slug', '=', 'acme-reports')
      .executeTakeFirstOrThrow();
    const order = await inject('POST', `/v1/contracts/${contract.id}/renewals`, {});
    if (order.pendingPayment) {
      const invoice = await inject('GET', `/v1/invoices/${order.invoice.id}`);
      await inject('POST', `/v1/invoices/${order.invoice.id}/payments`, {
        amountMinor: invoice.amountDueMinor ?? order.invoice.totalMinor,
        currency: invoice.currency,
        receivedAt: new Date().toISOString(),
      });
    }
    await page.reload();
    await reports.waitFor();
    await expect(reports.locator('rect[data-kind="backdated-gap"]').count()).resolves.toBe(1);
    await expect(reports.locator('rect[data-kind="lapse"]').count()).resolves.toBe(0);
    await expect(reports.locator('li[data-kind="backdated-gap"]').textContent()).resolves.toMatch(
      /no service/,
    );
    await screenshot(page, 'console-customer-timeline');
    // The contract page shows the same timeline.
    await page.goto(`/console/contracts/${contract.id}`);
    await page.getByTestId('coverage-timeline').locator('rect[data-kind="backdated-gap"]').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('conduct flags: the flagged text, confirm or dismiss with a note', async () => {
    const firstMessage = async (organisationId: string) =>
      server.db
        .selectFrom('ticket_messages')
        .innerJoin('tickets', 'tickets.id', 'ticket_messages.ticket_id')
        .select(['ticket_messages.id', 'ticket_messages.ticket_id', 'ticket_messages.body'])
        .where('tickets.organisation_id', '=', organisationId)
        .orderBy('ticket_messages.created_at')
        .executeTakeFirstOrThrow();
    const flagged = async (organisationId: string) => {
      const m = await firstMessage(organisationId);
      await insertFlag(server.db, {
        ticketId: m.ticket_id,
        messageId: m.id,
        organisationId,
        kind: 'abuse',
        detail: { terms: ['idiots'] },
        now: new Date(),
      });
      return m;
    };
    const globexText = await flagged(globex);
    const initechText = await flagged(initech);

    const { page, context, problems } = await openPage(browser, server.base);
    await signInWithPassword(page, server.staff.agent);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flags' }).click();
    await page.getByRole('heading', { name: 'Conduct flags' }).waitFor();
    const globexFlag = page.getByTestId('flag').filter({ hasText: 'Globex Ltd' });
    const initechFlag = page.getByTestId('flag').filter({ hasText: 'Initech' });
    await expect(globexFlag.getByTestId('flagged-text').textContent()).resolves.toBe(globexText.body);
    await expect(initechFlag.getByTestId('flagged-text').textContent()).resolves.toBe(initechText.body);
    await expect(globexFlag.textContent()).resolves.toContain('Matched: idiots');
    await screenshot(page, 'console-flags');
    expect(await unlabelledControls(page)).toEqual([]);
    // A decision needs a note: the schema names the field before anything is sent.
    await globexFlag.getByRole('button', { name: 'Dismiss' }).click();
    await globexFlag.getByRole('alert').first().waitFor();
    await globexFlag.getByLabel('Decision note').fill('A quote from a log file, not an insult.');
    await globexFlag.getByRole('button', { name: 'Dismiss' }).click();
    await globexFlag.waitFor({ state: 'detached' });
    await initechFlag.getByLabel('Decision note').fill('Insults the agent twice.');
    await initechFlag.getByRole('button', { name: 'Confirm the flag' }).click();
    await page.getByText('No open flags.').waitFor();
    const decided = await inject('GET', '/v1/ticket-flags?limit=10');
    const statusOf = (org: string) =>
      decided.items.find((f: { organisationId: string }) => f.organisationId === org)?.status;
    expect(statusOf(globex)).toBe('dismissed');
    expect(statusOf(initech)).toBe('confirmed');
    await page.getByLabel('Show').selectOption('dismissed');
    await page.getByText('A quote from a log file, not an insult.').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
