import { Command } from 'commander';

type Register = (program: Command) => void;

// Each command group is loaded only when it is asked for: `upkeep calendar …` need not load the
// HTTP server and the embedded database, which roughly halves its start-up time.
const commandGroups: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve.command.ts')).registerServeCommand,
  db: async () => (await import('./db.command.ts')).registerDbCommands,
  calendar: async () => (await import('./calendar.command.ts')).registerCalendarCommands,
  plan: async () => (await import('./plan.command.ts')).registerPlanCommands,
  sla: async () => (await import('./sla.command.ts')).registerSlaCommands,
  admin: async () => (await import('./admin.command.ts')).registerAdminCommands,
  contract: async () => (await import('./contract.command.ts')).registerContractCommands,
  renew: async () => (await import('./contract.command.ts')).registerRenewCommand,
  import: async () => (await import('./import.command.ts')).registerImportCommands,
  backups: async () => (await import('./backups.command.ts')).registerBackupCommands,
  tickets: async () => (await import('./tickets.command.ts')).registerTicketCommands,
  mail: async () => (await import('./mail.command.ts')).registerMailCommands,
};

// `upkeep mail list | head`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
program
  .name('upkeep')
  .description('Sell and honour software support and maintenance.')
  .showHelpAfterError()
  .exitOverride();

// Help, no command or an unknown one: load every group so the listing and suggestions are complete.
const asked = process.argv[2];
const groups = asked !== undefined && asked in commandGroups ? [asked] : Object.keys(commandGroups);
for (const name of groups) (await commandGroups[name]!())(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { exitCode?: number }).exitCode;
  if (typeof code === 'number') process.exit(code);
  throw error;
}
