import { z } from 'zod';

/**
 * Durations are exact numbers of seconds. A day in a duration is 24 h of elapsed time (P1D = PT24H,
 * 1d = 24h) and a week 7 days; "N working days" is a separate unit (see addWorkingDays), and years
 * and months are refused because their length depends on where they start.
 */
export type DurationResult = { ok: true; seconds: number } | { ok: false; message: string };

export type DurationOptions = { allowZero?: boolean };

const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;

// ISO 8601 duration without years and months; every component may carry a decimal fraction.
const ISO_PATTERN =
  /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;
// Short form: one or more "<number><unit>" parts, largest unit first, e.g. 16h, 90m, 1h30m, 1d 4h.
const SHORT_PATTERN = /^(?:\d+(?:\.\d+)?\s*[wdhms]\s*)+$/i;
const SHORT_PART = /(\d+(?:\.\d+)?)\s*([wdhms])/gi;

/** The JSON Schema pattern for a duration text (either form). */
export const DURATION_PATTERN =
  '^(P(\\d+([.,]\\d+)?W)?(\\d+([.,]\\d+)?D)?(T(\\d+([.,]\\d+)?H)?(\\d+([.,]\\d+)?M)?(\\d+([.,]\\d+)?S)?)?|(\\d+(\\.\\d+)?\\s*[wdhmsWDHMS]\\s*)+)$';

/**
 * Parses a duration text into whole seconds.
 * @example parseDuration('1h30m') // { ok: true, seconds: 5400 }
 * @example parseDuration('PT16H') // { ok: true, seconds: 57600 }
 */
export function parseDuration(text: string, options: DurationOptions = {}): DurationResult {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) return fail(text, 'a duration cannot be negative');
  const seconds = /^P/i.test(trimmed) ? parseIso(trimmed) : parseShort(trimmed);
  if (seconds === undefined) {
    return fail(text, 'expected ISO 8601 (PT16H, P2D, PT1H30M) or a short form (16h, 90m, 1h30m, 45s)');
  }
  if (!Number.isInteger(seconds)) return fail(text, 'a duration must be a whole number of seconds');
  if (seconds === 0 && options.allowZero !== true) return fail(text, 'a duration must be longer than zero');
  return { ok: true, seconds };
}

function parseIso(text: string): number | undefined {
  const match = ISO_PATTERN.exec(text);
  if (match === null || text === 'P' || /T$/i.test(text)) return undefined;
  const [, w, d, h, m, s] = match;
  const units: Array<readonly [string | undefined, number]> = [
    [w, UNIT_SECONDS.w],
    [d, UNIT_SECONDS.d],
    [h, UNIT_SECONDS.h],
    [m, UNIT_SECONDS.m],
    [s, UNIT_SECONDS.s],
  ];
  return sumParts(units.flatMap(([value, size]) => (value === undefined ? [] : [[value, size] as const])));
}

function parseShort(text: string): number | undefined {
  if (!SHORT_PATTERN.test(text)) return undefined;
  const parts: Array<readonly [string, number]> = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(SHORT_PART)) {
    const unit = (match[2] ?? '').toLowerCase() as keyof typeof UNIT_SECONDS;
    if (seen.has(unit)) return undefined;
    seen.add(unit);
    parts.push([match[1] ?? '', UNIT_SECONDS[unit]]);
  }
  return sumParts(parts);
}

// Sums in milliseconds so that decimal fractions such as PT0.1S add up without float drift.
function sumParts(parts: ReadonlyArray<readonly [string, number]>): number {
  let millis = 0;
  for (const [value, unitSeconds] of parts) {
    millis += Math.round(Number(value.replace(',', '.')) * unitSeconds * 1000);
  }
  return millis / 1000;
}

function fail(text: string, rule: string): DurationResult {
  return { ok: false, message: `invalid duration "${text}": ${rule}` };
}

/** Renders seconds in the short form (e.g. 5400 → "1h30m"); the inverse of parseDuration. */
export function formatDuration(seconds: number, options: { largestUnit?: 'd' | 'h' } = {}): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  let text = '';
  // Working time is shown in hours: a "d" of 24 h would read as a working day.
  const units = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const;
  for (const [unit, size] of options.largestUnit === 'h' ? units.slice(1) : units) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  if (rest > 0) text += `${rest}s`;
  return sign + text;
}

function durationTextSchema(options: DurationOptions) {
  // The pattern documents the format in JSON Schema; the message comes from the parser, which names the rule.
  const describeProblem = (input: unknown) => {
    if (typeof input !== 'string') return 'expected a duration text such as 16h or PT16H';
    const result = parseDuration(input, options);
    return result.ok ? 'expected a duration such as 16h or PT16H' : result.message;
  };
  return z
    .string({ error: (issue) => describeProblem(issue.input) })
    .regex(new RegExp(DURATION_PATTERN), { abort: true, error: (issue) => describeProblem(issue.input) })
    .superRefine((text, ctx) => {
      const result = parseDuration(text, options);
      if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message });
    });
}

/** A positive duration text ("16h", "PT16H"); convert with parseDuration. Stays text so plans round-trip. */
export const durationSchema = durationTextSchema({}).describe(
  'A positive duration: ISO 8601 (PT16H; P1D = 24 h) or short form (16h, 90m, 1h30m, 45s).',
);

/** Like durationSchema but also accepts zero ("0s", "PT0S"). */
export const durationOrZeroSchema = durationTextSchema({ allowZero: true }).describe(
  'A duration that may be zero: ISO 8601 (PT0S, PT16H) or short form (0s, 16h).',
);

/** Parses a text already validated by durationSchema; a fault (throws) if it is not valid. */
export function durationSeconds(text: string): number {
  const result = parseDuration(text, { allowZero: true });
  if (!result.ok) throw new RangeError(result.message);
  return result.seconds;
}
