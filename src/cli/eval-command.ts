import type { Command } from 'commander';

/** `color-wizard eval` (placeholder until the evaluation work lands: registers nothing yet). */
export function registerEvalCommand(_program: Command): void {}
