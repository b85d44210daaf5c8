import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../server/config.ts';
import { withCliDatabase } from './cli-database.ts';
import { CliError, runAction } from './cli-io.ts';
import { type ImportKind, type ImportReport, runImport } from './import.service.ts';
import { loadCliSealingKey } from './sealing-key.ts';

type ImportFlags = { dryRun?: boolean; json?: boolean; progress?: boolean };

export function registerImportCommands(program: Command): void {
  const group = program
    .command('import')
    .description(
      'Import CSV files: every row is checked first; only a file without errors is written, in one transaction.',
    );
  const kinds: Record<ImportKind, string> = {
    customers:
      'organisations with their first customer-admin (invited by email): externalRef,name,adminEmail,adminName',
    contracts:
      'purchases as the API makes them: organisationExternalRef,productSlug,purchasedOn,discountMinor,seats',
  };
  for (const [kind, description] of Object.entries(kinds) as [ImportKind, string][]) {
    group
      .command(`${kind} <file>`)
      .description(`Import ${description}.`)
      .option('--dry-run', 'check every row and report, write nothing')
      .option('--json', 'print the report as JSON')
      .option('--no-progress', 'no progress bar (it shows only on a terminal anyway)')
      .action((file: string, flags: ImportFlags) =>
        runAction(flags.json === true, () => importFile(kind, file, flags)),
      );
  }
}

async function importFile(kind: ImportKind, file: string, flags: ImportFlags): Promise<void> {
  const text = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${error.code ?? error.message}`, 'FILE_UNREADABLE', 1);
  });
  const json = flags.json === true;
  const bar = flags.progress !== false && !json && process.stderr.isTTY ? newBar() : undefined;
  const report = await withCliDatabase(async ({ db }, config) =>
    runImport(db, kind, text, {
      dryRun: flags.dryRun === true,
      baseUrl: linkBase(config),
      ctx: { tax: config.tax, now: new Date(), sealingKey: await loadCliSealingKey(config) },
      onProgress: (phase, done, total) => {
        if (done === 1) bar?.start(total, 0, { phase: phase === 'check' ? 'checking' : 'importing' });
        bar?.update(done);
      },
    }),
  );
  bar?.stop();
  if (!report.ok) {
    if (!json) for (const line of errorLines(report)) process.stderr.write(`${line}\n`);
    const count = report.errors.length;
    throw new CliError(
      `${file}: ${count} error${count === 1 ? '' : 's'}; nothing was imported`,
      'IMPORT_FAILED',
      1,
      report,
    );
  }
  process.stdout.write(`${json ? JSON.stringify(report) : summary(report, file)}\n`);
}

function newBar(): SingleBar {
  return new SingleBar({
    format: '{phase} [{bar}] {value}/{total} rows',
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
}

export function errorLines(report: ImportReport): string[] {
  return report.errors.map(
    (e) => `row ${e.row}${e.column === null ? '' : `, column ${e.column}`}: ${e.message} (${e.rule})`,
  );
}

function summary(report: ImportReport, file: string): string {
  if (report.dryRun)
    return `${file}: ${report.rows} ${report.kind} rows are valid (dry run: nothing written)`;
  return `${file}: imported ${report.imported} ${report.kind}`;
}

/** Links in invitations point at UPKEEP_PUBLIC_URL when set, else at the address `upkeep serve` listens on. */
function linkBase(config: Config): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}
