/**
 * `flowlens observe` (alias `flowlens observe flows`): hubble's `observe` over flow logs, or over
 * a Hubble server's GetFlows (live mode, without `--input-file`).
 *
 * commander only dispatches to this command; the arguments are parsed by the observe module
 * with pflag's grammar (order-sensitive `--not`, filter conflicts, `--flag=value` for
 * booleans, hubble's error texts), which commander's option parser cannot express.
 */
import type { Command } from 'commander';
import {
  OBSERVE_DESCRIPTION,
  observeFlagTable,
  renderObserveHelp,
  runObserve,
  type ObserveIO,
} from '../observe/index.js';
import type { CliCommand } from './types.js';

/** The real process streams and environment. */
function processIO(): ObserveIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    now: Date.now,
    // Asked for by live mode only, so that Ctrl-C still ends a run over flow logs at once.
    interrupt: () => {
      const ac = new AbortController();
      const stop = (): void => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return ac.signal;
    },
  };
}

/** Registers `observe`; `io` is injectable for tests. */
export function createObserveCommand(io: () => ObserveIO = processIO): CliCommand {
  return {
    name: 'observe',
    register(program: Command): void {
      const cmd = program
        .command('observe')
        .description(OBSERVE_DESCRIPTION)
        .usage('[flows] [flags]')
        .helpOption(false)
        .allowUnknownOption(true)
        .allowExcessArguments(true)
        .action(async (_opts: unknown, command: Command) => {
          process.exitCode = await runObserve(command.args, io());
        });
      // `flowlens help observe` prints the same text as `flowlens observe --help`.
      cmd.helpInformation = () => renderObserveHelp(observeFlagTable().flags, 'observe');
    },
  };
}

/** The `observe` command bound to the process. */
export const observeCommand: CliCommand = createObserveCommand();
