import { describe, expect, it } from 'vitest';
import { clientAddressKey, FixedWindowLimiter } from '../../src/server/licenses/validation-throttle.ts';

describe('validation throttle', () => {
  it('R0.3 rate limit: max calls per window, then the seconds to the window end; a new window starts afresh', () => {
    let now = 1_000;
    const limiter = new FixedWindowLimiter(3, 60_000, 100, () => now);
    expect([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')]).toEqual([0, 0, 0]);
    now += 15_500;
    expect(limiter.hit('a')).toBe(45); // 44.5 s left, rounded up
    expect(limiter.hit('b')).toBe(0); // another key has its own count
    now += 44_500;
    expect(limiter.hit('a')).toBe(0);
  });

  it('never answers a wait below 1 second, and drops the counters when too many keys are tracked', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter(1, 1_000, 3, () => now);
    limiter.hit('a');
    now = 999.9;
    expect(limiter.hit('a')).toBe(1);
    now = 1_000;
    for (const k of ['a', 'b', 'c']) expect(limiter.hit(k)).toBe(0);
    expect(limiter.hit('a')).toBe(1);
    expect(limiter.hit('d')).toBe(0); // a fourth key: the window's counters are dropped (bounded memory)
    expect(limiter.hit('a')).toBe(0);
  });

  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('client address %s counts as %s (IPv6 by /64)', (ip, key) => {
    expect(clientAddressKey(ip)).toBe(key);
  });
});
