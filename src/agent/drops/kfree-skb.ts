/**
 * Kernel drop reasons from the `skb:kfree_skb` tracepoint through tracefs (the kernel here has
 * no kprobes, and tracepoints need no compiler or BPF toolchain). The watcher mounts tracefs
 * when it is not mounted, creates a private trace instance (so it never disturbs other tracing
 * users), filters out reasonless frees and OTHERHOST in the kernel, and streams `trace_pipe`
 * through a `cat` child it can kill. Everything it set up is undone by stop().
 *
 * Limits (see linux-lab.md §5): the event carries no addresses, ports or netns — only the
 * reason, the freeing function and the protocol — and tracefs is machine-wide, so drops of
 * other namespaces on the machine show up too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { IGNORED_KERNEL_REASONS } from './drop-reasons.js';

/** One parsed kfree_skb event. */
export interface KfreeSkbEvent {
  comm: string;
  pid: number;
  cpu: number;
  /** Trace clock seconds (not wall time). */
  traceTs: number;
  /** Ethernet protocol number (host order): 2048 IPv4, 34525 IPv6, 2054 ARP. */
  protocol: number;
  /** The freeing function, e.g. `tcp_v4_rcv+0x91/0x13f0` (symbol only in `function`). */
  location: string;
  function: string;
  reason: string;
}

const LINE =
  /^\s*(.*?)-(\d+)\s+\[(\d+)\]\s+(?:\S+\s+)?([\d.]+): kfree_skb: skbaddr=\S+(?: rx_sk=\S+)? protocol=(\d+) location=(\S+)(?: reason: (\S+))?/;

/** Parses a trace_pipe line; undefined for other lines. */
export function parseKfreeSkbLine(line: string): KfreeSkbEvent | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const location = m[6];
  return {
    comm: m[1].trim(),
    pid: Number(m[2]),
    cpu: Number(m[3]),
    traceTs: Number(m[4]),
    protocol: Number(m[5]),
    location,
    function: location.replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+$/, ''),
    reason: m[7] ?? 'NOT_SPECIFIED',
  };
}

/** Reads `enum skb_drop_reason` name → number from the event's print format. */
export function parseReasonTable(format: string): Map<string, number> {
  const m = new Map<string, number>();
  const re = /\{\s*(\d+),\s*"([A-Z0-9_]+)"\s*\}/g;
  let x: RegExpExecArray | null;
  while ((x = re.exec(format))) m.set(x[2], Number(x[1]));
  return m;
}

/** Options of {@link KfreeSkbWatcher}. */
export interface KfreeSkbWatcherOptions {
  /** Where tracefs is (or gets mounted). */
  tracefs: string;
  /** Name of the private instance. */
  instance: string;
  /** Per-CPU buffer size in KB. */
  bufferKb: number;
  /** Reasons filtered in the kernel (by name; unknown names are ignored). */
  ignore: ReadonlySet<string>;
  onEvent: (e: KfreeSkbEvent) => void;
  onError?: (msg: string) => void;
}

/** Streams kfree_skb events of a private tracefs instance. */
export class KfreeSkbWatcher {
  private mounted = false;
  private created = false;
  private child: ChildProcess | undefined;
  private instDir = '';
  /** Events filtered in the kernel by reason, by name. */
  readonly filteredReasons: string[] = [];

  constructor(private readonly o: KfreeSkbWatcherOptions) {}

  /** Defaults for a given process. */
  static defaults(onEvent: (e: KfreeSkbEvent) => void): KfreeSkbWatcherOptions {
    return {
      tracefs: '/sys/kernel/tracing',
      instance: `flowlens-${process.pid}`,
      bufferKb: 2048,
      ignore: IGNORED_KERNEL_REASONS,
      onEvent,
    };
  }

  /** Sets up tracing and starts streaming. Throws with a clear message when tracefs is unusable. */
  start(): void {
    const t = this.o.tracefs;
    if (!existsSync(join(t, 'instances'))) {
      if (!existsSync(t)) mkdirSync(t, { recursive: true });
      const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', t], { encoding: 'utf8' });
      if (r.status !== 0)
        throw new Error(`cannot mount tracefs on ${t}: ${(r.stderr || r.error?.message || '').trim()}`);
      this.mounted = true;
    }
    this.removeStale(join(t, 'instances'));
    this.instDir = join(t, 'instances', this.o.instance);
    if (!existsSync(this.instDir)) {
      mkdirSync(this.instDir);
      this.created = true;
    }
    const ev = join(this.instDir, 'events/skb/kfree_skb');
    if (!existsSync(ev)) throw new Error(`the kernel has no skb:kfree_skb tracepoint (${ev} missing)`);
    const table = parseReasonTable(readFileSync(join(ev, 'format'), 'utf8'));
    const clauses: string[] = [];
    for (const name of this.o.ignore) {
      const n = table.get(name);
      if (n !== undefined) {
        clauses.push(`reason != ${n}`);
        this.filteredReasons.push(name);
      }
    }
    try {
      writeFileSync(join(this.instDir, 'buffer_size_kb'), String(this.o.bufferKb));
    } catch {
      // keep the default size
    }
    if (clauses.length > 0) writeFileSync(join(ev, 'filter'), clauses.join(' && '));
    writeFileSync(join(ev, 'enable'), '1');
    const child = spawn('cat', [join(this.instDir, 'trace_pipe')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.on('error', (err) => this.o.onError?.(`kfree_skb reader: ${err.message}`));
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const e = parseKfreeSkbLine(line);
      if (e) this.o.onEvent(e);
    });
  }

  /** Removes instances left by agents that died without cleaning up (`flowlens-<pid>` of a gone pid). */
  private removeStale(dir: string): void {
    for (const name of readdirSync(dir)) {
      const m = /^flowlens-(\d+)$/.exec(name);
      if (!m || name === this.o.instance) continue;
      try {
        process.kill(Number(m[1]), 0);
        continue; // still running
      } catch {
        // gone
      }
      try {
        writeFileSync(join(dir, name, 'events/skb/kfree_skb/enable'), '0');
        rmdirSync(join(dir, name));
      } catch (err) {
        this.o.onError?.(`cannot remove stale trace instance ${name}: ${(err as Error).message}`);
      }
    }
  }

  /** Events the kernel lost because the reader was too slow (sum of per-CPU overruns). */
  overruns(): number {
    if (!this.instDir) return 0;
    let n = 0;
    try {
      for (const cpu of readdirSync(join(this.instDir, 'per_cpu'))) {
        const s = readFileSync(join(this.instDir, 'per_cpu', cpu, 'stats'), 'utf8');
        const m = /^overrun: (\d+)/m.exec(s);
        if (m) n += Number(m[1]);
      }
    } catch {
      // instance gone
    }
    return n;
  }

  /** Stops streaming and undoes everything start() set up (the reader must exit first: an open trace_pipe keeps the instance busy). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    }
    if (this.instDir) {
      const ev = join(this.instDir, 'events/skb/kfree_skb');
      try {
        writeFileSync(join(ev, 'enable'), '0');
        writeFileSync(join(ev, 'filter'), '0');
      } catch {
        // already gone
      }
      if (this.created) {
        try {
          rmdirSync(this.instDir);
        } catch (err) {
          this.o.onError?.(`cannot remove trace instance ${this.instDir}: ${(err as Error).message}`);
        }
      }
      this.instDir = '';
    }
    if (this.mounted) {
      spawnSync('umount', [this.o.tracefs]);
      this.mounted = false;
    }
  }
}
