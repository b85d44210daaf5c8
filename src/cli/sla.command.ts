import type { Command } from 'commander';

export function registerSlaCommands(_program: Command): void {}
