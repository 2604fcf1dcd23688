import type { Command } from 'commander';

/** `color-wizard serve` (placeholder until the HTTP work lands: registers nothing yet). */
export function registerServeCommand(_program: Command): void {}
