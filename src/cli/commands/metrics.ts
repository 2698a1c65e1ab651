/**
 * `flowlens metrics`: computes the Prometheus metrics a flow log would produce and prints the
 * exposition text. A quick way to see what a log yields, and a fixture for dashboards.
 *
 * A hidden serving mode (`--listen ADDR [--loop]`) keeps the process alive, serving /metrics
 * while the log is replayed with fresh timestamps; the Prometheus integration suite
 * (test/prometheus/run.sh) scrapes it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Option, type Command } from 'commander';
import { timeFromMillis, timeMillis, type FlowEvent } from '../../flow/index.js';
import {
  DEFAULT_METRICS,
  MetricRegistry,
  MetricsError,
  builtinPlugins,
  createMetricsPipeline,
  metricsRequestHandler,
  parseDuration,
  type ExpositionFormat,
  type HandlerDefaults,
  type MetricsPipeline,
} from '../../metrics/index.js';
import { readFlowLog } from '../../sources/jsonl/index.js';
import type { CliCommand } from './types.js';

interface MetricsFlags {
  inputFile?: string[];
  metrics?: string[];
  metricsConfig?: string;
  format: string;
  nodeStats?: boolean;
  budget?: string;
  ttl?: string;
  list?: boolean;
  listen?: string;
  loop?: boolean;
  rate: string;
}

const HELP_AFTER = `
--metrics takes Cilium's hubble-metrics syntax: whitespace-separated name[:options], options
';'-separated. It can be repeated. Without it the default set is used:
  ${DEFAULT_METRICS.join('\n  ')}

Examples:
  flowlens metrics --input-file flows.jsonl
  flowlens metrics --input-file flows.jsonl --metrics 'dns:query;ignoreAAAA' --metrics 'drop:sourceContext=namespace'
  flowlens metrics --input-file flows.jsonl --format openmetrics --metrics 'httpV2:exemplars=true;sourceContext=pod'
  flowlens metrics --list
`;

/** Parses `host:port` (`:port` = loopback). */
function parseListen(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  const host = i <= 0 ? '127.0.0.1' : s.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(s.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new MetricsError('METRICS_CONFIG', `invalid --listen address '${s}'`);
  return { host, port };
}

function makePipeline(f: MetricsFlags, serving: boolean): MetricsPipeline {
  const defaults: Partial<HandlerDefaults> = {};
  if (f.budget !== undefined) {
    const b = Number(f.budget);
    if (!Number.isInteger(b) || b <= 0)
      throw new MetricsError('METRICS_CONFIG', `invalid --budget '${f.budget}'`);
    defaults.budget = b;
    defaults.histogramBudget = b;
  }
  // A log is read in one go: wall-clock expiry would be meaningless there, so it is off unless asked for.
  if (f.ttl !== undefined) defaults.ttlMs = parseDuration(f.ttl);
  else if (!serving) defaults.ttlMs = 0;
  return createMetricsPipeline({
    metrics: f.metrics?.length ? f.metrics : undefined,
    config: f.metricsConfig ? readFileSync(f.metricsConfig, 'utf8') : undefined,
    nodeStats: f.nodeStats ?? false,
    defaults,
  });
}

async function readAll(
  inputs: string[],
  pipeline: MetricsPipeline,
  warn: (m: string) => void,
): Promise<FlowEvent[] | undefined> {
  const reader = await readFlowLog(inputs, { onWarning: warn });
  const keep: FlowEvent[] = [];
  for await (const batch of reader) {
    pipeline.observe(batch, 'file');
    keep.push(...batch);
  }
  const s = reader.stats;
  if (s.invalid > 0) pipeline.sources.skipped('file', s.invalid, 'invalid');
  if (s.tooLong > 0) pipeline.sources.skipped('file', s.tooLong, 'too_long');
  return keep;
}

/** Replays events with fresh timestamps at `rate` events/s, forever or once. */
function replay(events: FlowEvent[], pipeline: MetricsPipeline, rate: number, loop: boolean): () => void {
  const times = events.map((e) => timeMillis(e.flow?.time ?? e.time));
  const first = times.find((t) => Number.isFinite(t)) ?? 0;
  const perTick = Math.max(1, Math.round(rate / 10));
  let i = 0;
  let offset = Date.now() - first;
  const timer = setInterval(() => {
    const batch: FlowEvent[] = [];
    for (let k = 0; k < perTick; k++) {
      if (i >= events.length) {
        if (!loop) {
          clearInterval(timer);
          break;
        }
        i = 0;
        offset = Date.now() - first;
      }
      const ev = events[i]!;
      const t = times[i]!;
      i++;
      if (!ev.flow || !Number.isFinite(t)) {
        batch.push(ev);
        continue;
      }
      const time = timeFromMillis(t + offset);
      batch.push({ ...ev, time, flow: { ...ev.flow, time } });
    }
    if (batch.length > 0) pipeline.observe(batch, 'replay');
  }, 100);
  return () => clearInterval(timer);
}

async function serve(f: MetricsFlags, pipeline: MetricsPipeline, events: FlowEvent[]): Promise<void> {
  const { host, port } = parseListen(f.listen!);
  const rate = Number(f.rate);
  if (!Number.isFinite(rate) || rate <= 0)
    throw new MetricsError('METRICS_CONFIG', `invalid --rate '${f.rate}'`);
  const server: Server = createServer(metricsRequestHandler(pipeline));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  process.stdout.write(`serving http://${h}:${addr.port}/metrics\n`);
  const stop = replay(events, pipeline, rate, f.loop ?? false);
  await new Promise<void>((resolve) => {
    const done = () => {
      stop();
      server.closeAllConnections();
      server.close(() => resolve());
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

async function run(f: MetricsFlags): Promise<void> {
  if (f.list) {
    process.stdout.write(`Metric handlers:\n${new MetricRegistry(builtinPlugins).help()}\n`);
    return;
  }
  if (!f.inputFile?.length)
    throw new MetricsError('METRICS_CONFIG', 'required option --input-file FILE not given');
  if (f.metricsConfig && f.metrics?.length)
    throw new MetricsError('METRICS_CONFIG', '--metrics and --metrics-config cannot be used together');
  const format = f.format as ExpositionFormat;
  if (format !== 'prometheus' && format !== 'openmetrics')
    throw new MetricsError('METRICS_CONFIG', `invalid --format '${f.format}' (prometheus or openmetrics)`);
  const serving = f.listen !== undefined;
  const pipeline = makePipeline(f, serving);
  const warn = (m: string) => process.stderr.write(`flowlens metrics: ${m}\n`);
  // When serving, the log is only replayed (read it without counting it first).
  const events = serving ? await collect(f.inputFile, warn) : await readAll(f.inputFile, pipeline, warn);
  if (serving) {
    await serve(f, pipeline, events!);
    return;
  }
  process.stdout.write(pipeline.render(format));
}

async function collect(inputs: string[], warn: (m: string) => void): Promise<FlowEvent[]> {
  const reader = await readFlowLog(inputs, { onWarning: warn });
  const out: FlowEvent[] = [];
  for await (const batch of reader) out.push(...batch);
  return out;
}

/** The `metrics` command. */
export const metricsCommand: CliCommand = {
  name: 'metrics',
  register(program: Command) {
    program
      .command('metrics')
      .description(
        'compute the Prometheus metrics (Hubble, ACNS/Retina, flowlens) of a flow log and print the exposition text',
      )
      .option('--input-file <file...>', "flow log(s) in Hubble JSON lines (files, globs, .gz, '-' for stdin)")
      .option(
        '--metrics <options>',
        'handlers in hubble-metrics syntax, e.g. "dns:query;ignoreAAAA flow:sourceContext=pod" (repeatable)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option(
        '--metrics-config <file>',
        'handlers as dynamic YAML (metrics: [{name, contextOptions, includeFilters, excludeFilters}])',
      )
      .option(
        '--format <format>',
        'exposition format: prometheus or openmetrics (with exemplars)',
        'prometheus',
      )
      .option('--node-stats', 'add node figures from /proc/net (interface, TCP and UDP socket statistics)')
      .option('--budget <series>', 'series budget per metric family (default 10000, histograms 2000)')
      .option(
        '--ttl <duration>',
        'expire series idle this long, e.g. 10m (default: never for a file, 10m when serving)',
      )
      .option('--list', 'list the metric handlers, what they emit and their options')
      .addOption(
        new Option('--listen <addr>', 'serve /metrics on host:port while replaying the log').hideHelp(),
      )
      .addOption(new Option('--loop', 'replay the log forever with fresh timestamps').hideHelp())
      .addOption(new Option('--rate <flows>', 'replay rate in flows per second').default('500').hideHelp())
      .addHelpText('after', HELP_AFTER)
      .action(async (f: MetricsFlags) => {
        try {
          await run(f);
        } catch (err) {
          if (err instanceof MetricsError || (err as { code?: string }).code === 'FLOW_LOG_INPUT') {
            process.stderr.write(`flowlens metrics: ${(err as Error).message}\n`);
            process.exitCode = 1;
            return;
          }
          throw err;
        }
      });
  },
};
