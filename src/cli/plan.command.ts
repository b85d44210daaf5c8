import type { Command } from 'commander';
import { explainPlan, formatExplanation } from '../core/plan/plan.explain.ts';
import type { PlanError } from '../core/plan/plan.parse.ts';
import { planContentHash } from '../core/plan/plan.version.ts';
import { listPresets, loadPlanFile, loadPlanRef, type PlanFileResult } from '../server/plan/plan-files.ts';
import { CliError, runAction } from './cli-io.ts';

type JsonOption = { json?: boolean };

export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('Plan documents: list presets, validate, explain.');
  plan
    .command('list')
    .description('List the preset plans shipped in plans/.')
    .option('--json', 'print JSON')
    .action((options: JsonOption) => runAction(options.json === true, () => listAction(options)));
  plan
    .command('validate')
    .argument('<file>', 'plan file (YAML or JSON)')
    .description(
      'Validate a plan file; prints every error with the path of the bad field. Exit 0 valid, 1 invalid, 2 unreadable.',
    )
    .option('--json', 'print JSON')
    .action((file: string, options: JsonOption) =>
      runAction(options.json === true, () => validateAction(file, options)),
    );
  plan
    .command('explain')
    .argument('<plan>', 'preset name (e.g. business-sla) or plan file')
    .description('Explain a plan in plain sentences, section by section, citing the rule ids.')
    .option('--json', 'print JSON')
    .action((ref: string, options: JsonOption) =>
      runAction(options.json === true, () => explainAction(ref, options)),
    );
}

async function listAction(options: JsonOption): Promise<void> {
  const presets = await listPresets();
  const rows = presets.map((p) => ({
    name: p.name,
    valid: p.result.ok,
    planName: p.result.ok ? p.result.plan.name : undefined,
    description: p.result.ok ? p.result.plan.description : undefined,
    path: p.path,
  }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const row of rows) {
    process.stdout.write(
      `${row.name.padEnd(width)}  ${row.valid ? row.planName : 'INVALID (run upkeep plan validate)'}\n`,
    );
  }
}

async function validateAction(file: string, options: JsonOption): Promise<void> {
  const result = await loadPlanFile(file);
  if (!result.ok && result.code !== 'INVALID_PLAN') throw unloadable(result);
  if (options.json) {
    const body = result.ok
      ? { valid: true, key: result.plan.key, contentHash: planContentHash(result.plan) }
      : { valid: false, errors: result.errors };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else if (result.ok) {
    process.stdout.write(`${file}: valid plan "${result.plan.key}" (${planContentHash(result.plan)})\n`);
  } else {
    process.stderr.write(`${file}: ${result.errors.length} error(s)\n`);
    for (const error of result.errors) process.stderr.write(`  ${formatPlanError(error)}\n`);
  }
  if (!result.ok) process.exitCode = 1;
}

async function explainAction(ref: string, options: JsonOption): Promise<void> {
  const plan = await requirePlan(ref);
  const explanation = explainPlan(plan);
  process.stdout.write(
    options.json ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanation(explanation),
  );
}

/** Loads a preset or file, or throws a CliError: exit 2 when unreadable or unknown, 1 when invalid. */
export async function requirePlan(ref: string) {
  const result = await loadPlanRef(ref);
  if (result.ok) return result.plan;
  if (result.code === 'INVALID_PLAN') {
    const lines = result.errors.map((e) => `  ${formatPlanError(e)}`).join('\n');
    throw new CliError(`${ref} is not a valid plan:\n${lines}`, 'INVALID_PLAN', 1, result.errors);
  }
  throw unloadable(result);
}

function unloadable(result: Exclude<PlanFileResult, { ok: true } | { code: 'INVALID_PLAN' }>): CliError {
  const code = result.code === 'UNREADABLE' ? 'UNREADABLE_INPUT' : 'UNKNOWN_PLAN';
  return new CliError(result.message, code, 2);
}

/** One error per line: "categories[2].targets.resolution.within: expected … (line 4, column 7)". */
export function formatPlanError(error: PlanError): string {
  const where = error.line === undefined ? '' : ` (line ${error.line}, column ${error.column})`;
  return `${error.path === '' ? '(document)' : error.path}: ${error.message}${where}`;
}
