// The operations behind `upkeep calendar`: load a calendar file, parse arguments (from options or from
// a batch line, with the same field names), run one engine call and return a JSON-ready result.
import { readFileSync } from 'node:fs';
import { Temporal } from 'temporal-polyfill';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import {
  addWorkingDays,
  addWorkingTime,
  type CompiledCalendar,
  compileCalendar,
  formatDuration,
  isWorkingInstant,
  nextWorkingInstant,
  parseCalendarSpec,
  parseDuration,
  subtractWorkingTime,
  WORKING_DAY_SEMANTICS,
  type WorkingDaySemantics,
  workingTimeBetween,
} from '../core/calendar/index.ts';
import { CliError } from './cli-io.ts';

export type Loaded = { cal: CompiledCalendar; timeZone: string };
export type Result = Record<string, unknown>;
export type Options = Record<string, unknown>;

const SEMANTICS: readonly WorkingDaySemantics[] = WORKING_DAY_SEMANTICS;

// ---- calendar file -------------------------------------------------------------------------------

export function loadCalendar(file: string): Loaded {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
      ENOENT: 'no such file',
      EISDIR: 'it is a directory',
      EACCES: 'permission denied',
    };
    throw new CliError(`cannot read calendar file ${file}: ${reasons[code ?? ''] ?? code}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const where = error.linePos?.[0];
    const at = where === undefined ? '' : ` at line ${where.line}, column ${where.col}`;
    throw new CliError(`malformed YAML in ${file}${at}: ${error.message.split('\n')[0]}`, 'INVALID_CALENDAR');
  }
  if (document === null || document === undefined)
    throw new CliError(`calendar file ${file} is empty`, 'INVALID_CALENDAR');
  const parsed = parseCalendarSpec(document);
  if (!parsed.ok) {
    const list = parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new CliError(`invalid calendar ${file}: ${list}`, 'INVALID_CALENDAR', 2, parsed.issues);
  }
  return { cal: compileCalendar(parsed.spec), timeZone: parsed.spec.timeZone };
}

// ---- argument parsing (shared by the commands and batch lines) -----------------------------------

// Bounds that keep every call fast: the engine compiles the years a query touches, so an instant in
// the year 9000 or a million-hour duration would compile centuries of calendar first.
const LIMITS = { firstYear: 1900, lastYear: 2199, maxSeconds: 87_600 * 3600, maxDays: 10_000 } as const;

function parseInstant(text: unknown, field: string): Temporal.Instant {
  if (text === undefined || text === '') throw new CliError(`${field}: an instant is required`);
  if (typeof text !== 'string') throw new CliError(`${field}: expected an ISO 8601 instant text`);
  let instant: Temporal.Instant;
  try {
    instant = Temporal.Instant.from(text);
  } catch {
    throw new CliError(`${field}: invalid instant "${text}": expected ISO 8601 with an offset or Z`);
  }
  const year = instant.toZonedDateTimeISO('UTC').year;
  if (year < LIMITS.firstYear || year > LIMITS.lastYear) {
    throw new CliError(
      `${field}: instant "${text}" is outside the years ${LIMITS.firstYear}-${LIMITS.lastYear}`,
    );
  }
  return instant;
}

function parseSeconds(text: unknown, field: string): number {
  if (text === undefined || text === '') throw new CliError(`${field}: a duration is required`);
  if (typeof text !== 'string') throw new CliError(`${field}: expected a duration text such as 16h or PT16H`);
  const result = parseDuration(text);
  if (!result.ok) throw new CliError(`${field}: ${result.message}`);
  if (result.seconds > LIMITS.maxSeconds) {
    throw new CliError(`${field}: "${text}" is longer than ${formatDuration(LIMITS.maxSeconds)} (10 years)`);
  }
  return result.seconds;
}

function parseDays(value: unknown, field: string): number {
  const days = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 0 || days > LIMITS.maxDays) {
    throw new CliError(
      `${field}: expected a whole number of working days from 0 to ${LIMITS.maxDays}, got ${JSON.stringify(value)}`,
    );
  }
  return days;
}

function parseSemantics(value: unknown, field: string): WorkingDaySemantics {
  if (value === undefined) return 'working-day-length';
  if (SEMANTICS.includes(value as WorkingDaySemantics)) return value as WorkingDaySemantics;
  throw new CliError(`${field}: expected one of ${SEMANTICS.join(', ')}, got ${JSON.stringify(value)}`);
}

// ---- operations: each returns a JSON-ready result ------------------------------------------------

export function describeInstant(loaded: Loaded, instant: Temporal.Instant): { utc: string; local: string } {
  const zoned = instant.toZonedDateTimeISO(loaded.timeZone);
  return { utc: instant.toString(), local: zoned.toString({ timeZoneName: 'never' }) };
}

function instantResult(loaded: Loaded, instant: Temporal.Instant): Result {
  const { utc, local } = describeInstant(loaded, instant);
  return { result: utc, resultLocal: local, timeZone: loaded.timeZone };
}

export const OPERATIONS = {
  add: (loaded: Loaded, input: Options) => {
    const at = parseInstant(input.at, 'at');
    const seconds = parseSeconds(input.duration, 'duration');
    return {
      at: at.toString(),
      durationSeconds: seconds,
      ...instantResult(loaded, addWorkingTime(loaded.cal, at, seconds)),
    };
  },
  subtract: (loaded: Loaded, input: Options) => {
    const at = parseInstant(input.at, 'at');
    const seconds = parseSeconds(input.duration, 'duration');
    const result = subtractWorkingTime(loaded.cal, at, seconds);
    return { at: at.toString(), durationSeconds: seconds, ...instantResult(loaded, result) };
  },
  between: (loaded: Loaded, input: Options) => {
    const from = parseInstant(input.from, 'from');
    const to = parseInstant(input.to, 'to');
    const seconds = workingTimeBetween(loaded.cal, from, to);
    return {
      from: from.toString(),
      to: to.toString(),
      workingSeconds: seconds,
      working: formatDuration(seconds, { largestUnit: 'h' }),
    };
  },
  'add-days': (loaded: Loaded, input: Options) => {
    const at = parseInstant(input.at, 'at');
    const days = parseDays(input.days, 'days');
    const semantics = parseSemantics(input.semantics, 'semantics');
    const result = addWorkingDays(loaded.cal, at, days, semantics);
    return { at: at.toString(), days, semantics, ...instantResult(loaded, result) };
  },
  'is-working': (loaded: Loaded, input: Options) => {
    const at = parseInstant(input.at, 'at');
    const working = isWorkingInstant(loaded.cal, at);
    const next = working ? at : nextWorkingInstant(loaded.cal, at);
    return { at: at.toString(), working, nextWorking: next.toString() };
  },
  'next-working': (loaded: Loaded, input: Options) => {
    const at = parseInstant(input.at, 'at');
    return { at: at.toString(), ...instantResult(loaded, nextWorkingInstant(loaded.cal, at)) };
  },
} satisfies Record<string, (loaded: Loaded, input: Options) => Result>;

export type OperationName = keyof typeof OPERATIONS;

// The engine throws RangeError when a result would leave the years it can compile; that is bad input here.
export function runOperation(op: OperationName, loaded: Loaded, input: Options): Result {
  try {
    return OPERATIONS[op](loaded, input);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new CliError(
      `${op}: the result lies outside the range the calendar engine supports (${error.message})`,
    );
  }
}
