import type { Command } from 'commander';

/** A CLI subcommand: registers itself on the program when the composition root asks. */
export interface CliCommand {
  name: string;
  register(program: Command): void;
}
