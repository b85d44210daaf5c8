import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { durationSchema } from './duration.ts';
import { isKnownHolidayRegion } from './holidays.source.ts';

/** Weekday keys of `week`, Monday first (ISO weekday 1..7). */
export const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

/** Holiday types known to date-holidays; only `public` is used unless a calendar opts in. */
export const HOLIDAY_TYPES = ['public', 'bank', 'school', 'optional', 'observance'] as const;
export type HolidayType = (typeof HOLIDAY_TYPES)[number];

/** A parsed interval in seconds from the start of its local date; `end` > 86 400 for overnight ("+1"). */
export type DayInterval = { start: number; end: number };

const INTERVAL_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2}))?\s*-\s*(\d{2}):(\d{2})(?::(\d{2}))?(\+1)?$/;
const DAY = 86_400;

/**
 * Parses "09:00-18:00", "09:00:30-12:00" or the overnight form "22:00-06:00+1".
 * @example parseIntervalText('22:00-06:00+1') // { ok: true, interval: { start: 79200, end: 108000 } }
 */
export function parseIntervalText(
  text: string,
): { ok: true; interval: DayInterval } | { ok: false; message: string } {
  const match = INTERVAL_PATTERN.exec(text.trim());
  if (match === null) {
    return {
      ok: false,
      message: `malformed interval "${text}": expected HH:MM-HH:MM (overnight: 22:00-06:00+1)`,
    };
  }
  const [, sh, sm, ss, eh, em, es, nextDay] = match;
  const start = clock(sh, sm, ss);
  const end = clock(eh, em, es);
  if (start === undefined || end === undefined) {
    return { ok: false, message: `malformed time in "${text}": hours 00-24, minutes and seconds 00-59` };
  }
  if (start >= DAY) return { ok: false, message: `interval "${text}" starts at 24:00 or later` };
  if (nextDay !== undefined) {
    if (end > start) {
      return {
        ok: false,
        message: `overnight interval "${text}" is longer than 24 h: end+1 must not be after start`,
      };
    }
    return { ok: true, interval: { start, end: end + DAY } };
  }
  if (end <= start) {
    return {
      ok: false,
      message: `interval "${text}": end is not after start; write 24:00 for midnight or mark a next-day end with +1`,
    };
  }
  return { ok: true, interval: { start, end } };
}

function clock(h?: string, m?: string, s?: string): number | undefined {
  const hours = Number(h);
  const minutes = Number(m);
  const seconds = s === undefined ? 0 : Number(s);
  if (minutes > 59 || seconds > 59 || hours > 24) return undefined;
  if (hours === 24 && (minutes > 0 || seconds > 0)) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
}

/** True when `zone` is an IANA time zone that Temporal (and so the engine) knows. */
export function isKnownTimeZone(zone: string): boolean {
  // Temporal also takes fixed offsets ("+01:00"); a calendar names a zone so that DST rules apply.
  if (/^[+-]/.test(zone)) return false;
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

const intervalTextSchema = z
  .string()
  .describe('Local working interval "HH:MM-HH:MM"; an overnight end carries "+1" ("22:00-06:00+1").')
  .superRefine((text, ctx) => {
    const parsed = parseIntervalText(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });

const hoursSchema = z
  .array(intervalTextSchema)
  .describe('Working intervals of one local date; [] = closed. Several intervals = breaks or split shifts.')
  .superRefine((list, ctx) => reportOverlaps(list, ctx));

const weekSchema = z
  .strictObject(Object.fromEntries(WEEK_DAYS.map((day) => [day, hoursSchema.optional()])) as WeekShape)
  .describe('Weekly working hours by weekday; a missing day is closed.');
type WeekShape = { [K in WeekDay]: z.ZodOptional<typeof hoursSchema> };

const localDateSchema = z.iso.date({ message: 'expected a date YYYY-MM-DD' });

const exceptionSchema = z
  .strictObject({
    date: localDateSchema,
    hours: hoursSchema.optional(),
    name: z.string().optional(),
  })
  .describe("A dated exception: replaces that local date's weekly hours; missing or [] hours = closed.");

const instantSchema = z.iso.datetime({
  offset: true,
  message: 'expected an instant with a UTC offset, e.g. 2026-12-01T22:00:00Z',
});

const closureSchema = z
  .strictObject({ start: instantSchema, end: instantSchema, reason: z.string().optional() })
  .describe('A closure (maintenance window): no working time in [start, end).')
  .superRefine((closure, ctx) => {
    const start = Date.parse(closure.start);
    const end = Date.parse(closure.end);
    if (end <= start)
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'closure end must be after its start' });
  });

const holidaysSchema = z
  .strictObject({
    country: z.string().regex(/^[A-Z]{2}$/, { message: 'expected an ISO 3166 country code such as DE' }),
    region: z.string().optional().describe('Subdivision (date-holidays "state"), e.g. BY for Bavaria.'),
    subregion: z
      .string()
      .optional()
      .describe('Finer region inside the subdivision (date-holidays "region").'),
    types: z
      .array(z.enum(HOLIDAY_TYPES))
      .min(1)
      .optional()
      .describe('Holiday types to close on; default [public].'),
  })
  .describe('Public holidays from date-holidays; they become dated exceptions (explicit exceptions win).')
  .superRefine((holidays, ctx) => {
    const problem = isKnownHolidayRegion(holidays.country, holidays.region, holidays.subregion);
    if (problem !== undefined)
      ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

/** The calendar document: standalone calendar YAML files and a plan's `calendar:` use this format. */
export const calendarSpecSchema = z
  .strictObject({
    timeZone: z.string().describe('IANA time zone, e.g. Europe/Berlin').refine(isKnownTimeZone, {
      message: 'unknown IANA time zone',
    }),
    week: weekSchema,
    workingDayLength: durationSchema
      .optional()
      .describe('Length of one working day for "N working days"; default: the most common weekday length.'),
    holidays: holidaysSchema.optional(),
    exceptions: z.array(exceptionSchema).optional(),
    closures: z.array(closureSchema).optional(),
  })
  .describe('A business calendar: time zone, weekly hours, holidays, dated exceptions and closures.')
  .superRefine((spec, ctx) => {
    reportWeekProblems(spec.week, ctx);
    reportDuplicateDates(spec.exceptions ?? [], ctx);
  });

export type CalendarSpec = z.infer<typeof calendarSpecSchema>;
export type CalendarWeek = CalendarSpec['week'];
export type CalendarException = NonNullable<CalendarSpec['exceptions']>[number];
export type CalendarClosure = NonNullable<CalendarSpec['closures']>[number];
export type CalendarHolidays = NonNullable<CalendarSpec['holidays']>;

/** The 24/7 calendar, for targets in calendar time (e.g. S0's "within 24 hours"). */
export const alwaysOpenCalendarSpec: CalendarSpec = {
  timeZone: 'UTC',
  week: Object.fromEntries(WEEK_DAYS.map((day) => [day, ['00:00-24:00']])) as CalendarWeek,
  workingDayLength: '24h',
};

/** Parses all intervals of one list, in order; the schema guarantees they are valid. */
export function parseHours(list: readonly string[] | undefined): DayInterval[] {
  const out: DayInterval[] = [];
  for (const text of list ?? []) {
    const parsed = parseIntervalText(text);
    if (parsed.ok) out.push(parsed.interval);
  }
  return out;
}

function reportOverlaps(list: readonly string[], ctx: z.RefinementCtx): void {
  const parsed = list.map((text, index) => ({ index, result: parseIntervalText(text) }));
  const valid = parsed.flatMap((p) => (p.result.ok ? [{ index: p.index, ...p.result.interval }] : []));
  valid.sort((a, b) => a.start - b.start);
  for (let i = 1; i < valid.length; i++) {
    const prev = valid[i - 1]!;
    const cur = valid[i]!;
    if (cur.start < prev.end) {
      ctx.addIssue({
        code: 'custom',
        path: [cur.index],
        message: `interval "${list[cur.index]}" overlaps "${list[prev.index]}"`,
      });
    }
  }
}

function reportWeekProblems(week: CalendarWeek, ctx: z.RefinementCtx): void {
  const hasHours = WEEK_DAYS.some((day) => (week[day]?.length ?? 0) > 0);
  if (!hasHours) {
    ctx.addIssue({
      code: 'custom',
      path: ['week'],
      message: 'a calendar needs working hours on at least one weekday',
    });
    return;
  }
  // An overnight interval runs into the next weekday (sun → mon); it must not overlap that day's hours.
  WEEK_DAYS.forEach((day, index) => {
    const next = WEEK_DAYS[(index + 1) % 7]!;
    const tailEnd = Math.max(0, ...parseHours(week[day]).map((i) => i.end - DAY));
    const nextStarts = parseHours(week[next]).map((i) => i.start);
    if (tailEnd > 0 && nextStarts.some((start) => start < tailEnd)) {
      ctx.addIssue({
        code: 'custom',
        path: ['week', day],
        message: `overnight interval of ${day} overlaps the hours of ${next}`,
      });
    }
  });
}

function reportDuplicateDates(exceptions: readonly CalendarException[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  exceptions.forEach((exception, index) => {
    if (seen.has(exception.date)) {
      ctx.addIssue({
        code: 'custom',
        path: ['exceptions', index, 'date'],
        message: `date ${exception.date} already has an exception; merge them into one`,
      });
    }
    seen.add(exception.date);
  });
}

export type CalendarSpecIssue = { path: string; message: string };

/**
 * Validates an unknown value (parsed YAML/JSON) as a calendar; errors name the path and the rule.
 * @example parseCalendarSpec({ timeZone: 'Mars/Base', week: {} }) // { ok: false, issues: [{ path: 'timeZone', ... }] }
 */
export function parseCalendarSpec(
  input: unknown,
): { ok: true; spec: CalendarSpec } | { ok: false; issues: CalendarSpecIssue[] } {
  const result = calendarSpecSchema.safeParse(input);
  if (result.success) return { ok: true, spec: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** Formats a zod path as `week.fri[0]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(root)' : text;
}
