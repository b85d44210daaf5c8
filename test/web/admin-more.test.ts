import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { FAST_SCRYPT, testConfig, testSealingKey } from '../server/app-helpers.ts';
import {
  describeBrowser,
  launchBrowser,
  openOneTimeLink,
  openPage,
  screenshot,
  signInWithPassword,
  startWebServer,
  unlabelledControls,
  type WebServer,
} from './web-harness.ts';

/** A real endpoint on loopback: records each POST and answers `status`. */
type Endpoint = { url: string; status: number; received: { headers: IncomingHttpHeaders; body: string }[] };

async function startEndpoint(): Promise<{ endpoint: Endpoint; server: Server }> {
  const endpoint: Endpoint = { url: '', status: 500, received: [] };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      endpoint.received.push({ headers: request.headers, body });
      response.writeHead(endpoint.status, { 'content-type': 'text/plain' }).end('hook says hi');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { endpoint, server };
}

const verified = (secret: string, hit: Endpoint['received'][number]) =>
  new Webhook(secret).verify(hit.body, {
    'webhook-id': String(hit.headers['webhook-id']),
    'webhook-timestamp': String(hit.headers['webhook-timestamp']),
    'webhook-signature': String(hit.headers['webhook-signature']),
  });

async function noOverflowAt(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1') as Promise<boolean>;
}

describeBrowser(
  'web: the admin area (accounts, webhooks, outbox and mail, compatibility, plans, calendars)',
  () => {
    let server: WebServer;
    let browser: Browser;
    /** A second app over the same data that allows private webhook targets, for a loopback endpoint. */
    let privateApp: FastifyInstance;
    let privateBase: string;
    let hook: Awaited<ReturnType<typeof startEndpoint>>;

    beforeAll(async () => {
      server = await startWebServer();
      browser = await launchBrowser();
      privateApp = await buildApp({
        config: { ...testConfig, webhooks: { allowPrivateTargets: true } },
        db: server.db,
        passwordCost: FAST_SCRYPT,
        sealingKey: testSealingKey,
        signInLimits: { perIp: 1000, perAccount: 1000, windowMs: 60_000 },
      });
      await privateApp.listen({ host: '127.0.0.1', port: 0 });
      privateBase = `http://127.0.0.1:${(privateApp.server.address() as AddressInfo).port}`;
      hook = await startEndpoint();
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await privateApp?.close();
      await new Promise((resolve) => hook?.server.close(resolve));
      await server?.close();
    });

    it('accounts: create an agent (the link shown once signs it in), change role, disable, a new link, LAST_ADMIN in words', async () => {
      const { page, context, problems } = await openPage(browser, server.base);
      await signInWithPassword(page, server.staff.admin);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
      await page.getByRole('heading', { name: 'Agents and admins' }).waitFor();
      await page.getByRole('row', { name: /Alex Agent/ }).waitFor();
      await page.getByRole('row', { name: /Ada Admin/ }).waitFor();

      // The browser refuses what the API would, by field.
      await page.getByLabel('Full name').fill('Nora New');
      await page.getByLabel('Email address').fill('not-an-email');
      await page.getByRole('button', { name: 'Create the account' }).click();
      await page.getByText(/Invalid email/i).waitFor();
      await page.getByLabel('Email address').fill('nora@web.test');
      await page.getByRole('button', { name: 'Create the account' }).click();
      const link = page.getByTestId('login-link');
      await link.waitFor();
      const url = String(await link.textContent());
      expect(url).toMatch(new RegExp(`^${server.base}/v1/auth/one-time/`));
      await page
        .getByRole('row', { name: /Nora New/ })
        .getByText('no password yet')
        .waitFor();
      expect(await unlabelledControls(page)).toEqual([]);
      await screenshot(page, 'admin-accounts');

      // The same email again: EMAIL_TAKEN beside the field.
      await page.getByLabel('Full name').fill('Nora Twice');
      await page.getByLabel('Email address').fill('nora@web.test');
      await page.getByRole('button', { name: 'Create the account' }).click();
      await page.getByText('An account with this email exists already').waitFor();

      // The one-time link signs Nora in, once.
      const nora = await openPage(browser, server.base);
      await openOneTimeLink(nora.page, new URL(url).pathname);
      await nora.page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(new URL(nora.page.url()).pathname).toBe('/console/queue');
      await nora.context.close();

      // Role: agent → admin and back, stored.
      const noraRow = page.getByRole('row', { name: /Nora New/ });
      await noraRow.getByLabel('Role of Nora New').selectOption('admin');
      await expect
        .poll(
          async () =>
            (
              await server.db
                .selectFrom('accounts')
                .select('role')
                .where('email', '=', 'nora@web.test')
                .executeTakeFirst()
            )?.role,
        )
        .toBe('admin');
      await noraRow.getByLabel('Role of Nora New').selectOption('agent');
      await expect
        .poll(
          async () =>
            (
              await server.db
                .selectFrom('accounts')
                .select('role')
                .where('email', '=', 'nora@web.test')
                .executeTakeFirst()
            )?.role,
        )
        .toBe('agent');

      // Ada is the last active admin: the refusal is said in words, and nothing changes.
      await page.getByLabel('Role of Ada Admin').selectOption('agent');
      await page.getByText(/This is the last active admin\. Make another account an admin first/).waitFor();
      expect(await page.getByLabel('Role of Ada Admin').inputValue()).toBe('admin');
      await page.getByRole('button', { name: 'Disable Ada Admin' }).click();
      await page.getByText(/This is the last active admin/).waitFor();

      // Disable Nora: no new link for a disabled account; enable, then a fresh link.
      await page.getByRole('button', { name: 'Disable Nora New' }).click();
      await noraRow.getByText('disabled', { exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'New sign-in link for Nora New' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Enable Nora New' }).click();
      await noraRow.getByText('active', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'New sign-in link for Nora New' }).click();
      await expect.poll(async () => link.textContent()).not.toBe(url);
      const fresh = String(await link.textContent());
      const again = await openPage(browser, server.base);
      await openOneTimeLink(again.page, new URL(fresh).pathname);
      await again.page.getByRole('button', { name: 'Sign out' }).waitFor();
      await again.context.close();
      expect(problems).toEqual([]);
      await context.close();
    });

    it('webhooks: a refused target beside the URL field; create (secret once), test-send outcomes, retry, rotate, edit, disable, paged log', async () => {
      // The ordinary server refuses a loopback target: the API's words beside the URL field.
      const strict = await openPage(browser, server.base);
      await signInWithPassword(strict.page, server.staff.admin);
      await strict.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Webhooks' })
        .click();
      await strict.page.getByRole('heading', { name: 'Webhooks' }).waitFor();
      await strict.page.getByLabel('Endpoint URL').fill('ftp://hooks.example.com/x');
      await strict.page.getByRole('button', { name: 'Create the webhook' }).click();
      await strict.page.getByText('Expected an http or https URL').waitFor();
      await strict.page.getByLabel('Endpoint URL').fill(hook.endpoint.url);
      await strict.page.getByLabel('ticket.created').check();
      await strict.page.getByRole('button', { name: 'Create the webhook' }).click();
      const urlField = strict.page.getByLabel('Endpoint URL');
      await strict.page
        .locator('.field.invalid')
        .getByText(/Webhook URL refused/)
        .waitFor();
      expect(await urlField.getAttribute('aria-invalid')).toBe('true');
      expect(await strict.page.getByTestId('webhook-secret').count()).toBe(0);
      expect(await unlabelledControls(strict.page)).toEqual([]);
      await screenshot(strict.page, 'admin-webhook-refused');
      expect(strict.problems).toEqual([]);
      await strict.context.close();

      const { page, context, problems } = await openPage(browser, privateBase);
      await signInWithPassword(page, server.staff.admin);
      await page.goto('/admin/webhooks');
      await page.getByLabel('Endpoint URL').fill(hook.endpoint.url);
      await page.getByLabel('Description').fill('CRM sync');
      await page.getByRole('button', { name: 'Create the webhook' }).click();
      await page
        .getByText('Too small: expected array to have >=1 items')
        .or(page.getByText(/at least 1|>=1/))
        .first()
        .waitFor();
      await page.getByLabel('ticket.created').check();
      await page.getByLabel('release.published').check();
      await page.getByRole('button', { name: 'Create the webhook' }).click();
      const secretBox = page.getByTestId('webhook-secret');
      await secretBox.waitFor();
      const secret = String(await secretBox.textContent());
      expect(secret).toMatch(/^whsec_/);
      await page.getByRole('link', { name: hook.endpoint.url }).click();
      await page.getByRole('heading', { name: 'Webhook', exact: true }).waitFor();
      expect(await page.getByTestId('webhook-secret').count()).toBe(0);

      // Test-send: the endpoint answers 500 → the outcome says so; the delivery failed and can be retried.
      await page.getByRole('button', { name: 'Send a test event' }).click();
      await page
        .getByTestId('test-outcome')
        .getByText(/not delivered \(HTTP 500\)/)
        .waitFor();
      expect(hook.endpoint.received).toHaveLength(1);
      expect(verified(secret, hook.endpoint.received[0]!)).toMatchObject({ type: 'webhook.test' });
      const failedRow = page.getByTestId('delivery-row').filter({ hasText: 'failed' });
      await failedRow.waitFor();
      await failedRow.getByRole('button', { name: /^Retry delivery/ }).click();
      await page.getByTestId('delivery-row').filter({ hasText: 'pending' }).waitFor();
      const states = await server.db.selectFrom('webhook_deliveries').select('status').execute();
      expect(states.map((s) => s.status)).toEqual(['pending']);

      // Rotate: a new secret, shown once, signs the next test-send, which the endpoint now accepts.
      await page.getByRole('button', { name: 'Rotate the secret' }).click();
      await expect.poll(async () => page.getByTestId('webhook-secret').textContent()).toMatch(/^whsec_/);
      const rotated = String(await page.getByTestId('webhook-secret').textContent());
      expect(rotated).not.toBe(secret);
      hook.endpoint.status = 204;
      await page.getByRole('button', { name: 'Send a test event' }).click();
      await page
        .getByTestId('test-outcome')
        .getByText('Test event delivered: the endpoint answered HTTP 204.')
        .waitFor();
      const last = hook.endpoint.received.at(-1)!;
      expect(verified(rotated, last)).toMatchObject({ type: 'webhook.test' });
      expect(() => verified(secret, last)).toThrow();

      // The log filters by status and pages (20 a page).
      await page.getByLabel('Delivery status').selectOption('delivered');
      await expect.poll(async () => page.getByTestId('delivery-row').count()).toBe(1);
      const subscription = await server.db
        .selectFrom('webhook_subscriptions')
        .select('id')
        .executeTakeFirstOrThrow();
      const at = new Date();
      await server.db
        .insertInto('webhook_deliveries')
        .values(
          Array.from({ length: 22 }, (_, i) => ({
            id: `whd_0${String(i).padStart(3, '0')}`,
            subscription_id: subscription.id,
            outbox_id: null,
            event_type: 'ticket.created',
            body: '{}',
            status: 'delivered' as const,
            attempts: 1,
            next_attempt_at: at,
            response_status: 200,
            delivered_at: at,
            created_at: at,
          })),
        )
        .execute();
      await page.getByLabel('Delivery status').selectOption('');
      await page.reload();
      await expect.poll(async () => page.getByTestId('delivery-row').count()).toBe(20);
      await page.getByRole('button', { name: 'Next →' }).click();
      await page.getByText('Page 2').waitFor();
      await expect.poll(async () => page.getByTestId('delivery-row').count()).toBe(4);
      await page.getByRole('button', { name: '← Previous' }).click();
      await expect.poll(async () => page.getByTestId('delivery-row').count()).toBe(20);

      // Edit, then disable: a disabled webhook cannot be test-sent.
      await page.getByLabel('Description').fill('CRM sync (EU)');
      await page.getByLabel('sla.breached').check();
      await page.getByRole('button', { name: 'Save the changes' }).click();
      await page.getByTestId('webhook-description').getByText('CRM sync (EU)').waitFor();
      await page.getByText('ticket.created, release.published, sla.breached').first().waitFor();
      await page.getByRole('button', { name: 'Disable deliveries' }).click();
      await page.getByRole('button', { name: 'Enable deliveries' }).waitFor();
      expect(await page.getByRole('button', { name: 'Send a test event' }).isDisabled()).toBe(true);
      const stored = await server.db
        .selectFrom('webhook_subscriptions')
        .select(['description', 'disabled_at'])
        .executeTakeFirstOrThrow();
      expect(stored.description).toBe('CRM sync (EU)');
      expect(stored.disabled_at).not.toBeNull();
      expect(await unlabelledControls(page)).toEqual([]);
      await screenshot(page, 'admin-webhook');
      await page.setViewportSize({ width: 390, height: 800 });
      expect(await noOverflowAt(page)).toBe(true);
      expect(problems).toEqual([]);
      await context.close();
    });

    it('outbox (pending filter), suppressions (lift), inbound mail and quarantine (source download); the mail log is linked', async () => {
      const total = await server.db.selectFrom('outbox').select('id').orderBy('id').execute();
      expect(total.length).toBeGreaterThan(1);
      await server.db
        .updateTable('outbox')
        .set({ delivered_at: new Date() })
        .where('id', '=', total[0]!.id)
        .execute();
      await server.db
        .insertInto('mail_suppressions')
        .values({
          address: 'bounced@example.test',
          reason: '550 5.1.1 no such user',
          mail_id: null,
          created_at: new Date(),
        })
        .execute();
      const source =
        'From: stranger@elsewhere.test\r\nTo: support@upkeep.test\r\nSubject: Buy cheap pills\r\n\r\nHello.\r\n';
      const headersOnly = 'From: grace@globex.test\r\nSubject: Thanks\r\n';
      await server.db
        .insertInto('inbound_mail')
        .values([
          {
            id: 'inm_00000000000001',
            received_at: new Date(),
            envelope_from: 'stranger@elsewhere.test',
            envelope_to: JSON.stringify(['support@upkeep.test']),
            from_address: 'stranger@elsewhere.test',
            subject: 'Buy cheap pills',
            message_id: '<a@elsewhere.test>',
            status: 'quarantined',
            reason: 'unknown sender',
            size_bytes: Buffer.byteLength(source),
            source: new Uint8Array(Buffer.from(source)),
          },
          {
            id: 'inm_00000000000002',
            received_at: new Date(),
            envelope_from: 'grace@globex.test',
            envelope_to: JSON.stringify(['support@upkeep.test']),
            from_address: 'grace@globex.test',
            subject: 'Thanks',
            message_id: '<b@globex.test>',
            status: 'auto-reply-ignored',
            reason: null,
            size_bytes: 4000,
            source: new Uint8Array(Buffer.from(headersOnly)),
          },
        ])
        .execute();

      const { page, context, problems } = await openPage(browser, server.base);
      await signInWithPassword(page, server.staff.admin);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
      await page.getByRole('heading', { name: 'Outbox' }).waitFor();
      const rows = page.getByTestId('outbox-row');
      await expect.poll(async () => rows.count()).toBe(Math.min(total.length, 25));
      await page.getByLabel('Show').selectOption('true');
      await expect.poll(async () => rows.count()).toBe(Math.min(total.length - 1, 25));
      expect(await rows.filter({ hasText: total[0]!.id }).count()).toBe(0);
      await page.getByLabel('Show').selectOption('false');
      await expect.poll(async () => rows.count()).toBe(1);
      await rows
        .filter({ hasText: total[0]!.id })
        .getByText(/fanned out/)
        .waitFor();
      expect(await unlabelledControls(page)).toEqual([]);
      await screenshot(page, 'admin-outbox');

      const tabs = page.getByRole('navigation', { name: 'Mail and notices' });
      await tabs.getByRole('link', { name: 'Suppressed addresses' }).click();
      await page
        .getByRole('row', { name: /bounced@example.test/ })
        .getByText('550 5.1.1 no such user')
        .waitFor();
      await page.getByRole('button', { name: 'Lift the suppression of bounced@example.test' }).click();
      await page.getByText('Mail goes to bounced@example.test again.').waitFor();
      await page.getByText('No suppressed addresses.').waitFor();
      expect(await server.db.selectFrom('mail_suppressions').select('address').execute()).toEqual([]);

      await tabs.getByRole('link', { name: 'Inbound and quarantine' }).click();
      await expect.poll(async () => page.getByTestId('inbound-row').count()).toBe(2);
      await page.getByLabel('Outcome').selectOption('quarantined');
      await expect.poll(async () => page.getByTestId('inbound-row').count()).toBe(1);
      await page.getByRole('link', { name: 'Buy cheap pills' }).click();
      await page.getByRole('heading', { name: 'Buy cheap pills' }).waitFor();
      await page.getByText('unknown sender').waitFor();
      await page
        .getByRole('row', { name: /^Subject/ })
        .getByText('Buy cheap pills')
        .waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download the source (.eml)' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('inm_00000000000001.eml');
      const saved = await download.path();
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(saved, 'utf8')).toBe(source);
      await screenshot(page, 'admin-inbound-mail');
      await page.goto('/admin/inbound-mail/inm_00000000000002');
      await page.getByText('Only the headers were kept (it was handled normally).').waitFor();

      await page.goto('/admin/outbox');
      await page
        .getByRole('navigation', { name: 'Mail and notices' })
        .getByRole('link', { name: 'Sent-mail log' })
        .click();
      await page.getByRole('heading', { name: 'Mail log' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/console/mail');
      expect(problems).toEqual([]);
      await context.close();
    });

    it('compatibility declarations on the product page: declare, the one in force, a taken date refused', async () => {
      const { page, context, problems } = await openPage(browser, server.base);
      await signInWithPassword(page, server.staff.admin);
      await page.goto('/admin/products');
      await page.getByRole('link', { name: 'Acme Reports' }).click();
      await page.getByRole('heading', { name: 'Compatibility (R1.2)' }).waitFor();
      await page.getByLabel('In force from').fill('2026-01-01');
      await page.getByLabel('Platform 1', { exact: true }).fill('Asterisk');
      await page.getByRole('button', { name: 'Declare' }).click();
      await page
        .getByText(/expected array to have >=1 items|Too small/)
        .first()
        .waitFor();
      await page.getByLabel('Supported releases of platform 1').fill('18, 20');
      await page.getByRole('button', { name: 'Add a platform' }).click();
      await page.getByLabel('Platform 2', { exact: true }).fill('FreePBX');
      await page.getByLabel('Supported releases of platform 2').fill('16');
      await page.getByLabel('Note', { exact: true }).fill('Tested on both.');
      await page.getByRole('button', { name: 'Declare' }).click();
      const declaration = page.getByTestId('compat-declaration');
      await declaration.getByText('Asterisk: 18, 20').waitFor();
      await declaration.getByText('FreePBX: 16').waitFor();
      await declaration.getByText('in force today').waitFor();
      const product = await server.db
        .selectFrom('products')
        .select('id')
        .where('name', '=', 'Acme Reports')
        .executeTakeFirstOrThrow();
      const stored = await server.db
        .selectFrom('compatibility_declarations')
        .selectAll()
        .where('product_id', '=', product.id)
        .execute();
      expect(stored).toHaveLength(1);

      await page.getByLabel('Platform 1', { exact: true }).fill('Asterisk');
      await page.getByLabel('Supported releases of platform 1').fill('22');
      await page.getByRole('button', { name: 'Declare' }).click();
      await page.getByText(/declarations are append-only, declare a later date/).waitFor();
      expect(await unlabelledControls(page)).toEqual([]);
      await screenshot(page, 'admin-product-compatibility');
      expect(problems).toEqual([]);
      await context.close();
    });

    it('plans: Save stores a new version (no-op when unchanged); the calendar view shows hours, breaks, holidays and windows', async () => {
      const { page, context, problems } = await openPage(browser, server.base);
      await signInWithPassword(page, server.staff.admin);
      await page.goto('/admin/plans/business-sla');
      await page.getByTestId('plan-explain').waitFor();
      const editor = page.getByLabel('Plan document');
      const document = JSON.parse(await editor.inputValue());
      const start = new Date(Date.now() + 30 * 86_400_000);
      start.setUTCHours(20, 0, 0, 0);
      const end = new Date(start.getTime() + 6 * 3_600_000);
      const edited = {
        ...document,
        name: 'Business SLA 2027',
        pauses: { ...document.pauses, maintenanceWindows: true },
        calendar: {
          ...document.calendar,
          week: { ...document.calendar.week, mon: ['09:00-13:00', '14:00-18:00'] },
          closures: [{ start: start.toISOString(), end: end.toISOString(), reason: 'Database upgrade' }],
        },
      };
      await editor.fill(JSON.stringify(edited, null, 2));
      await page.getByRole('button', { name: 'Save as a new version' }).click();
      await page.getByText(/^Saved: plan business-sla version 2\./).waitFor();
      await page.getByRole('heading', { name: 'Business SLA 2027' }).waitFor();
      await page
        .getByText(/business-sla version 2/)
        .first()
        .waitFor();
      await page.getByRole('button', { name: 'Save as a new version' }).click();
      await page.getByText('Nothing to save: the document is version 2, the latest.').waitFor();
      const versions = await server.db
        .selectFrom('plan_versions')
        .select('version')
        .where('plan_key', '=', 'business-sla')
        .execute();
      expect(versions).toHaveLength(2);
      const audit = await server.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', '=', 'plan.version-stored')
        .execute();
      expect(audit).toHaveLength(1);
      await editor.fill('{"key": "business-sla", "name": "Broken"}');
      await page.getByRole('button', { name: 'Save as a new version' }).click();
      await page.getByText(/problem\(s\)/).waitFor();
      expect(
        await server.db
          .selectFrom('plan_versions')
          .select('version')
          .where('plan_key', '=', 'business-sla')
          .execute(),
      ).toHaveLength(2);
      await screenshot(page, 'admin-plan-saved');

      await page.getByRole('link', { name: 'Business calendar' }).click();
      await page.getByRole('heading', { name: 'Business calendar' }).waitFor();
      await page
        .getByText(/To change hours, holidays, exceptions or maintenance windows, edit the plan/)
        .waitFor();
      const week = page.getByTestId('week');
      await week
        .getByRole('row', { name: /Monday/ })
        .getByText('13:00-14:00')
        .waitFor();
      await week
        .getByRole('row', { name: /Tuesday/ })
        .getByText('09:00-18:00')
        .waitFor();
      await week
        .getByRole('row', { name: /Sunday/ })
        .getByText('closed')
        .waitFor();
      const api = await page.request.get('/v1/plans/business-sla/calendar');
      const holidays = (await api.json()).calendar.holidays as { date: string }[];
      expect(holidays.length).toBeGreaterThan(5);
      await expect
        .poll(async () => page.getByTestId('holidays').locator('tbody tr').count())
        .toBe(holidays.length);
      await page
        .getByTestId('windows')
        .getByRole('row', { name: /Database upgrade/ })
        .waitFor();
      await page.getByText('the SLA clocks pause').waitFor();
      expect(await unlabelledControls(page)).toEqual([]);
      await screenshot(page, 'admin-plan-calendar');

      // A reversed range: the API's refusal, in its words.
      await page.getByLabel('From').fill('2027-05-01');
      await page.getByLabel('To', { exact: true }).fill('2027-04-01');
      await page.getByText(/must not be before from/).waitFor();
      await page.setViewportSize({ width: 390, height: 800 });
      expect(await noOverflowAt(page)).toBe(true);

      // A plan without a calendar says so; the plans list links each plan's calendar.
      await page.goto('/admin/plans');
      await page.getByRole('link', { name: 'Calendar of Annual maintenance' }).click();
      await page.getByTestId('no-calendar').waitFor();
      expect(problems).toEqual([]);
      await context.close();
    });
  },
);
