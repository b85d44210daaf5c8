import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/schema/webhooks.schema.ts';
import {
  generateWebhookSecret,
  signWebhook,
  webhookHeaders,
  webhookSigningKey,
} from '../../src/server/webhooks/webhook-signing.ts';
import {
  addressRange,
  checkWebhookTarget,
  isPublicAddress,
} from '../../src/server/webhooks/webhook-target.ts';
import { tableResolver } from './webhook-helpers.ts';

describe('webhook targets: the SSRF rule', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.10', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::808:808', 'ipv4Compatible'],
    ['64:ff9b::a00:1', 'rfc6052'],
  ])('%s is refused (%s)', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });

  it.each([
    ['http://127.0.0.1/hook', '127.0.0.1'],
    ['http://10.0.0.1/hook', '10.0.0.1'],
    ['http://[::1]:8080/hook', '::1'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1'],
  ])('a literal address in a refused range is refused: %s', async (url, address) => {
    const check = await checkWebhookTarget(url, { allowPrivate: false, resolve: tableResolver({}) });
    expect(check).toMatchObject({ ok: false, reason: 'REFUSED_ADDRESS', addresses: [address] });
  });

  it('a host name is refused when ANY of its addresses is private; resolved names are judged, not the text', async () => {
    const resolve = tableResolver({
      'mixed.example.test': ['93.184.215.14', '10.0.0.7'],
      'inside.example.test': ['192.168.0.20'],
      'v6.example.test': ['2606:4700:4700::1111', 'fd00::5'],
      'public.example.test': ['93.184.215.14', '2606:4700:4700::1111'],
    });
    const policy = { allowPrivate: false, resolve };
    for (const [host, refused] of [
      ['mixed.example.test', ['10.0.0.7']],
      ['inside.example.test', ['192.168.0.20']],
      ['v6.example.test', ['fd00::5']],
    ] as const) {
      const check = await checkWebhookTarget(`https://${host}/hook`, policy);
      expect(check, host).toMatchObject({ ok: false, reason: 'REFUSED_ADDRESS', addresses: refused });
      if (!check.ok) expect(check.message).toContain(`${host} resolves to ${refused[0]}`);
    }
    const ok = await checkWebhookTarget('https://public.example.test/hook', policy);
    expect(ok).toMatchObject({ ok: true, hostname: 'public.example.test' });
    if (ok.ok) expect(ok.addresses.map((a) => a.address)).toEqual(['93.184.215.14', '2606:4700:4700::1111']);
  });

  it('the system resolver is used by default: localhost resolves to loopback and is refused', async () => {
    const check = await checkWebhookTarget('http://localhost:9/hook', { allowPrivate: false });
    expect(check).toMatchObject({ ok: false, reason: 'REFUSED_ADDRESS' });
  });

  it('a name that does not resolve is refused as UNRESOLVABLE; wrong schemes and user info as INVALID_URL', async () => {
    const policy = { allowPrivate: true, resolve: tableResolver({}) };
    expect(await checkWebhookTarget('https://nowhere.example.test/', policy)).toMatchObject({
      ok: false,
      reason: 'UNRESOLVABLE',
    });
    for (const url of [
      'ftp://example.com/x',
      'file:///etc/passwd',
      'https://user:pw@example.com/',
      'nonsense',
    ]) {
      expect(await checkWebhookTarget(url, policy), url).toMatchObject({ ok: false, reason: 'INVALID_URL' });
    }
  });

  it('allowPrivateTargets lets loopback through (a development machine), still resolving to pin', async () => {
    const check = await checkWebhookTarget('http://dev.example.test:8080/', {
      allowPrivate: true,
      resolve: tableResolver({ 'dev.example.test': ['127.0.0.1'] }),
    });
    expect(check).toMatchObject({ ok: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
  });
});

describe('Standard Webhooks signatures', () => {
  it('a secret is whsec_ + base64 of 32 random bytes, and signatures verify with the standardwebhooks package', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSigningKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    const body = JSON.stringify({
      type: 'ticket.created',
      timestamp: new Date().toISOString(),
      data: { a: 1 },
    });
    const headers = webhookHeaders(secret, 'whd_TEST', new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    // One changed byte, another secret or an old timestamp fail.
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    const old = webhookHeaders(secret, 'whd_TEST', new Date(Date.now() - 10 * 60_000), body);
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/timestamp/i);
  });

  it('the signed content is "id.timestamp.body" under the decoded key (spec example)', () => {
    // The example of the Standard Webhooks specification.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    const expected = createHmac('sha256', Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'))
      .update(`msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.${body}`)
      .digest('base64');
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(`v1,${expected}`);
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });
});

describe('the event list', () => {
  it('every topic the server writes to the outbox (except the private ones) can be subscribed to', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const root = new URL('../../src/server/', import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter(
      (f) => f.endsWith('.ts') && !f.startsWith('webhooks'),
    );
    const topics = new Set<string>();
    for (const file of files) {
      const text = await readFile(new URL(file, root), 'utf8');
      for (const line of text.split('\n').filter((l) => /\btopic\b/.test(l) && !/action/.test(l))) {
        for (const m of line.matchAll(/'([a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*)'/g)) topics.add(m[1] ?? '');
      }
    }
    const known = new Set<string>([...WEBHOOK_EVENT_TYPES, 'auth.magic-link', 'customer.invited']);
    expect(topics.size).toBeGreaterThan(10);
    expect(
      [...topics].filter((t) => !known.has(t)),
      'add these to WEBHOOK_EVENT_TYPES',
    ).toEqual([]);
  });
});
