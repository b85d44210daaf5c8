import type { Command } from 'commander';
import { Temporal } from 'temporal-polyfill';
import { computeSlaDueDates, type SlaDue } from '../core/plan/plan.sla.ts';
import { type Impact, impactSchema } from '../core/plan/plan-desk.schema.ts';
import { CliError, runAction } from './cli-io.ts';
import { requirePlan } from './plan.command.ts';

type DueOptions = { plan: string; category: string; at: string; impact?: string; json?: boolean };

export function registerSlaCommands(program: Command): void {
  const sla = program.command('sla').description('SLA deadlines from a plan.');
  sla
    .command('due')
    .description("Each SLA target's due instant for a ticket of a category registered at an instant (R2.4).")
    .requiredOption('--plan <plan>', 'preset name (e.g. business-sla) or plan file')
    .requiredOption('--category <id>', 'ticket category id, e.g. 3.1')
    .requiredOption(
      '--at <instant>',
      'registration instant: 2026-11-27T17:30:00+03:00, or local time in the plan zone',
    )
    .option('--impact <impact>', `ticket impact (${impactSchema.options.join(', ')})`)
    .option('--json', 'print JSON')
    .action((options: DueOptions) => runAction(options.json === true, () => dueAction(options)));
  sla
    .command('recompute')
    .description(
      'After a plan or calendar change: re-pin open tickets to the latest plan version and recompute their clocks ' +
        '(time used so far is kept; audited per ticket). Stop `upkeep serve` first on the embedded database.',
    )
    .option('--ticket <id>', 'only this ticket')
    .option('--dry-run', 'show what would change, change nothing')
    .option('--json', 'print JSON')
    .action((flags: RecomputeFlags) => runAction(flags.json === true, () => recomputeAction(flags)));
}

type RecomputeFlags = { ticket?: string; dryRun?: boolean; json?: boolean };

async function recomputeAction(flags: RecomputeFlags): Promise<void> {
  // Loaded only here: `sla due` needs no database.
  const { withCliDatabase } = await import('./cli-database.ts');
  const { recomputeSla } = await import('../server/tickets/sla-recompute.ts');
  const dryRun = flags.dryRun === true;
  const changes = await withCliDatabase(({ db }) =>
    recomputeSla(db, { ticketId: flags.ticket, dryRun }, new Date()),
  );
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ dryRun, changes }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${dryRun ? 'would re-pin' : 're-pinned'} ${changes.length} ticket(s) to the latest plan version\n`,
  );
  for (const c of changes) {
    const cal = c.calendarChanged ? 'calendar changed' : 'same calendar';
    process.stdout.write(
      `  ${c.ticketId}  ${cal}  next due ${c.nextDueBefore ?? '-'} → ${c.nextDueAfter ?? '-'}\n`,
    );
  }
}

async function dueAction(options: DueOptions): Promise<void> {
  const plan = await requirePlan(options.plan);
  const zone = plan.calendar?.timeZone ?? 'UTC';
  const registeredAt = parseInstant(options.at, zone);
  const impact = parseImpact(options.impact);
  const result = computeSlaDueDates(plan, options.category, registeredAt, impact ? { impact } : {});
  if (!result.ok)
    throw new CliError(`--category: ${result.message}`, result.code, 2, { validIds: result.validIds });
  if (options.json) {
    const body = {
      plan: plan.key,
      category: { id: result.categoryId, name: result.categoryName },
      registeredAt: registeredAt.toString(),
      timeZone: zone,
      due: result.due.map((d) => dueJson(d, zone)),
      skipped: result.skipped,
    };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${plan.key} · ${result.categoryId} ${result.categoryName} · registered ${local(registeredAt, zone)} (${zone})\n`,
  );
  if (result.due.length === 0) process.stdout.write('  no SLA targets apply to this category\n');
  for (const d of result.due) process.stdout.write(`  ${dueLine(d, zone)}\n`);
}

function dueJson(d: SlaDue, zone: string) {
  return {
    kind: d.kind,
    within: d.target.within,
    clock: d.target.clock,
    binding: d.target.binding,
    dueAt: d.dueAt.toString(),
    dueAtLocal: d.dueAt.toZonedDateTimeISO(zone).toString(),
    breachedAfter: d.breachedAfter.toString(),
  };
}

function dueLine(d: SlaDue, zone: string): string {
  const late =
    Temporal.Instant.compare(d.breachedAfter, d.dueAt) === 0
      ? ''
      : `, late after ${local(d.breachedAfter, zone)}`;
  const rule = `${d.target.within} ${d.target.clock} time, ${d.target.binding}`;
  return `${d.kind.padEnd(13)} due ${local(d.dueAt, zone)}  (${rule}${late})`;
}

function local(instant: Temporal.Instant, zone: string): string {
  const z = instant.toZonedDateTimeISO(zone);
  return `${z.toPlainDate().toString()} ${DAYS[z.dayOfWeek - 1] ?? ''} ${z.toPlainTime().toString({ smallestUnit: 'second' })}`;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** An instant with an offset or zone; a local date-time without one is read in the plan's time zone. */
export function parseInstant(text: string, zone: string): Temporal.Instant {
  try {
    if (/\[.+\]$/.test(text)) return Temporal.ZonedDateTime.from(text).toInstant();
    if (/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text)) return Temporal.Instant.from(text);
    return Temporal.PlainDateTime.from(text).toZonedDateTime(zone).toInstant();
  } catch {
    throw new CliError(
      `--at: expected an instant like 2026-11-27T17:30:00+03:00 or a local time like 2026-11-27T17:30 (read in ${zone}), got "${text}"`,
    );
  }
}

function parseImpact(text: string | undefined): Impact | undefined {
  if (text === undefined) return undefined;
  const parsed = impactSchema.safeParse(text);
  if (!parsed.success)
    throw new CliError(`--impact: expected one of ${impactSchema.options.join(', ')}, got "${text}"`);
  return parsed.data;
}
