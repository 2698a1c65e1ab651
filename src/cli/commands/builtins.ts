/** The built-in subcommands, in the order `flowlens --help` lists them. */
import type { CliCommand } from './types.js';

export const builtinCommands: CliCommand[] = [];
