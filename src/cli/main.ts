import { Command } from 'commander';
import { registerAdminCommands } from './admin.command.ts';
import { registerCalendarCommands } from './calendar.command.ts';
import { registerDbCommands } from './db.command.ts';
import { registerPlanCommands } from './plan.command.ts';
import { registerServeCommand } from './serve.command.ts';
import { registerSlaCommands } from './sla.command.ts';

const program = new Command();
program
  .name('upkeep')
  .description('Sell and honour software support and maintenance.')
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerDbCommands(program);
registerCalendarCommands(program);
registerPlanCommands(program);
registerSlaCommands(program);
registerAdminCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { exitCode?: number }).exitCode;
  if (typeof code === 'number') process.exit(code);
  throw error;
}
