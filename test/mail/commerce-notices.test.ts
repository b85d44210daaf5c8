import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { scheduleLapseNotices } from '../../src/server/contracts/lapse-notices.ts';
import { newId } from '../../src/server/db/ids.ts';
import { runDueJobs } from '../../src/server/jobs/job-queue.ts';
import { JOB_HANDLERS } from '../../src/server/jobs/workers.ts';
import { purgeLapsedBackups } from '../../src/server/systems/backup-purge.ts';
import { BackupStore } from '../../src/server/systems/backup-store.ts';
import { contractWorld, get, post } from '../contracts/contract-helpers.ts';
import { asSession, type SignedIn, signIn, withKey } from '../server/app-helpers.ts';
import { createOrganisation, createRelease, PRESET, signInCustomer } from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';
import { rawHeader, SmtpCatcher } from '../support/smtp-catcher.ts';
import { backupConfig, createContractWithTerms } from '../systems/systems-fixtures.ts';
import { call, deskSetup, openTicket } from '../tickets/ticket-fixtures.ts';
import { caught, emailOf, mailPipeline, mailRows, outboxPayloads } from './mail-fixtures.ts';

const START = new Date('2026-03-02T09:00:00Z');
const COVERED = [{ startsOn: '2026-01-01', endsOn: '2027-01-01' }];
const LICENSE_KEY = /UPK-[0-9A-Z-]+/;

describeDb('commerce notices over real SMTP (issue 5 §2, §3)', (getDb) => {
  let catcher: SmtpCatcher;
  let mail: ReturnType<typeof mailPipeline>;
  beforeEach(async () => {
    catcher = await new SmtpCatcher().start(0);
    mail = mailPipeline(getDb().db, catcher);
  });
  afterEach(async () => {
    mail.close();
    await catcher.stop();
  });

  /** The one mail of a topic to an account, failing the test when there is not exactly one. */
  async function onlyMail(accountId: string, topic: string) {
    const found = caught(catcher, await emailOf(getDb().db, accountId), topic);
    expect(found, `${topic} mails to ${accountId}`).toHaveLength(1);
    return found[0]!;
  }
  async function noMail(accountId: string, topic: string) {
    expect(caught(catcher, await emailOf(getDb().db, accountId), topic)).toEqual([]);
  }

  /**
   * S0 (annual maintenance): product 1.0.0 published 2026-01-15, an organisation with two
   * customer-admins and a customer-user, another organisation with an admin; bought through the API
   * on 2026-03-02 at $499.00 (0 % tax in the test configuration).
   */
  async function soldS0() {
    const { db } = getDb();
    const world = await contractWorld(db, { planKey: PRESET.S0, prices: { USD: 49900 } }, START);
    await createRelease(db, world.productId, '1.0.0', '2026-01-15');
    const admin = await signInCustomer(db, world.organisationId, 'customer-admin');
    const admin2 = await signInCustomer(db, world.organisationId, 'customer-admin');
    const user = await signInCustomer(db, world.organisationId, 'customer-user');
    const otherOrg = await createOrganisation(db, 'Beta');
    const stranger = await signInCustomer(db, otherOrg, 'customer-admin');
    const res = await post(world.app, world.admin, '/v1/contracts', {
      organisationId: world.organisationId,
      productId: world.productId,
      purchasedOn: '2026-03-02',
    });
    expect(res.statusCode, res.body).toBe(201);
    const bought = res.json();
    return { ...world, admin, admin2, user, otherOrg, stranger, staff: world.admin, bought };
  }

  function publish(app: FastifyInstance, staff: SignedIn, productId: string, version: string, on: string) {
    return post(app, staff, `/v1/products/${productId}/releases`, { version, publishedOn: on });
  }

  it('R0.7 purchase: the customer-admins get the full license key and the validity; the log, the API and the outbox keep the prefix only', async () => {
    const { db } = getDb();
    const s = await soldS0();
    const [issued] = s.bought.licenseKeys as { key: string; prefix: string; major: number }[];
    expect(issued?.key).toMatch(LICENSE_KEY);
    expect(s.bought.quote.totals.totalMinor).toBe(49900);
    await mail.flush(s.clock.now());

    for (const who of [s.admin, s.admin2]) {
      const m = await onlyMail(who.accountId, 'contract.purchased');
      expect(m.parsed.subject).toBe('Your purchase of Test product');
      expect(m.parsed.text).toContain(`v1: ${issued?.key}`);
      expect(m.parsed.html).toContain(issued?.key);
      expect(m.parsed.text).toContain('Your coverage now runs from 2026-03-02 through 2027-03-01.');
      expect(m.parsed.text).toContain('Invoice INV-000001: $499.00.');
      expect(m.parsed.text).toContain(`/contracts/${s.bought.contractId}`);
    }
    await noMail(s.user.accountId, 'contract.purchased');
    await noMail(s.stranger.accountId, 'contract.purchased');

    const rows = await mailRows(db, 'contract.purchased');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'sent', transport: 'smtp', sealed_bodies: null });
      expect(row.text_body).toContain(`v1: ${issued?.prefix}…`);
      expect(row.text_body).not.toContain(issued?.key);
      expect(row.html_body).not.toContain(issued?.key);
    }
    const agent = await signIn(db, 'agent');
    const shown = await get(s.app, agent, `/v1/mail/messages/${rows[0]?.id}`);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json().textBody).toContain(`${issued?.prefix}…`);
    expect(shown.body).not.toContain(issued?.key);
    const [payload] = await outboxPayloads(db, 'contract.purchased');
    expect(payload?.licenseKeys).toEqual([expect.objectContaining({ major: 1, prefix: issued?.prefix })]);
    expect(JSON.stringify(payload)).not.toContain('sealedKey');
    expect(JSON.stringify(payload)).not.toContain(issued?.key);
    await s.app.close();
  });

  it('R0.7 renewal (with Idempotency-Key): contract.renewed tells the new validity and the invoice', async () => {
    const s = await soldS0();
    const res = await s.app.inject(
      asSession(s.staff, {
        method: 'POST',
        url: `/v1/contracts/${s.bought.contractId}/renewals`,
        headers: { 'idempotency-key': 'renew-mail-1' },
        payload: { renewOn: '2027-02-15' },
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const renewed = res.json();
    expect(renewed.quote.newTerms).toMatchObject([{ startsOn: '2027-03-02', endsOn: '2028-03-02' }]);
    await mail.flush(s.clock.now());
    const m = await onlyMail(s.admin.accountId, 'contract.renewed');
    expect(m.parsed.subject).toBe('Test product: maintenance renewed');
    expect(m.parsed.text).toContain('Thank you: your Test product maintenance is renewed.');
    expect(m.parsed.text).toContain(`from ${renewed.quote.serviceFrom} through 2028-03-01.`);
    expect(m.parsed.text).toContain(
      `Invoice INV-000002: $${(renewed.quote.totals.totalMinor / 100).toFixed(2)}.`,
    );
    await onlyMail(s.admin2.accountId, 'contract.renewed');
    await noMail(s.user.accountId, 'contract.renewed');
    await s.app.close();
  });

  it('R4.3 (S0): the lapse job sends the 30-day reminder to the admins, then the lapse notice listing what stops', async () => {
    const { db } = getDb();
    const org = await createOrganisation(db);
    await createContractWithTerms(db, org, [{ startsOn: '2025-04-01', endsOn: '2026-04-01' }], PRESET.S0);
    const admin = await signInCustomer(db, org, 'customer-admin');
    const user = await signInCustomer(db, org, 'customer-user');
    const runAt = async (iso: string) => {
      const now = new Date(iso);
      await runDueJobs(db, JOB_HANDLERS, { workerId: 'w', now });
      await mail.flush(now);
    };
    await scheduleLapseNotices(db, new Date('2026-03-01T12:00:00Z'));
    await runAt('2026-03-01T12:00:00Z');
    await noMail(admin.accountId, 'contract.expiry-reminder');
    await runAt('2026-03-02T12:00:00Z');
    const reminder = await onlyMail(admin.accountId, 'contract.expiry-reminder');
    expect(reminder.parsed.subject).toBe('Test product maintenance ends on 2026-04-01');
    expect(reminder.parsed.text).toContain('ends on 2026-04-01 (in 30 days)');
    expect(reminder.parsed.text).toContain('backdated');
    await noMail(user.accountId, 'contract.expiry-reminder');

    await runAt('2026-04-02T12:00:00Z');
    const lapsed = await onlyMail(admin.accountId, 'contract.lapsed');
    expect(lapsed.parsed.subject).toBe('Test product maintenance has lapsed');
    expect(lapsed.parsed.text).toContain(
      'ended on 2026-04-01. From then on these stop: support, updates, downloads, keys for new major versions.',
    );
    expect(lapsed.parsed.text).toContain(
      'Your licenses stay valid for every release published while you were covered.',
    );
    await runAt('2026-04-03T12:00:00Z');
    expect(caught(catcher, await emailOf(db, admin.accountId), 'contract.lapsed')).toHaveLength(1);
  });

  it('R0.8 (S0): a new version is mailed to the covered organisation’s subscribed users with one-click unsubscribe; not to the unsubscribed, not to a lapsed organisation', async () => {
    const { db } = getDb();
    const s = await soldS0();
    const quiet = await signInCustomer(db, s.organisationId, 'customer-user');
    await db
      .updateTable('accounts')
      .set({ product_updates_subscribed: false })
      .where('id', '=', quiet.accountId)
      .execute();
    const lapsedOrg = await createOrganisation(db, 'Lapsed Ltd');
    const lapsedAdmin = await signInCustomer(db, lapsedOrg, 'customer-admin');
    const old = await post(s.app, s.staff, '/v1/contracts', {
      organisationId: lapsedOrg,
      productId: s.productId,
      purchasedOn: '2025-01-20',
    });
    expect(old.statusCode, old.body).toBe(201);

    const release = await publish(s.app, s.staff, s.productId, '1.1.0', '2026-03-02');
    expect(release.statusCode, release.body).toBe(201);
    await mail.flush(s.clock.now());
    for (const who of [s.admin, s.admin2, s.user]) {
      const m = await onlyMail(who.accountId, 'release.published');
      expect(m.parsed.subject).toBe('Test product 1.1.0 is available');
      expect(m.parsed.text).toContain('Version 1.1.0 of Test product was published on 2026-03-02.');
      const [unsubscribe] = rawHeader(m.raw, 'List-Unsubscribe');
      expect(unsubscribe).toMatch(
        /^<http:\/\/127\.0\.0\.1:3000\/unsubscribe\/acc_[0-9a-z]{26}\.[a-z2-7]{26}>$/,
      );
      expect(rawHeader(m.raw, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
      expect(m.parsed.text).toContain(`Unsubscribe: ${unsubscribe?.slice(1, -1)}`);
    }
    await noMail(quiet.accountId, 'release.published');
    await noMail(lapsedAdmin.accountId, 'release.published');
    await noMail(s.stranger.accountId, 'release.published');
    // S0 support does not need the list: the page says so.
    const link = rawHeader(
      (await onlyMail(s.user.accountId, 'release.published')).raw,
      'List-Unsubscribe',
    )[0];
    const page = await s.app.inject({ method: 'GET', url: new URL(link!.slice(1, -1)).pathname });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Support is not affected.');
    await s.app.close();
  });

  it('R0.3 (S0): a new major published while covered mails the admins a v2 key that validates; the log shows its prefix only', async () => {
    const { db } = getDb();
    const s = await soldS0();
    const lapsedOrg = await createOrganisation(db, 'Lapsed Ltd');
    const lapsedAdmin = await signInCustomer(db, lapsedOrg, 'customer-admin');
    await post(s.app, s.staff, '/v1/contracts', {
      organisationId: lapsedOrg,
      productId: s.productId,
      purchasedOn: '2025-01-20',
    });
    const release = await publish(s.app, s.staff, s.productId, '2.0.0', '2026-03-02');
    expect(release.statusCode, release.body).toBe(201);
    await mail.flush(s.clock.now());
    const m = await onlyMail(s.admin.accountId, 'license.key-issued');
    expect(m.parsed.subject).toBe('A new license key for Test product version 2');
    expect(m.parsed.text).toContain('Major version 2 of Test product is covered by your maintenance');
    const key = m.parsed.text?.match(/v2: (UPK-[0-9A-Z-]+)/)?.[1];
    expect(key).toMatch(LICENSE_KEY);
    expect(key).not.toBe(s.bought.licenseKeys[0].key);
    const valid = await s.app.inject({
      method: 'POST',
      url: '/v1/licenses/validate',
      payload: { key, version: '2.0.0' },
    });
    expect(valid.json(), valid.body).toMatchObject({ valid: true });
    expect((await onlyMail(s.admin2.accountId, 'license.key-issued')).parsed.text).toContain(`v2: ${key}`);
    await noMail(s.user.accountId, 'license.key-issued');
    await noMail(lapsedAdmin.accountId, 'license.key-issued');
    for (const row of await mailRows(db, 'license.key-issued')) {
      expect(row.text_body).not.toContain(key);
      expect(row.sealed_bodies).toBeNull();
    }
    expect(JSON.stringify(await outboxPayloads(db, 'license.key-issued'))).not.toContain('sealedKey');
    await s.app.close();
    // PRODUCT BUG (reported): the mail says "runs until 2027-03-02" (validity.expiresOn, the first day NOT
    // covered) where the purchase mail says "through 2027-03-01" and the API's coveredUntil is 2027-03-01.
    expect(m.parsed.text).toContain('2027-03-01');
    expect(m.parsed.text).not.toContain('until 2027-03-02');
  });

  it('R4.3 (S4): 12 days before the purge the customer-admin is warned of the deletion date', async () => {
    const { db } = getDb();
    const store = new BackupStore((await backupConfig()).backupDir);
    const org = await createOrganisation(db);
    const contractId = await createContractWithTerms(db, org, [
      { startsOn: '2025-01-01', endsOn: '2026-01-01' },
    ]);
    const admin = await signInCustomer(db, org, 'customer-admin');
    const user = await signInCustomer(db, org, 'customer-user');
    const systemId = newId('sys');
    await db
      .insertInto('systems')
      .values({ id: systemId, organisation_id: org, contract_id: contractId, name: 'PBX' })
      .execute();
    const stored = await store.put(Readable.from([Buffer.from('config')]), 1024);
    await db
      .insertInto('system_backups')
      .values({
        id: newId('bak'),
        system_id: systemId,
        organisation_id: org,
        size_bytes: stored.sizeBytes,
        sha256: stored.sha256,
        storage_key: stored.storageKey,
        created_at: new Date('2025-06-01T00:00:00Z'),
      })
      .execute();
    const now = new Date('2026-03-20T16:00:00Z');
    expect((await purgeLapsedBackups(db, store, now)).warned).toHaveLength(1);
    await mail.flush(now);
    const m = await onlyMail(admin.accountId, 'backup.deletion-warning');
    expect(m.parsed.subject).toBe('Your configuration backups will be deleted on 2026-04-01');
    expect(m.parsed.text).toContain('kept 90 days after the lapse; yours will be deleted on 2026-04-01.');
    expect(m.parsed.text).toContain(`/contracts/${contractId}`);
    await noMail(user.accountId, 'backup.deletion-warning');
  });

  it('R4.6 (S4): a system event is mailed to that customer’s admins only', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S4, COVERED, START);
    const admin2 = await signInCustomer(db, s.orgId, 'customer-admin', START);
    const user = await signInCustomer(db, s.orgId, 'customer-user', START);
    const created = await call(s.app, s.customer, 'POST', '/v1/systems', {
      name: 'Head office PBX',
      contractId: s.contractId,
    });
    expect(created.statusCode, created.body).toBe(201);
    const systemId: string = created.json().id;
    const key = await call(s.app, s.customer, 'POST', `/v1/systems/${systemId}/api-keys`, { name: 'pbx' });
    expect(key.statusCode, key.body).toBe(201);
    const event = await s.app.inject(
      withKey(key.json().key, {
        method: 'POST',
        url: `/v1/systems/${systemId}/events`,
        payload: {
          kind: 'trunk.down',
          severity: 'critical',
          message: 'SIP trunk 1 is unreachable since 08:55',
          occurredAt: '2026-03-02T08:55:00Z',
        },
      }),
    );
    expect(event.statusCode, event.body).toBe(201);
    await mail.flush(s.clock.now());
    for (const who of [s.customer, admin2]) {
      const m = await onlyMail(who.accountId, 'system.event');
      expect(m.parsed.subject).toBe('[critical] Head office PBX: trunk.down');
      expect(m.parsed.text).toContain('Your system Head office PBX reported at 2026-03-02 ');
      expect(m.parsed.text).toContain('SIP trunk 1 is unreachable since 08:55');
    }
    await noMail(user.accountId, 'system.event');
    await noMail(s.stranger.accountId, 'system.event');
    await noMail(s.agent.accountId, 'system.event');
    await s.app.close();
    // PRODUCT BUG (reported): the instant is written in the plan's zone (zoneOf), but the system.event
    // payload names no contract, so the dispatcher finds no plan and writes "08:55 (UTC)".
    expect((await onlyMail(s.customer.accountId, 'system.event')).parsed.text).toContain(
      'reported at 2026-03-02 03:55 (America/New_York):',
    );
  });

  it('receipts: a payment received and a credit note reach the customer-admins with the amounts', async () => {
    const s = await soldS0();
    const invoiceId = s.bought.invoice.id;
    const write = (url: string, key: string, payload: object) =>
      s.app.inject(asSession(s.staff, { method: 'POST', url, headers: { 'idempotency-key': key }, payload }));
    const paid = await write(`/v1/invoices/${invoiceId}/payments`, 'pay-1', {
      amountMinor: 20000,
      currency: 'USD',
      receivedAt: '2026-03-02T08:00:00Z',
    });
    expect(paid.statusCode, paid.body).toBe(201);
    const credited = await write(`/v1/invoices/${invoiceId}/credit-notes`, 'cn-1', {
      amountMinor: 5000,
      reason: 'Goodwill',
    });
    expect(credited.statusCode, credited.body).toBe(201);
    const creditNote = credited.json().creditNote.number;
    await mail.flush(s.clock.now());
    const receipt = await onlyMail(s.admin.accountId, 'invoice.payment-received');
    expect(receipt.parsed.subject).toBe('Payment received for INV-000001');
    expect(receipt.parsed.text).toContain('We received $200.00 for invoice INV-000001.');
    expect(receipt.parsed.text).toContain('Still due: $299.00.');
    const note = await onlyMail(s.admin2.accountId, 'invoice.credited');
    expect(note.parsed.subject).toBe(`Credit note ${creditNote} for INV-000001`);
    expect(note.parsed.text).toContain(`Credit note ${creditNote} refunds $50.00 of invoice INV-000001.`);
    await noMail(s.user.accountId, 'invoice.payment-received');
    await s.app.close();
  });

  it('R1.1 (S1): from the release mail, the unsubscribe page warns that support ends; one-click unsubscribes, the gate refuses, subscribing again restores', async () => {
    const { db } = getDb();
    const s = await deskSetup(db, PRESET.S1, COVERED, START);
    const staff = await signIn(db, 'admin', START);
    const release = await publish(s.app, staff, s.productId, '1.0.0', '2026-03-02');
    expect(release.statusCode, release.body).toBe(201);
    await mail.flush(s.clock.now());
    const m = await onlyMail(s.customer.accountId, 'release.published');
    const url = new URL(rawHeader(m.raw, 'List-Unsubscribe')[0]!.slice(1, -1));
    const path = url.pathname;

    const pageRes = await s.app.inject({ method: 'GET', url: path });
    expect(pageRes.statusCode).toBe(200);
    expect(pageRes.headers['content-type']).toMatch(/^text\/html/);
    expect(pageRes.body).toContain(
      'Your support plan requires this subscription. If you unsubscribe, Acme loses its right to support',
    );
    const tampered = path.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await s.app.inject({ method: 'GET', url: tampered })).statusCode).toBe(404);
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: tampered,
          payload: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).statusCode,
    ).toBe(404);
    const subscribed = async () =>
      (
        await db
          .selectFrom('accounts')
          .select('product_updates_subscribed')
          .where('id', '=', s.customer.accountId)
          .executeTakeFirstOrThrow()
      ).product_updates_subscribed;
    expect(await subscribed()).toBe(true);

    const oneClick = await s.app.inject({
      method: 'POST',
      url: path,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    expect(oneClick.body).toContain('Support for Acme is now refused until you subscribe again');
    expect(await subscribed()).toBe(false);
    const audit = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'customer.product-updates-unsubscribed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ subject_id: s.customer.accountId, organisation_id: s.orgId });

    const refused = await openTicket(s, { categoryId: 'question' }, s.customer, 422);
    expect(refused.error).toMatchObject({
      code: 'TICKET_REFUSED',
      details: { reason: 'UNSUBSCRIBED_FROM_PRODUCT_UPDATES' },
    });
    expect(refused.error.message).toMatch(/product-update mailing list/);
    expect((await publish(s.app, staff, s.productId, '1.1.0', '2026-03-02')).statusCode).toBe(201);
    await mail.flush(s.clock.now());
    expect(caught(catcher, await emailOf(db, s.customer.accountId), 'release.published')).toHaveLength(1);

    const again = await s.app.inject({ method: 'POST', url: `${path}/subscribe` });
    expect(again.statusCode, again.body).toBe(200);
    expect(await subscribed()).toBe(true);
    await openTicket(s, { categoryId: 'question' }, s.customer, 201);
    await s.app.close();
    // PRODUCT BUG (reported): the S1 footer (R1.1) needs the organisation's plan, but release.published
    // names only the product, so the dispatcher finds no plan and the warning is never written.
    expect(m.parsed.text).toContain('unsubscribing ends your right to support');
  });

  it('locale: an account with locale de reads the purchase notice in German', async () => {
    const { db } = getDb();
    const world = await contractWorld(db, { planKey: PRESET.S0, prices: { USD: 49900 } }, START);
    await createRelease(db, world.productId, '1.0.0', '2026-01-15');
    const admin = await signInCustomer(db, world.organisationId, 'customer-admin');
    await db.updateTable('accounts').set({ locale: 'de' }).where('id', '=', admin.accountId).execute();
    const res = await post(world.app, world.admin, '/v1/contracts', {
      organisationId: world.organisationId,
      productId: world.productId,
      purchasedOn: '2026-03-02',
    });
    expect(res.statusCode, res.body).toBe(201);
    const key: string = res.json().licenseKeys[0].key;
    await mail.flush(world.clock.now());
    const m = await onlyMail(admin.accountId, 'contract.purchased');
    expect(m.parsed.subject).toBe('Ihr Kauf von Test product');
    expect(m.parsed.text).toContain('Hallo Customer customer-admin,');
    expect(m.parsed.text).toContain('Ihre Laufzeit gilt jetzt vom 2026-03-02 bis einschließlich 2027-03-01.');
    expect(m.parsed.text).toMatch(/Rechnung INV-000001: 499,00\s\$\./);
    expect(m.parsed.text).toContain('Ihr Lizenzschlüssel');
    expect(m.parsed.text).toContain(`v1: ${key}`);
    expect(m.parsed.text).toContain('Ihr Support-Team');
    await world.app.close();
  });
});
