import type { Command } from 'commander';

export function registerCalendarCommands(_program: Command): void {}
