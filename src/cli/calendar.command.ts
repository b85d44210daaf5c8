import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { Temporal } from 'temporal-polyfill';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import {
  addWorkingDays,
  addWorkingTime,
  type CompiledCalendar,
  compileCalendar,
  formatDuration,
  formatPath,
  isWorkingInstant,
  nextWorkingInstant,
  parseCalendarSpec,
  parseDuration,
  subtractWorkingTime,
  WORKING_DAY_SEMANTICS,
  type WorkingDaySemantics,
  workingTimeBetween,
} from '../core/calendar/index.ts';
import { CliError, runAction } from './cli-io.ts';

type Loaded = { cal: CompiledCalendar; timeZone: string };
type Result = Record<string, unknown>;
type Options = Record<string, unknown>;

const SEMANTICS: readonly WorkingDaySemantics[] = WORKING_DAY_SEMANTICS;

// ---- calendar file -------------------------------------------------------------------------------

function loadCalendar(file: string): Loaded {
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

function describeInstant(loaded: Loaded, instant: Temporal.Instant): { utc: string; local: string } {
  const zoned = instant.toZonedDateTimeISO(loaded.timeZone);
  return { utc: instant.toString(), local: zoned.toString({ timeZoneName: 'never' }) };
}

function instantResult(loaded: Loaded, instant: Temporal.Instant): Result {
  const { utc, local } = describeInstant(loaded, instant);
  return { result: utc, resultLocal: local, timeZone: loaded.timeZone };
}

const OPERATIONS = {
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
      working: formatDuration(seconds),
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

type OperationName = keyof typeof OPERATIONS;

// The engine throws RangeError when a result would leave the years it can compile; that is bad input here.
function runOperation(op: OperationName, loaded: Loaded, input: Options): Result {
  try {
    return OPERATIONS[op](loaded, input);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new CliError(
      `${op}: the result lies outside the range the calendar engine supports (${error.message})`,
    );
  }
}

// ---- human output --------------------------------------------------------------------------------

function formatHuman(op: OperationName, loaded: Loaded, result: Result): string {
  if (op === 'between') return `${result.working} of working time (${result.workingSeconds} s)`;
  if (op === 'is-working') {
    if (result.working === true) return 'working';
    const next = describeInstant(loaded, Temporal.Instant.from(String(result.nextWorking)));
    return `not working; next working instant ${next.utc} (${next.local} ${loaded.timeZone})`;
  }
  return `${result.result} (${result.resultLocal} ${loaded.timeZone})`;
}

// ---- batch ---------------------------------------------------------------------------------------

const batchLineSchema = z.looseObject({
  op: z.enum(Object.keys(OPERATIONS) as [OperationName, ...OperationName[]]),
});

function runBatchLine(loaded: Loaded, line: string, lineNumber: number): Result {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return lineError(lineNumber, undefined, 'line is not valid JSON');
  }
  const parsed = batchLineSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return lineError(
      lineNumber,
      undefined,
      `${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const { op, id } = parsed.data;
  const echo = id === undefined ? {} : { id };
  try {
    return { line: lineNumber, ...echo, op, ok: true, ...runOperation(op, loaded, parsed.data) };
  } catch (error) {
    if (error instanceof CliError) return lineError(lineNumber, { ...echo, op }, error.message);
    throw error;
  }
}

function lineError(line: number, echo: Result | undefined, message: string): Result {
  return { line, ...echo, ok: false, error: { code: 'INVALID_INPUT', message } };
}

async function runBatch(file: string): Promise<void> {
  const loaded = loadCalendar(file);
  let failed = 0;
  let lineNumber = 0;
  let buffer = '';
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++;
    if (line.trim() === '') continue;
    const result = runBatchLine(loaded, line, lineNumber);
    if (result.ok !== true) failed++;
    buffer += `${JSON.stringify(result)}\n`;
    // Written in chunks: one write per line would dominate the cost of the arithmetic.
    if (buffer.length > 65_536) {
      process.stdout.write(buffer);
      buffer = '';
    }
  }
  process.stdout.write(buffer);
  if (failed > 0) {
    process.stderr.write(`upkeep: ${failed} of the batch's lines failed (see their "error")\n`);
    process.exitCode = 1;
  }
}

// ---- commands ------------------------------------------------------------------------------------

function requireCalendar(options: Options): string {
  if (typeof options.calendar !== 'string') throw new CliError('--calendar FILE is required');
  return options.calendar;
}

function addOperationCommand(
  parent: Command,
  op: OperationName,
  summary: string,
  flags: ReadonlyArray<readonly [string, string]>,
): void {
  const command = parent
    .command(op)
    .description(summary)
    .option('--calendar <file>', 'calendar YAML or JSON file');
  for (const [flag, help] of flags) command.option(flag, help);
  command.option('--json', 'print the result as JSON').action(async (options: Options) => {
    await runAction(options.json === true, () => {
      const loaded = loadCalendar(requireCalendar(options));
      const result = runOperation(op, loaded, options);
      const out = options.json === true ? JSON.stringify({ op, ...result }) : formatHuman(op, loaded, result);
      process.stdout.write(`${out}\n`);
    });
  });
}

const FLAGS = {
  at: ['--at <instant>', 'the instant, ISO 8601 with offset or Z (2026-11-23T08:00:00Z)'],
  duration: ['--duration <duration>', 'working time: 16h, 90m, 1h30m, PT16H'],
  from: ['--from <instant>', 'start instant, ISO 8601 with offset or Z'],
  to: ['--to <instant>', 'end instant, ISO 8601 with offset or Z'],
  days: ['--days <n>', 'number of working days'],
  semantics: ['--semantics <name>', `${SEMANTICS.join(' | ')} (default working-day-length, R2.4)`],
} as const;

const HELP_EXAMPLES = `
Examples:
  upkeep calendar add --calendar examples/calendars/berlin-business.yaml --at 2026-11-23T08:00:00Z --duration 16h
  upkeep calendar add-days --calendar cal.yaml --at 2026-12-23T10:00:00+01:00 --days 2 --semantics same-local-time
  upkeep calendar between --calendar cal.yaml --from 2026-11-23T08:00:00Z --to 2026-11-25T08:00:00Z --json
  echo '{"op":"add","at":"2026-11-23T08:00:00Z","duration":"16h"}' | upkeep calendar batch --calendar cal.yaml

Exit codes: 0 ok; 2 bad input (file, YAML, calendar schema, instant, duration); 1 some batch lines failed.`;

export function registerCalendarCommands(program: Command): void {
  const calendar = program
    .command('calendar')
    .description(
      'Working-time arithmetic on a business calendar file (instants as ISO 8601 with offset or Z).',
    )
    .addHelpText('after', HELP_EXAMPLES);
  const { at, duration, from, to, days, semantics } = FLAGS;
  addOperationCommand(calendar, 'add', 'add working time to an instant', [at, duration]);
  addOperationCommand(calendar, 'subtract', 'subtract working time from an instant', [at, duration]);
  addOperationCommand(calendar, 'between', 'working time between two instants', [from, to]);
  addOperationCommand(calendar, 'add-days', 'add N working days', [at, days, semantics]);
  addOperationCommand(calendar, 'is-working', 'is the instant inside working time?', [at]);
  addOperationCommand(calendar, 'next-working', 'the first working instant at or after --at', [at]);
  calendar
    .command('batch')
    .description(
      'read one JSON operation per line from stdin ({"op":"add","at":…,"duration":"16h"}), write one JSON result per line',
    )
    .option('--calendar <file>', 'calendar YAML or JSON file')
    .action(async (options: Options) => {
      await runAction(true, () => runBatch(requireCalendar(options)));
    });
}
