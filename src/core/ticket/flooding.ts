export interface FloodingRule {
  maxPosts: number;
  withinMinutes: number;
}

export type FloodingDecision =
  | { allowed: true; inWindow: number }
  | { allowed: false; inWindow: number; retryAfterSeconds: number };

/**
 * R1.5: may one more post go in? Yes while fewer than `maxPosts` posts lie in (now - window, now]; else retry
 * once the oldest has left the window (whole seconds rounded up, at least 1).
 * @example decideFlooding([0, 60_000, 120_000], 180_000, { maxPosts: 3, withinMinutes: 10 }) // { allowed: false, inWindow: 3, retryAfterSeconds: 420 }
 */
export function decideFlooding(
  recentPostsMs: readonly number[],
  nowMs: number,
  rule: FloodingRule,
): FloodingDecision {
  const windowMs = rule.withinMinutes * 60_000;
  const inWindow = recentPostsMs.filter((at) => at > nowMs - windowMs && at <= nowMs);
  if (inWindow.length < rule.maxPosts) return { allowed: true, inWindow: inWindow.length };
  // With more than maxPosts in the window (an agent logged some, or the plan was tightened) the oldest leaving
  // is not enough: wait for the post whose leaving brings the count below maxPosts.
  const sorted = [...inWindow].sort((a, b) => a - b);
  const leaving = sorted[inWindow.length - rule.maxPosts]!;
  const retryAfterSeconds = Math.max(1, Math.ceil((leaving + windowMs - nowMs) / 1000));
  return { allowed: false, inWindow: inWindow.length, retryAfterSeconds };
}
