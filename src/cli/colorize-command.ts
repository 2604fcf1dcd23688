import type { Command } from 'commander';

export function registerColorizeCommand(_program: Command): void {}
