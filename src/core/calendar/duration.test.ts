import { describe, expect, it } from 'vitest';
import { durationSchema, formatDuration, parseDuration } from './duration.ts';

describe('durations: ISO 8601 and short forms, in whole seconds (P1D = 24 h)', () => {
  it.each([
    ['PT16H', 57_600],
    ['P2D', 172_800],
    ['P1W', 604_800],
    ['PT1H30M', 5_400],
    ['P1DT2H', 93_600],
    ['PT0.5H', 1_800],
    ['PT45S', 45],
    ['16h', 57_600],
    ['90m', 5_400],
    ['1h30m', 5_400],
    ['1h 30m', 5_400],
    ['45s', 45],
    ['1d', 86_400],
    ['1.5h', 5_400],
  ])('%s = %i s', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, seconds });
  });

  it.each([
    ['-1h', 'cannot be negative'],
    ['-PT1H', 'cannot be negative'],
    ['0s', 'longer than zero'],
    ['PT0S', 'longer than zero'],
    ['abc', 'expected ISO 8601'],
    ['16', 'expected ISO 8601'],
    ['P1M', 'expected ISO 8601'],
    ['P1Y', 'expected ISO 8601'],
    ['P', 'expected ISO 8601'],
    ['PT', 'expected ISO 8601'],
    ['1h1h', 'expected ISO 8601'],
    ['PT0.5S', 'whole number of seconds'],
    ['1.01m', 'whole number of seconds'],
  ])('%s is refused (%s)', (text, rule) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(rule);
  });

  it('zero is accepted only where allowed', () => {
    expect(parseDuration('0s', { allowZero: true })).toEqual({ ok: true, seconds: 0 });
  });

  it('durationSchema validates the text and keeps it as written', () => {
    expect(durationSchema.parse('16h')).toBe('16h');
    const bad = durationSchema.safeParse('-2h');
    expect(bad.success).toBe(false);
    expect(durationSchema.safeParse(3600).success).toBe(false);
  });

  it('formatDuration is the inverse of parseDuration', () => {
    for (const seconds of [45, 5_400, 57_600, 93_661]) {
      const parsed = parseDuration(formatDuration(seconds));
      expect(parsed).toEqual({ ok: true, seconds });
    }
    expect(formatDuration(93_661)).toBe('1d2h1m1s');
    expect(formatDuration(226_800, { largestUnit: 'h' })).toBe('63h');
  });
});
