/**
 * `flowlens agent`: turns the node's real traffic into Hubble flows. Standalone it writes
 * Hubble JSON lines (like `hubble observe -o json`) to stdout or a file; with `--serve` it runs
 * as a source of serve's pipeline (gRPC Observer API, HTTP API and UI, /metrics).
 */
import { createWriteStream, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { Agent, type AgentOptions } from '../../agent/index.js';
import { addSettingOptions, commonSettings, serveSettings } from '../../config/index.js';
import { encodeEvent, type FlowEvent, type JsonSchemaMode } from '../../flow/index.js';
import { AgentSource } from '../../sources/agent/index.js';
import { consoleIO } from './server-lifecycle.js';
import { runServe, serveConfigFrom, startFailure } from './serve.js';
import type { CliCommand } from './types.js';

interface AgentFlags {
  interface: string[];
  nflogGroup: string[];
  read: string[];
  snaplen: string;
  batched: boolean;
  bufferSize: string;
  filter?: string;
  kernelDrops: boolean;
  tcpStates: 'conntrack' | 'sockets' | 'off';
  socketNetns: string[];
  topology?: string;
  kubernetes: boolean;
  kubeconfig?: string;
  aggregation: 'none' | 'medium';
  hold: string;
  snapshotHeaders: boolean;
  output: string;
  jsonSchema: JsonSchemaMode;
  statusFile?: string;
  serve: boolean;
  nodeName?: string;
  quiet?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function intArg(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

/** Builds agent options from the flags (throws with the flag's name on a bad value). */
export function agentOptionsFrom(f: AgentFlags, warn: (m: string) => void): Partial<AgentOptions> {
  if (f.interface.length === 0 && f.nflogGroup.length === 0 && f.read.length === 0)
    throw new Error('give at least one input: --interface, --nflog-group or --read');
  return {
    nodeName: f.nodeName || hostname(),
    interfaces: f.interface,
    nflogGroups: f.nflogGroup.map((g) => intArg('nflog-group', g, 0, 65535)),
    readFiles: f.read,
    snaplen: intArg('snaplen', f.snaplen, 64, 262144),
    bufferKb: intArg('buffer-size', f.bufferSize, 64, 1 << 22),
    batched: f.batched,
    filter: f.filter,
    kernelDrops: f.kernelDrops,
    tcpStates: f.tcpStates,
    socketNetns: f.socketNetns,
    topologyFile: f.topology,
    kubernetes: f.kubernetes,
    kubeconfig: f.kubeconfig,
    assembler: {
      aggregation: f.aggregation,
      delayMs: intArg('hold', f.hold, 0, 10_000),
      httpHeaders: f.snapshotHeaders,
    },
    onWarning: warn,
  };
}

function writeStatus(path: string, agent: Agent): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(agent.stats(), null, 2) + '\n');
  renameSync(tmp, path);
}

async function writeLines(out: Writable, lines: string): Promise<void> {
  if (!out.write(lines)) await new Promise<void>((r) => out.once('drain', () => r()));
}

/** Standalone: JSON lines out until SIGINT/SIGTERM (or the end of --read inputs). */
async function runStandalone(f: AgentFlags): Promise<number> {
  const warn = (m: string) => process.stderr.write(`flowlens agent: ${m}\n`);
  const opts = agentOptionsFrom(f, warn);
  const agent = new Agent({
    ...opts,
    onReady: () => {
      if (f.statusFile) writeStatus(f.statusFile, agent);
      if (!f.quiet) warn('ready');
    },
  });
  const out: Writable = f.output === '-' ? process.stdout : createWriteStream(f.output);
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = f.statusFile ? setInterval(() => writeStatus(f.statusFile!, agent), 1000) : undefined;
  timer?.unref();
  try {
    if (!f.quiet)
      warn(
        `capturing on ${[...(opts.interfaces ?? []), ...(opts.nflogGroups ?? []).map((g) => `nflog:${g}`), ...(opts.readFiles ?? [])].join(', ')} as node ${opts.nodeName}`,
      );
    await agent.run(async (batch) => {
      let s = '';
      for (const ev of batch) s += encodeEvent(ev, f.jsonSchema) + '\n';
      await writeLines(out, s);
    }, ac.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (timer) clearInterval(timer);
    if (f.statusFile) writeStatus(f.statusFile, agent);
    if (out !== process.stdout) await new Promise<void>((r) => out.end(() => r()));
  }
  const s = agent.stats();
  if (!f.quiet) {
    warn(
      `${s.flows.emitted} events from ${s.assembler.packets} packets; losses: ${s.losses.kernelCaptureDrops} dropped by the kernel, ` +
        `${s.losses.parseFailures} parse failures, ${s.losses.queueOverflow} queue overflows`,
    );
  }
  return 0;
}

/** With --serve: the agent as a source of serve's pipeline and listeners. */
async function runServed(f: AgentFlags, command: Command): Promise<number> {
  const cfg = serveConfigFrom(command);
  const io = consoleIO(cfg.quiet);
  const agent: Agent = new Agent({
    ...agentOptionsFrom({ ...f, nodeName: cfg.nodeName }, (m) => io.warn(m)),
    onReady: () => {
      if (f.statusFile) writeStatus(f.statusFile, agent);
      io.log('agent ready');
    },
  });
  const timer = f.statusFile ? setInterval(() => writeStatus(f.statusFile!, agent), 1000) : undefined;
  timer?.unref();
  // -o FILE also writes the flows as JSON lines while serving.
  const out = f.output !== '-' ? createWriteStream(f.output) : undefined;
  const tap = out
    ? async (batch: FlowEvent[]) => {
        let s = '';
        for (const ev of batch) s += encodeEvent(ev, f.jsonSchema) + '\n';
        await writeLines(out, s);
      }
    : undefined;
  try {
    return await runServe(cfg, io, { sources: [new AgentSource(agent, tap)] });
  } finally {
    if (timer) clearInterval(timer);
    if (f.statusFile) writeStatus(f.statusFile, agent);
    if (out) await new Promise<void>((r) => out.end(() => r()));
  }
}

/** The `agent` command. */
export const agentCommand: CliCommand = {
  name: 'agent',
  register(program: Command): void {
    const cmd = program
      .command('agent')
      .description(
        'turn this node’s real traffic into Hubble flows (tcpdump capture, NFLOG policy drops, kernel drop reasons, TCP states)',
      )
      .option(
        '-i, --interface <IF>',
        'capture this interface, repeatable (the node bridge, e.g. cni0, or pod veths)',
        collect,
        [],
      )
      .option('--nflog-group <N>', 'read policy drops from this NFLOG group, repeatable', collect, [])
      .option(
        '-r, --read <FILE>',
        'read a pcap file instead of a live interface, repeatable ("-" = stdin)',
        collect,
        [],
      )
      .option('--snaplen <BYTES>', 'bytes captured per packet (enough for HTTP heads and DNS)', '1024')
      .option('--buffer-size <KiB>', 'kernel capture buffer per interface (tcpdump -B)', '16384')
      .option(
        '--batched',
        'let the kernel hand packets over in blocks (no --immediate-mode): about 3x less capture CPU at high packet rates, flows up to 1 s later',
        false,
      )
      .option('--filter <BPF>', 'BPF filter for the traffic captures')
      .option(
        '--kernel-drops',
        'report kernel drop reasons from the skb:kfree_skb tracepoint (tracefs)',
        false,
      )
      .option('--no-kernel-drops', 'turn --kernel-drops off again')
      .addOption(
        new Option('--tcp-states <SOURCE>', 'where TCP connection states come from')
          .choices(['conntrack', 'sockets', 'off'])
          .default('off'),
      )
      .option(
        '--socket-netns <NAME>',
        'with --tcp-states sockets: also read this named netns, repeatable',
        collect,
        [],
      )
      .option(
        '--topology <FILE>',
        'pods, services, namespaces and nodes (YAML/JSON; Kubernetes objects or the short form), reloaded on change',
      )
      .option('--kubernetes', 'watch pods, services, namespaces and nodes through the Kubernetes API', false)
      .option('--kubeconfig <FILE>', 'kubeconfig for --kubernetes (default: in-cluster, then ~/.kube/config)')
      .addOption(
        new Option(
          '--aggregation <LEVEL>',
          'monitor aggregation: medium reports connection starts, flag changes and resets; none reports every packet',
        )
          .choices(['medium', 'none'])
          .default('medium'),
      )
      .option(
        '--hold <MS>',
        'hold flows this long so a policy drop replaces the trace of the packet it dropped',
        '300',
      )
      .option('--no-snapshot-headers', 'leave HTTP headers out of l7.http')
      .option(
        '-o, --output <FILE>',
        'write JSON lines here ("-" = stdout; with --serve only when a file is given)',
        '-',
      )
      .addOption(
        new Option(
          '--json-schema <MODE>',
          'full keeps v1.19 fields such as ingress_denied_by; legacy writes what hubble v0.12.3 writes',
        )
          .choices(['full', 'legacy'])
          .default('full'),
      )
      .option(
        '--status-file <FILE>',
        'write counters, losses and TCP states as JSON every second and at exit',
      )
      .option(
        '--serve',
        'run serve’s pipeline and listeners with the agent as a source (serve’s flags apply)',
        false,
      )
      .option('--config <FILE>', 'with --serve: YAML or JSON config file of serve settings');
    addSettingOptions(cmd, [...commonSettings, ...serveSettings]);
    cmd.addHelpText(
      'after',
      `
Needs root (or CAP_NET_ADMIN and CAP_NET_RAW; CAP_BPF/CAP_SYS_ADMIN for --kernel-drops) and tcpdump;
conntrack for --tcp-states conntrack.

Examples:
  flowlens agent -i cni0 --nflog-group 5 --kernel-drops --tcp-states conntrack --topology topo.yaml
  flowlens agent -i cni0 --kubernetes --serve --metrics-listen 0.0.0.0:9965 --auth-token-file /etc/flowlens/token
  flowlens agent --read capture.pcap --topology topo.yaml -o flows.jsonl`,
    );
    cmd.action(async (_opts: unknown, command: Command) => {
      const f = command.opts() as AgentFlags;
      try {
        process.exitCode = f.serve ? await runServed(f, command) : await runStandalone(f);
      } catch (err) {
        process.exitCode = startFailure('agent', err);
      }
    });
  },
};
