import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS, checkPasswordStrength } from '../../src/server/auth/password-policy.ts';

const who = { email: 'dana.scully@example.test', name: 'Dana Scully' };

describe('password policy (beyond 12–256 characters)', () => {
  it.each([
    ['Password2024!', 'COMMON'],
    ['p@ssw0rd!!!!', 'COMMON'],
    ['iloveyouiloveyou', 'COMMON'],
    ['qwerty123456', 'COMMON'],
    ['!!!Sunshine2025', 'COMMON'],
    ['qwertyuiopasdfghjkl', 'COMMON'],
    ['aaaaaaaaaaaa', 'PREDICTABLE'],
    ['123456789012', 'PREDICTABLE'],
    ['abcdefghijklm', 'PREDICTABLE'],
    ['zxcvbnmasdfg', 'PREDICTABLE'],
    ['ababababababab', 'PREDICTABLE'],
    ['dana.scully-rocks', 'PERSONAL'],
    ['my name is Scully, ok', 'PERSONAL'],
  ])('refuses %j as %s', (password, reason) => {
    expect(checkPasswordStrength(password, who)).toEqual({ ok: false, reason });
  });

  it.each([
    'correct horse battery staple',
    'Tr0ub4dor&3-is-not-enough',
    'vending-otter-cactus-91',
    'ünïcödé pässwörd ✓ 42',
  ])('accepts %j', (password) => {
    expect(checkPasswordStrength(password, who)).toEqual({ ok: true });
  });

  it('the common list holds at least the top 100 and is lower-case', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(100);
    for (const p of COMMON_PASSWORDS) expect(p).toBe(p.toLowerCase());
  });
});
