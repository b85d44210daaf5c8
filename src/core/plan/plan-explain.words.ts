import { type CalendarSpec, parseHours, WEEK_DAYS } from '../calendar/calendar.schema.ts';
import { formatDuration } from '../calendar/duration.ts';
import type { Money, Term } from './plan-common.schema.ts';
import type { SlaTarget } from './plan-desk.schema.ts';
import { parseSlaWithin } from './sla-within.ts';

const ZERO_DECIMALS = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF', 'PYG']);

/** 4900 USD → "49.00 USD"; the minor-unit exponent is 2 except for zero-decimal currencies. */
export function formatMoney(money: Money): string {
  if (ZERO_DECIMALS.has(money.currency)) return `${money.amountMinor} ${money.currency}`;
  const major = Math.floor(money.amountMinor / 100);
  const minor = String(money.amountMinor % 100).padStart(2, '0');
  return `${major.toLocaleString('en-US')}.${minor} ${money.currency}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A term as a unit of price: { years: 1 } → "year", { months: 6 } → "6 months". */
export function formatTermUnit(term: Term): string {
  const text = formatTerm(term);
  return text.startsWith('1 ') && !text.includes(' and ') ? text.slice(2) : text;
}

/** { years: 1 } → "1 year"; { months: 3 } → "3 months". */
export function formatTerm(term: Term): string {
  const parts = [
    term.years ? plural(term.years, 'year') : '',
    term.months ? plural(term.months, 'month') : '',
    term.days ? plural(term.days, 'day') : '',
  ].filter((p) => p !== '');
  return joinWords(parts);
}

/** ['a','b','c'] → "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** A target's allowance in words: "1 working hour", "2 working days", "24 hours (calendar time)". */
export function formatWithin(target: SlaTarget): string {
  const within = parseSlaWithin(target.within);
  if (!within.ok) return target.within;
  if (within.kind === 'working-days') return plural(within.days, 'working day');
  const amount = humanSeconds(within.seconds);
  return target.clock === 'working'
    ? amount.replace(/(hour|minute|day)/, 'working $1')
    : `${amount} (calendar time)`;
}

/** Seconds in words: 32400 → "9 hours", 1209600 → "14 days". */
export function humanSeconds(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds >= 7 * 86_400) return plural(seconds / 86_400, 'day');
  if (seconds % 3_600 === 0) return plural(seconds / 3_600, 'hour');
  if (seconds % 60 === 0 && seconds < 3_600) return plural(seconds / 60, 'minute');
  return formatDuration(seconds);
}

const DAY_NAMES: Record<(typeof WEEK_DAYS)[number], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** Weekly hours in words, runs of equal days joined: "Monday–Friday 09:00–18:00". */
export function formatWeek(spec: CalendarSpec): string {
  const runs: { from: string; to: string; hours: string }[] = [];
  for (const day of WEEK_DAYS) {
    const list = spec.week[day] ?? [];
    if (parseHours(list).length === 0) continue;
    const hours = list.map((h) => h.replace('-', '–')).join(', ');
    const last = runs[runs.length - 1];
    const previous = WEEK_DAYS[WEEK_DAYS.indexOf(day) - 1];
    if (last && last.hours === hours && previous && DAY_NAMES[previous] === last.to) last.to = DAY_NAMES[day];
    else runs.push({ from: DAY_NAMES[day], to: DAY_NAMES[day], hours });
  }
  return runs.map((r) => `${r.from === r.to ? r.from : `${r.from}–${r.to}`} ${r.hours}`).join('; ');
}
