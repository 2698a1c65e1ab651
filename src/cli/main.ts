/**
 * The flowlens command tree. Each subcommand lives in `commands/` and is listed in
 * `commands/builtins.ts`; this file only builds the program and runs it. Only the command
 * being run is loaded; the full list is loaded for the top-level help.
 */
import { Command, CommanderError } from 'commander';
import { builtinCommands } from './commands/builtins.js';
import { VERSION } from './version.js';

/**
 * Builds the commander program. With `only`, just that subcommand is loaded and registered
 * (when it is a known name); otherwise every built-in command is.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('flowlens')
    .description('Kubernetes network troubleshooting with Hubble-compatible flows')
    .version(VERSION, '-v, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const names = new Set<string>();
  for (const c of builtinCommands) {
    if (names.has(c.name)) throw new Error(`duplicate command ${c.name}`);
    names.add(c.name);
  }
  const selected =
    only !== undefined && names.has(only) ? builtinCommands.filter((c) => c.name === only) : builtinCommands;
  const loaded = await Promise.all(selected.map((c) => c.load()));
  for (const cmd of loaded) cmd.register(program);
  return program;
}

/** The subcommand name in argv (first argument after the script that is not an option). */
function commandName(argv: string[]): string | undefined {
  const first = argv[2];
  return first !== undefined && !first.startsWith('-') ? first : undefined;
}

/** Runs the CLI with process.argv-style arguments and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(commandName(argv));
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
