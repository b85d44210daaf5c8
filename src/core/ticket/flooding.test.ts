import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import { decideFlooding, type FloodingDecision } from './flooding.ts';

const MIN = 60_000;
const now = Date.UTC(2026, 2, 2, 10, 0, 0);
const ago = (ms: number) => now - ms;

describe('R1.5 flooding (S1: ticket-desk, 3 posts within 10 minutes)', () => {
  const rule = loadPreset('ticket-desk').automations.flooding!;

  it('R1.5 (S1): the preset allows 3 posts within 10 minutes', () => {
    expect(rule).toEqual({ maxPosts: 3, withinMinutes: 10 });
  });

  it.each<[string, number[], FloodingDecision]>([
    ['R1.5 (S1): the first post is allowed', [], { allowed: true, inWindow: 0 }],
    [
      'R1.5 (S1): a third post within 10 minutes is allowed',
      [ago(5 * MIN), ago(1 * MIN)],
      { allowed: true, inWindow: 2 },
    ],
    [
      'R1.5 (S1): a fourth post within 10 minutes is refused until the oldest leaves the window',
      [ago(9 * MIN), ago(5 * MIN), ago(1 * MIN)],
      { allowed: false, inWindow: 3, retryAfterSeconds: 60 },
    ],
    [
      'R1.5 (S1): posts older than 10 minutes do not count',
      [ago(30 * MIN), ago(11 * MIN), ago(10 * MIN + 1), ago(1 * MIN)],
      { allowed: true, inWindow: 1 },
    ],
    [
      'R1.5 (S1): a post exactly 10 minutes old has left the window (it is open at now - 10 min)',
      [ago(10 * MIN), ago(5 * MIN), ago(1 * MIN)],
      { allowed: true, inWindow: 2 },
    ],
    [
      'R1.5 (S1): a post at this very millisecond counts (the window is closed at now)',
      [ago(2 * MIN), ago(1 * MIN), now],
      { allowed: false, inWindow: 3, retryAfterSeconds: 480 },
    ],
    [
      'R1.5 (S1): a post stamped after now (clock skew) is outside (now - window, now]',
      [ago(2 * MIN), ago(1 * MIN), now + 5_000],
      { allowed: true, inWindow: 2 },
    ],
    [
      'R1.5 (S1): one millisecond left is a wait of one second, never zero',
      [ago(10 * MIN - 1), ago(5 * MIN), ago(1 * MIN)],
      { allowed: false, inWindow: 3, retryAfterSeconds: 1 },
    ],
    [
      'R1.5 (S1): the wait is rounded up to whole seconds (1.5 s left is 2 s)',
      [ago(10 * MIN - 1_500), ago(5 * MIN), ago(1 * MIN)],
      { allowed: false, inWindow: 3, retryAfterSeconds: 2 },
    ],
    [
      'R1.5 (S1): posts need not come in order',
      [ago(1 * MIN), ago(9 * MIN), ago(5 * MIN)],
      { allowed: false, inWindow: 3, retryAfterSeconds: 60 },
    ],
    [
      'R1.5 (S1): with more than 3 in the window, wait until only 2 remain',
      [ago(9 * MIN), ago(8 * MIN), ago(7 * MIN), ago(1 * MIN)],
      { allowed: false, inWindow: 4, retryAfterSeconds: 120 },
    ],
  ])('%s', (_name, posts, expected) => {
    expect(decideFlooding(posts, now, rule)).toEqual(expected);
  });

  it('R1.5 (S1): retrying after retryAfterSeconds is allowed', () => {
    const posts = [ago(9 * MIN + 20_300), ago(5 * MIN), ago(1 * MIN)];
    const refused = decideFlooding(posts, now, rule);
    if (refused.allowed) throw new Error('expected a refusal');
    expect(decideFlooding(posts, now + refused.retryAfterSeconds * 1000, rule).allowed).toBe(true);
    expect(decideFlooding(posts, now + (refused.retryAfterSeconds - 1) * 1000, rule).allowed).toBe(false);
  });
});
