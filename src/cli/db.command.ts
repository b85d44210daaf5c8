import type { Command } from 'commander';

export function registerDbCommands(_program: Command): void {}
