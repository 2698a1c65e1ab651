/**
 * The flowlens command tree. Each subcommand lives in `commands/` and is listed in
 * `commands/builtins.ts`; this file only builds the program and runs it.
 */
import { Command, CommanderError } from 'commander';
import { builtinCommands } from './commands/builtins.js';
import { VERSION } from './version.js';

/** Builds the commander program with every built-in command registered. */
export function buildProgram(): Command {
  const program = new Command('flowlens')
    .description('Kubernetes network troubleshooting with Hubble-compatible flows')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const seen = new Set<string>();
  for (const cmd of builtinCommands) {
    if (seen.has(cmd.name)) throw new Error(`duplicate command ${cmd.name}`);
    seen.add(cmd.name);
    cmd.register(program);
  }
  return program;
}

/** Runs the CLI with process.argv-style arguments and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit with code 0; usage errors are already printed.
      return err.exitCode;
    }
    throw err;
  }
}
