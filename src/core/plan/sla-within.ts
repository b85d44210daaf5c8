import { DURATION_PATTERN, parseDuration } from '../calendar/duration.ts';

/** A parsed SLA allowance: plain seconds, or N working days (R2.4: N × the calendar's working-day length). */
export type SlaWithin = { kind: 'duration'; seconds: number } | { kind: 'working-days'; days: number };

export type SlaWithinResult = ({ ok: true } & SlaWithin) | { ok: false; message: string };

const EXPECTED = 'expected a positive duration like 8h or PT8H, or working days like 2wd';
const WORKING_DAYS = /^(\d+)\s*wd$/;

/** The JSON Schema pattern of `within`: working days (2wd) or a duration (see DURATION_PATTERN). */
export const SLA_WITHIN_PATTERN = `^(\\d+\\s*wd|${DURATION_PATTERN.slice(1, -1)})$`;
export const SLA_WITHIN_MESSAGE = EXPECTED;

/**
 * Parses a target's `within`: `Nwd` is N working days, anything else a duration (parseDuration, where
 * 1d is 24 h of clock time). Example: parseSlaWithin('2wd') → { ok: true, kind: 'working-days', days: 2 }.
 */
export function parseSlaWithin(text: string): SlaWithinResult {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) return { ok: false, message: `${EXPECTED}; it cannot be negative` };
  const wd = WORKING_DAYS.exec(trimmed);
  if (wd) {
    const days = Number(wd[1]);
    return days > 0
      ? { ok: true, kind: 'working-days', days }
      : { ok: false, message: `${EXPECTED}; got 0 days` };
  }
  const parsed = parseDuration(trimmed);
  if (!parsed.ok) return { ok: false, message: parsed.message };
  return { ok: true, kind: 'duration', seconds: parsed.seconds };
}
