/**
 * `flowlens simulate`: writes the Hubble flows of a simulated cluster (a built-in scenario or a
 * scenario YAML file) as `hubble observe -o json` lines, and optionally the ground truth of the
 * faults it injected.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import {
  builtinScenarioText,
  formatDuration,
  listBuiltinScenarios,
  loadScenario,
  parseDuration,
  ScenarioError,
  simulateChunks,
  type LineChunk,
  truth,
  type SimulateOptions,
} from '../../sim/index.js';
import type { CliCommand } from './types.js';

/** Streams and clock the command uses; injectable for tests. */
export interface SimulateIO {
  stdout: Writable;
  stderr: Writable;
  now: () => number;
}

interface SimulateFlags {
  list?: boolean;
  show?: string;
  scenario?: string;
  duration?: string;
  seed: string;
  start?: string;
  rate?: string;
  output?: string;
  truth?: string;
}

const HELP_AFTER = `
Built-in scenarios (flowlens simulate --list): healthy, dns, policy-drops, traffic-imbalance,
tcp-resets, l7-errors. A FILE is a scenario YAML (docs/scenarios.md); it may extend a built-in.

Examples:
  flowlens simulate --list
  flowlens simulate --scenario dns --duration 10m > dns.jsonl
  flowlens simulate --scenario ./my-cluster.yaml --seed 7 --rate 2000 -o flows.jsonl --truth truth.json
  flowlens simulate --show policy-drops > my-scenario.yaml
  flowlens simulate --scenario healthy --start now | flowlens observe --input-file - --last 20
`;

/** Bytes that may wait in the output stream while the next chunk is generated. */
const MAX_QUEUED_BYTES = 8 << 20;

/**
 * Writes chunks of lines to `out` and returns the number of lines written. Generation goes on
 * while up to MAX_QUEUED_BYTES wait to be written (file writes run on libuv's thread pool, so
 * they overlap generation); beyond that it waits for `drain`. Stops quietly on EPIPE.
 */
async function writeChunks(chunks: Iterable<LineChunk>, out: Writable): Promise<number> {
  let broken = false;
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') broken = true;
    else throw e;
  };
  out.on('error', onError);
  let n = 0;
  for (const c of chunks) {
    if (broken) break;
    out.write(c.bytes);
    n += c.lines;
    if (out.writableLength > MAX_QUEUED_BYTES) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
    }
  }
  out.off('error', onError);
  return n;
}

function usage(command: Command, msg: string): never {
  command.error(`error: ${msg}`, { exitCode: 2, code: 'flowlens.simulate.usage' });
}

function options(flags: SimulateFlags, command: Command, io: SimulateIO): SimulateOptions {
  const opts: SimulateOptions = { seed: /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed };
  if (flags.duration !== undefined) {
    const ms = parseDuration(flags.duration);
    if (ms === undefined || ms <= 0)
      usage(command, `invalid --duration "${flags.duration}": expected a duration such as 90s, 10m or 1h`);
    opts.durationMs = ms;
  }
  if (flags.start !== undefined) opts.start = flags.start === 'now' ? Math.floor(io.now()) : flags.start;
  if (flags.rate !== undefined) {
    const r = Number(flags.rate);
    if (!(r > 0) || !Number.isFinite(r))
      usage(command, `invalid --rate "${flags.rate}": expected flows per second, a number > 0`);
    opts.rate = r;
  }
  return opts;
}

async function run(flags: SimulateFlags, command: Command, io: SimulateIO): Promise<number> {
  if (flags.list) {
    const list = listBuiltinScenarios();
    const w = Math.max(...list.map((s) => s.name.length));
    io.stdout.write(list.map((s) => `${s.name.padEnd(w)}  ${s.description}`).join('\n') + '\n');
    return 0;
  }
  if (flags.show !== undefined) {
    const text = builtinScenarioText(flags.show);
    if (text === undefined)
      usage(command, `no built-in scenario "${flags.show}"; see flowlens simulate --list`);
    io.stdout.write(text);
    return 0;
  }
  if (!flags.scenario) usage(command, 'missing --scenario NAME|FILE (or --list to see the built-ins)');
  const opts = options(flags, command, io);
  try {
    const scenario = loadScenario(flags.scenario);
    if (flags.truth) writeFileSync(flags.truth, JSON.stringify(truth(scenario, opts), null, 2) + '\n');
    const toFile = flags.output !== undefined && flags.output !== '-';
    const out = toFile ? createWriteStream(flags.output!) : io.stdout;
    const n = await writeChunks(simulateChunks(scenario, opts), out);
    if (toFile) {
      await new Promise<void>((resolve, reject) =>
        (out as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
      io.stderr.write(
        `wrote ${n} flows (${scenario.name}, ${formatDuration(opts.durationMs ?? scenario.duration)}, seed ${opts.seed}) to ${flags.output}\n`,
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof ScenarioError) {
      io.stderr.write(`flowlens simulate: ${e.message}\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code && (e as NodeJS.ErrnoException).path) {
      io.stderr.write(`flowlens simulate: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Registers `simulate`; `io` is injectable for tests. */
export function createSimulateCommand(
  io: () => SimulateIO = () => ({ stdout: process.stdout, stderr: process.stderr, now: Date.now }),
): CliCommand {
  return {
    name: 'simulate',
    register(program: Command): void {
      program
        .command('simulate')
        .description('Generate Hubble flows (hubble observe -o json lines) from a simulated cluster scenario')
        .option('--list', 'list the built-in scenarios with a one-line description')
        .option('--show <name>', 'print the YAML of a built-in scenario (a starting point for your own)')
        .option('-s, --scenario <name|file>', 'built-in scenario name or scenario YAML file')
        .option(
          '-d, --duration <duration>',
          "length of simulated time, e.g. 90s, 10m, 1h (default: the scenario's, usually 10m)",
        )
        .option('--seed <n>', 'random seed; the same seed gives the same bytes', '1')
        .option('--start <time>', "RFC 3339 start time, or 'now' (default: the scenario's start)")
        .option('--rate <flows_per_s>', 'scale traffic to about this many flows per second')
        .option('-o, --output <file>', 'write flows to FILE instead of stdout')
        .option(
          '--truth <file>',
          'write the injected faults (kind, window, namespace, workload, pods) as JSON to FILE',
        )
        .addHelpText('after', HELP_AFTER)
        .action(async (flags: SimulateFlags, command: Command) => {
          process.exitCode = await run(flags, command, io());
        });
    },
  };
}

/** The `simulate` command bound to the process. */
export const simulateCommand: CliCommand = createSimulateCommand();
