#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, exitCodeFor, isColorWizardError } from '../errors/index.js';
import { packageVersion } from '../packs/package-version.js';
import { registerColorizeCommand } from './colorize-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerWorkerCommand } from './worker-command.js';

/** Builds the program; exported so tests can parse argv without spawning a process. */
export function buildProgram(): Command {
  const program = new Command()
    .name('color-wizard')
    .description('Colorize black-and-white photographs with a diffusion model, keeping their lightness exactly.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerColorizeCommand(program);
  registerEvalCommand(program);
  registerServeCommand(program);
  registerWorkerCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? EXIT_CODES.OK : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? EXIT_CODES.OK : EXIT_CODES.USAGE;
    }
    const message = isColorWizardError(error) ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error);
    process.stderr.write(`color-wizard: ${message}\n`);
    return exitCodeFor(error);
  }
}

/** True when this file is the program (also through npm's bin symlink), false when imported. */
function invokedDirectly(): boolean {
  if (process.argv[1] === undefined) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
