import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, civilDateIn } from '../../src/core/contract/civil-date.ts';
import type {
  BacklogReport,
  LapsedReport,
  RenewalsDueReport,
  RevenueReport,
  SlaComplianceReport,
} from '../../src/schema/reports.schema.ts';
import { PRESET } from '../support/commerce-fixtures.ts';
import { createContractWithTerms } from '../systems/systems-fixtures.ts';
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

/** The little of a canvas the test reads (the test code is compiled without the DOM library). */
type Canvas2d = {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
};

/** The text of every cell of a table's body, row by row. */
async function tableCells(page: Page, testId: string): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
    );
}

async function apiGet<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(path);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

describeBrowser('web: dashboards in Chromium', () => {
  let server: WebServer;
  let browser: Browser;
  let renewing: string;

  beforeAll(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
    // The demo has a lapsed contract, invoices in two currencies and two open tickets; add a contract
    // whose coverage ends in 20 days so "renewals due" has one.
    const globex = await server.db
      .selectFrom('organisations')
      .select('id')
      .where('name', '=', 'Globex Ltd')
      .executeTakeFirstOrThrow();
    const today = civilDateIn(new Date(), 'UTC');
    renewing = await createContractWithTerms(
      server.db,
      globex.id,
      [{ startsOn: addDays(today, -345), endsOn: addDays(today, 20) }],
      PRESET.S0,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an agent sees the five charts, each with a caption and a table holding the API’s numbers', async () => {
    const { page, problems } = await openPage(browser, server.base);
    await signInWithPassword(page, server.staff.agent);
    // Answer the demo's phone ticket: its first-response clock stops within target (S0: 24 h).
    const me = await apiGet<{ csrfToken: string }>(page, '/v1/auth/me');
    const tickets = await apiGet<{ items: { id: string; subject: string }[] }>(page, '/v1/tickets');
    const phone = tickets.items.find((t) => t.subject === 'Scheduled report e-mails arrive empty');
    expect(phone).toBeDefined();
    const reply = await page.request.post(`/v1/tickets/${phone?.id}/messages`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data: { body: 'Thanks, we are checking the PDF renderer.' },
    });
    expect(reply.status()).toBe(201);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
    const timeZone = await page.getByLabel('Time zone').inputValue();
    const tz = encodeURIComponent(timeZone);
    const [sla, backlog, renewals, revenue, lapsed] = await Promise.all([
      apiGet<SlaComplianceReport>(page, `/v1/reports/sla-compliance?months=12&timeZone=${tz}`),
      apiGet<BacklogReport>(page, '/v1/reports/backlog'),
      apiGet<RenewalsDueReport>(page, `/v1/reports/renewals-due?days=90&timeZone=${tz}`),
      apiGet<RevenueReport>(page, `/v1/reports/revenue?months=12&timeZone=${tz}`),
      apiGet<LapsedReport>(page, `/v1/reports/lapsed?days=90&timeZone=${tz}`),
    ]);
    const currencies = revenue.currencies.map((c) => c.currency);
    expect(currencies).toEqual(expect.arrayContaining(['RUB', 'USD']));
    const charts = ['sla', 'backlog', 'renewals', 'lapsed', ...currencies.map((c) => `revenue-${c}`)];
    for (const name of charts) {
      const figure = page.getByTestId(`chart-${name}`);
      await figure.waitFor();
      expect((await figure.locator('figcaption').textContent())?.length, name).toBeGreaterThan(20);
      const canvas = figure.locator('canvas');
      expect(await canvas.getAttribute('role')).toBe('img');
      // Chart.js drew into it: the canvas has a size and non-transparent pixels.
      const drawn = await canvas.evaluate((el) => {
        const c = el as unknown as Canvas2d;
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
        return { width: c.width, painted };
      });
      expect(drawn.width, name).toBeGreaterThan(100);
      expect(drawn.painted, name).toBeGreaterThan(500);
      await figure.locator('summary', { hasText: 'The numbers' }).click();
    }

    // SLA compliance: the answered ticket is in this month's row.
    expect(
      sla.rows.some((r) => r.categoryId === 'support' && r.metric === 'firstResponse' && r.met >= 1),
    ).toBe(true);
    const slaCells = await tableCells(page, 'table-sla');
    expect(slaCells.map((r) => [r[0], r[1], Number(r[3]), Number(r[4])])).toEqual(
      sla.rows.map((r) => [r.month, r.categoryId, r.met, r.breached]),
    );
    // Backlog: one row per age bucket, the API's counts by priority and in total.
    expect(backlog.total).toBeGreaterThanOrEqual(1);
    const backlogCells = await tableCells(page, 'table-backlog');
    expect(backlogCells.map((r) => r.slice(1).map(Number))).toEqual(
      backlog.buckets.map((b) => [
        b.byPriority.urgent,
        b.byPriority.high,
        b.byPriority.normal,
        b.byPriority.low,
        b.total,
      ]),
    );
    // Renewals due: the seeded contract, in its week.
    const due = renewals.weeks.flatMap((w) =>
      w.contracts.map((c) => [w.weekStartsOn, c.organisationName, c.expiresOn]),
    );
    expect(renewals.weeks.flatMap((w) => w.contracts.map((c) => c.contractId))).toContain(renewing);
    const renewalCells = await tableCells(page, 'table-renewals');
    expect(renewalCells.map((r) => [r[0], r[1], r[3]?.split(' ')[0]])).toEqual(due);
    // Lapsed: the demo's Globex contract that lapsed two months ago.
    expect(lapsed.total).toBeGreaterThanOrEqual(1);
    const lapsedCells = await tableCells(page, 'table-lapsed');
    expect(lapsedCells.map((r) => [r[0], r[1], Number(r[4])])).toEqual(
      lapsed.months.flatMap((m) => m.contracts.map((c) => [m.month, c.organisationName, c.daysLapsed])),
    );
    // Revenue: per currency, every month's minor units as the API gave them.
    for (const series of revenue.currencies) {
      const minor = await page
        .getByTestId(`table-revenue-${series.currency}`)
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) =>
            [...row.querySelectorAll('td[data-minor]')].map((td) => Number(td.getAttribute('data-minor'))),
          ),
        );
      expect(minor).toEqual(
        series.months.map((m) => [m.invoicedMinor, m.taxMinor, m.paidMinor, m.creditedMinor]),
      );
      expect(series.totals.invoicedMinor).toBeGreaterThan(0);
    }
    await screenshot(page, 'console-dashboards');

    // A bad time zone is named beside its field, in the API's words.
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('expected an IANA time zone').first().waitFor();
    expect(problems).toEqual([]);
  });

  it('at phone width the charts stack; a customer cannot open the dashboards', async () => {
    const { page, problems } = await openPage(browser, server.base, 390);
    await signInWithPassword(page, server.staff.admin);
    await page.goto('/console/dashboards');
    await page.getByTestId('chart-backlog').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'console-dashboards-phone');
    expect(problems).toEqual([]);

    const customer = await openPage(browser, server.base);
    await signInAsCustomer(customer.page, server);
    await customer.page.goto('/console/dashboards');
    await customer.page.getByRole('heading', { name: 'Not here' }).waitFor();
    expect(await customer.page.getByTestId('chart-backlog').count()).toBe(0);
    expect((await customer.page.request.get('/v1/reports/backlog')).status()).toBe(403);
  });
});
