import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { formatPath, WORKING_DAY_SEMANTICS } from '../core/calendar/index.ts';
import {
  describeInstant,
  type Loaded,
  loadCalendar,
  OPERATIONS,
  type OperationName,
  type Options,
  type Result,
  runOperation,
} from './calendar.operations.ts';
import { CliError, runAction } from './cli-io.ts';

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
  semantics: [
    '--semantics <name>',
    `${WORKING_DAY_SEMANTICS.join(' | ')} (default working-day-length, R2.4)`,
  ],
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
