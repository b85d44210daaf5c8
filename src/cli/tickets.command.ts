import type { Command } from 'commander';
import type { DatabaseHandle } from '../server/db/database.ts';
import { withCliDatabase } from './cli-database.ts';
import { runAction } from './cli-io.ts';

type ListFlags = { breaching?: boolean; json?: boolean; limit?: string };

export function registerTicketCommands(program: Command): void {
  const group = program.command('tickets').description('Help-desk tickets (R2.x).');
  group
    .command('list')
    .description('Open tickets in queue order, or with --breaching those whose running SLA clock breached.')
    .option('--breaching', 'only tickets with a breached clock that is still running')
    .option('--limit <n>', 'at most this many (default 100)', '100')
    .option('--json', 'print JSON')
    .action((flags: ListFlags) => runAction(flags.json === true, () => list(flags)));
}

async function list(flags: ListFlags): Promise<void> {
  await withCliDatabase((handle) => printList(handle, flags));
}

async function printList(handle: DatabaseHandle, flags: ListFlags): Promise<void> {
  {
    const limit = Math.max(1, Math.min(1000, Number.parseInt(flags.limit ?? '100', 10) || 100));
    if (flags.breaching) {
      const { breachingTickets } = await import('../server/tickets/ticket-jobs.ts');
      const rows = await breachingTickets(handle.db, limit);
      const out = rows.map((r) => ({
        ...r,
        number: Number(r.number),
        breached_at: r.breached_at?.toISOString(),
      }));
      if (flags.json) return void process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      if (out.length === 0) return void process.stdout.write('no ticket is breaching its SLA\n');
      for (const r of out)
        process.stdout.write(
          `#${r.number}  ${r.id}  ${r.status}  ${r.metric} breached ${r.breached_at}  ${r.subject}\n`,
        );
      return;
    }
    const { queuePage } = await import('../server/tickets/ticket-read.ts');
    const page = await queuePage(handle.db, { limit: Math.min(limit, 100) });
    if (flags.json) return void process.stdout.write(`${JSON.stringify(page.items, null, 2)}\n`);
    if (page.items.length === 0) return void process.stdout.write('the queue is empty\n');
    for (const t of page.items) {
      const due = t.nextDueAt ?? 'no clock running';
      process.stdout.write(
        `#${t.number}  ${t.id}  ${t.priority}${t.topPriority ? '!' : ''}  ${t.status}  due ${due}  ${t.subject}\n`,
      );
    }
  }
}
