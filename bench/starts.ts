// Seeded random start instants for the calendar bench: the same seed gives the same starts on
// every machine, so RESULTS.md rows are comparable across runs.

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns a function yielding floats in [0, 1). */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface StartOptions {
  readonly count: number;
  readonly seed: number;
  /** Inclusive lower and exclusive upper bound, epoch seconds. */
  readonly fromEpoch: number;
  readonly toEpoch: number;
}

/**
 * Uniform whole-second instants over the range, so nights, weekends, holidays and DST weekends
 * appear in their natural share. One start in ten is snapped to a whole hour instead, so that exact
 * openings and closings (09:00:00, 18:00:00 local) — where libraries disagree — occur often enough
 * to be counted.
 */
export function generateStarts(options: StartOptions): Float64Array {
  const random = createPrng(options.seed);
  const span = options.toEpoch - options.fromEpoch;
  const starts = new Float64Array(options.count);
  for (let i = 0; i < options.count; i++) {
    const second = options.fromEpoch + Math.floor(random() * span);
    starts[i] = random() < 0.1 ? second - (second % 3600) : second;
  }
  return starts;
}
