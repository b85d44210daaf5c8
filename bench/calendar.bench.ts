// The calendar benchmark (issue 2 §3 "Speed"): add 16 working hours to 100 000 seeded random
// starts on a Mon–Fri 09:00–18:00 Europe/Berlin calendar with German public holidays, with our
// engine's numeric API and with dayjs-business-time and moment-business-time on the same starts.
// Prints a summary and writes its section of bench/RESULTS.md. Run: npm run bench (see bench/README.md).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Temporal } from 'temporal-polyfill';
import { parse as parseYaml } from 'yaml';
import { parseCalendarSpec } from '../src/core/calendar/calendar.schema.ts';
import {
  addWorkingTime,
  type CompiledCalendar,
  compileCalendar,
  fromEpochSeconds,
  resolveHolidays,
  toEpochSeconds,
} from '../src/core/calendar/index.ts';
import { classifyDisagreement, describeStartMix, type Ours, oursFor } from './agreement.ts';
import { renderEdgeCases } from './edge-cases.ts';
import { assertBerlinProcessZone, createDayjsPeer, createMomentPeer, type Peer } from './peers.ts';
import {
  describeMachine,
  formatPercent,
  formatRate,
  markdownTable,
  median,
  packageVersion,
  type Rates,
  timeRounds,
} from './report.ts';
import { CALENDAR_SECTION, writeSection } from './results-file.ts';
import { generateStarts } from './starts.ts';

const CALENDAR_FILE = 'examples/calendars/berlin-business.yaml';
const ADD_SECONDS = 16 * 3600;
const FIRST_YEAR = 2026;
const LAST_YEAR = 2030;

const { values: args } = parseArgs({
  options: {
    starts: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '20261123' },
    rounds: { type: 'string', default: '9' },
    'peer-rounds': { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/RESULTS.md' },
    'no-write': { type: 'boolean', default: false },
  },
});

function loadBenchCalendar(): CompiledCalendar {
  const parsed = parseCalendarSpec(parseYaml(readFileSync(CALENDAR_FILE, 'utf8')));
  if (!parsed.ok) throw new Error(`${CALENDAR_FILE}: ${JSON.stringify(parsed.issues)}`);
  // Compiled up front for the five years, so the timed loop never hits a lazy extension.
  return compileCalendar(parsed.spec, { fromYear: FIRST_YEAR - 1, toYear: LAST_YEAR + 1 });
}

/** The whole-day holiday dates the peers get: the engine's own list, so both sides close the same days. */
function holidayDates(cal: CompiledCalendar): string[] {
  const spec = cal.spec;
  if (spec.holidays === undefined) return [];
  return resolveHolidays(spec.holidays, FIRST_YEAR, LAST_YEAR, spec.week)
    .filter((h) => h.hours.length === 0)
    .map((h) => h.date);
}

/** Our own Temporal.Instant API, timed like a peer: what a caller pays for the convenience. */
function temporalPeer(cal: CompiledCalendar): Peer {
  return {
    name: 'upkeep (Temporal API)',
    addWorkingHours: (t, hours) => toEpochSeconds(addWorkingTime(cal, fromEpochSeconds(t), hours * 3600)),
  };
}

type Measured = { name: string; rates: Rates; results: Float64Array };

// Each round runs the start list `passes` times (5 million operations), so a round of ours lasts long
// enough for CPU-time accounting, which ticks in milliseconds.
function measureOurs(ours: Ours, starts: Float64Array, rounds: number): Measured {
  const results = new Float64Array(starts.length);
  const passes = Math.max(1, Math.ceil(5_000_000 / starts.length));
  const pass = () => {
    for (let i = 0; i < starts.length; i++) results[i] = ours.add(starts[i]!, ADD_SECONDS);
  };
  for (let w = 0; w < 5; w++) pass();
  const rates = timeRounds(rounds, () => {
    for (let p = 0; p < passes; p++) pass();
    return passes * starts.length;
  });
  return { name: `upkeep (numeric API)`, rates, results };
}

function measurePeer(peer: Peer, starts: Float64Array, rounds: number): Measured {
  const results = new Float64Array(starts.length);
  for (let i = 0; i < Math.min(2000, starts.length); i++) peer.addWorkingHours(starts[i]!, 16);
  const rates = timeRounds(rounds, () => {
    for (let i = 0; i < starts.length; i++) results[i] = peer.addWorkingHours(starts[i]!, 16);
    return starts.length;
  });
  return { name: peer.name, rates, results };
}

type Agreement = {
  exact: number;
  withinMinute: number;
  classes: Map<string, { count: number; examples: string[] }>;
};

function compare(ours: Ours, starts: Float64Array, mine: Float64Array, theirs: Float64Array): Agreement {
  const agreement: Agreement = { exact: 0, withinMinute: 0, classes: new Map() };
  for (let i = 0; i < starts.length; i++) {
    const diff = theirs[i]! - mine[i]!;
    if (diff === 0) agreement.exact++;
    if (Math.abs(diff) <= 60) agreement.withinMinute++;
    if (diff === 0) continue;
    const label = classifyDisagreement(ours, starts[i]!, mine[i]!, theirs[i]!);
    const entry = agreement.classes.get(label) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 2) entry.examples.push(exampleText(starts[i]!, mine[i]!, theirs[i]!));
    agreement.classes.set(label, entry);
  }
  return agreement;
}

function local(epoch: number): string {
  return Temporal.Instant.fromEpochMilliseconds(epoch * 1000)
    .toZonedDateTimeISO('Europe/Berlin')
    .toPlainDateTime()
    .toString()
    .replace('T', ' ');
}

function exampleText(start: number, mine: number, theirs: number): string {
  const weekday = Temporal.Instant.fromEpochMilliseconds(start * 1000).toZonedDateTimeISO(
    'Europe/Berlin',
  ).dayOfWeek;
  const name = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][weekday - 1];
  return `${name} ${local(start)} → ours ${local(mine)}, peer ${local(theirs)}`;
}

type ReportContext = { n: number; mix: string; loadAtStart: string; edgeCases: string[] };

function renderReport(
  measured: Measured[],
  agreements: Map<string, Agreement>,
  context: ReportContext,
): string {
  const { n, mix, loadAtStart } = context;
  const machine = describeMachine();
  const speedRows = measured.map((m) => {
    const a = agreements.get(m.name);
    return [
      m.name,
      `**${formatRate(median(m.rates.cpu))} ops/s**`,
      `${formatRate(Math.min(...m.rates.cpu))} – ${formatRate(Math.max(...m.rates.cpu))}`,
      `${formatRate(median(m.rates.wall))} ops/s`,
      String(m.rates.cpu.length),
      a === undefined ? '(reference)' : formatPercent(a.exact, n),
      a === undefined ? '(reference)' : formatPercent(a.withinMinute, n),
    ];
  });
  const lines = [
    '# Calendar benchmark results',
    '',
    'Generated by `bench/calendar.bench.ts`; see `bench/README.md` for what is measured and how to read this.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`npm run bench\` (= \`TZ=Europe/Berlin node --import tsx bench/calendar.bench.ts\`), args: \`${process.argv.slice(2).join(' ') || '(defaults)'}\``,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, ${machine.os}; 1-minute load average ${loadAtStart} at the start and ${machine.load} at the end of the run (the machine is shared: other work running at the same time lowers every row)`,
    `- Node ${machine.node}; dayjs ${packageVersion('dayjs')} + dayjs-business-time ${packageVersion('dayjs-business-time')}; moment ${packageVersion('moment')} + moment-business-time ${packageVersion('moment-business-time')}`,
    `- Calendar: \`${CALENDAR_FILE}\` (Mon–Fri 09:00–18:00 Europe/Berlin, DE national public holidays ${FIRST_YEAR}–${LAST_YEAR})`,
    `- Operation: add 16 working hours to each of ${n.toLocaleString('en')} starts (seed ${args.seed}), uniform over ${FIRST_YEAR}-01-01 … ${LAST_YEAR - 1}-12-31 UTC, one start in ten snapped to a whole hour`,
    `- Start mix: ${mix}`,
    '',
    '## Speed and agreement',
    '',
    markdownTable(
      [
        'implementation',
        'median, per CPU second',
        'min – max (CPU)',
        'median, per wall-clock second',
        'rounds',
        'identical result',
        'within 1 minute',
      ],
      speedRows,
    ),
    '',
    "ops/s are for one Node thread: operations per second of the process's CPU time (user + system), and",
    'per wall-clock second. On this shared machine the CPU-time figure is the one-core speed; the wall-clock',
    'figure also absorbs time the scheduler gave to other processes. Agreement is against ours on the same starts.',
    '',
  ];
  lines.push(...context.edgeCases, ...SETUP_NOTES);
  for (const [name, a] of agreements) lines.push(...renderDisagreements(name, a, n));
  return `${lines.join('\n').trimEnd()}\n`;
}

const SETUP_NOTES = [
  '## How the contenders were set up',
  '',
  '- **upkeep**: the calendar file above, compiled once for 2025–2031 (outside the timed loop); each',
  '  operation is `addWorkingTimeEpoch(cal, start, 57600)` — epoch seconds in and out, no allocation.',
  '  The Temporal row wraps the same call in `Temporal.Instant` conversions on both sides.',
  '- **Peers**: Mon–Fri `09:00:00`–`18:00:00`, and as holidays exactly the whole-day dates our engine',
  '  resolves for the calendar (`resolveHolidays`, DE, type public, national only), so all sides close',
  '  the same days. Neither peer has a time-zone setting: both read wall-clock fields through the',
  "  process's local zone, so the bench runs with `TZ=Europe/Berlin` and refuses to start otherwise.",
  '  Starts go in as epoch milliseconds (`dayjs(ms)`, `moment(ms)`), results come out with `valueOf()`.',
  '- moment-business-time matches every date against each holiday with `minimatch` (holidays may be',
  '  globs), which is most of its time here (measured aside: without holidays it runs about 7× faster);',
  '  dayjs-business-time checks `Array.includes` on date strings.',
  '- Europe/Berlin changes its clocks at 02:00/03:00 on Sunday nights, when this calendar is closed, so this',
  '  workload never counts working time across a DST jump: the DST rows above show both peers agree when',
  "  the jump lies in closed time. Working hours that contain a jump are covered by the engine's own tests.",
  '- One timed round = one pass over all starts (ours: 50 passes = 5 million operations, so a round lasts long enough to time).',
  '  The first peer round also supplies the results compared for agreement.',
  '',
];

function renderDisagreements(name: string, a: Agreement, n: number): string[] {
  const rows = [...a.classes.entries()]
    .sort((x, y) => y[1].count - x[1].count)
    .map(([label, entry]) => [
      label,
      String(entry.count),
      formatPercent(entry.count, n),
      entry.examples.join('<br>'),
    ]);
  return [
    `## Disagreements: ${name}`,
    '',
    rows.length === 0
      ? 'None: every result is identical to ours.'
      : markdownTable(['class', 'starts', 'share', 'examples (Berlin local time)'], rows),
    '',
  ];
}

function main(): void {
  assertBerlinProcessZone();
  const loadAtStart = loadavg()[0]!.toFixed(2);
  const cal = loadBenchCalendar();
  const ours = oursFor(cal);
  const holidays = holidayDates(cal);
  const peerCalendar = { open: '09:00:00', close: '18:00:00', holidays };
  // --peer-rounds 0 times ours alone (for profiling); the report then has no peer rows.
  const peerRounds = Number(args['peer-rounds']);
  const peers =
    peerRounds > 0 ? [temporalPeer(cal), createDayjsPeer(peerCalendar), createMomentPeer(peerCalendar)] : [];
  const fromEpoch = Date.UTC(FIRST_YEAR, 0, 1) / 1000;
  const toEpoch = Date.UTC(LAST_YEAR, 0, 1) / 1000;
  const starts = generateStarts({ count: Number(args.starts), seed: Number(args.seed), fromEpoch, toEpoch });

  const mine = measureOurs(ours, starts, Number(args.rounds));
  log(`${mine.name}: median ${formatRate(median(mine.rates.cpu))} ops/s (CPU time)`);
  const measured = [mine];
  const agreements = new Map<string, Agreement>();
  for (const peer of peers) {
    const theirs = measurePeer(peer, starts, peerRounds);
    const a = compare(ours, starts, mine.results, theirs.results);
    agreements.set(peer.name, a);
    measured.push(theirs);
    log(
      `${peer.name}: median ${formatRate(median(theirs.rates.cpu))} ops/s (CPU time), identical ${formatPercent(a.exact, starts.length)}, within 1 min ${formatPercent(a.withinMinute, starts.length)}`,
    );
  }
  const mix = describeStartMix(ours, starts, new Set(holidays));
  const edgeCases = renderEdgeCases([
    { name: 'upkeep', add: (t) => ours.add(t, ADD_SECONDS) },
    ...peers.slice(1).map((peer) => ({ name: peer.name, add: (t: number) => peer.addWorkingHours(t, 16) })),
  ]);
  const report = renderReport(measured, agreements, { n: starts.length, mix, loadAtStart, edgeCases });
  if (args['no-write']) process.stdout.write(report);
  else {
    // Only the calendar's part: other benches (license validation) keep their sections of the file.
    writeSection(args.out, CALENDAR_SECTION, report);
    log(`wrote the calendar section of ${args.out}`);
  }
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

main();
