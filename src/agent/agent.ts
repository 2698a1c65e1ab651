/**
 * The agent: captures (live tcpdump or pcap files), NFLOG groups, kernel drop reasons and TCP
 * states in, batches of Hubble FlowEvents out, through a bounded queue with loss accounting.
 *
 * Losses are counted where they happen and surfaced twice: in stats() (and the status file)
 * and as Hubble `lost_events` records in the flow stream — kernel capture drops reported by
 * libpcap as PERF_EVENT_RING_BUFFER, queue overflow as OBSERVER_EVENTS_QUEUE.
 */
import type { FlowEvent } from '../flow/index.js';
import { timeFromMillis } from '../flow/index.js';
import { PcapFileCapture } from './capture/file.js';
import { TcpdumpCapture } from './capture/tcpdump.js';
import { parseNflog } from './decode/nflog.js';
import { decodeFrame, decodeIp, Packet, type DecodeResult } from './decode/packet.js';
import { KfreeSkbWatcher, type KfreeSkbEvent } from './drops/kfree-skb.js';
import { DnsNameCache } from './enrich/dns-names.js';
import { KubernetesWatcher } from './enrich/kubernetes.js';
import { TopologyFileWatcher } from './enrich/topology-file.js';
import { TopologyIndex } from './enrich/topology.js';
import { Assembler, type AssemblerCounters, type AssemblerOptions } from './flows/assembler.js';
import { LinkType, type PcapRecordFn } from './pcap/pcap-stream.js';
import { ConntrackWatcher, type TcpStateProvider, type TcpStateSnapshot } from './tcp-states/conntrack.js';
import { SocketTableReader } from './tcp-states/sockets.js';

/** Agent configuration. */
export interface AgentOptions {
  nodeName: string;
  /** Interfaces to capture live (e.g. the node bridge `cni0`/`labbr0`, or pod veths). */
  interfaces: string[];
  /** NFLOG groups to read policy drops from. */
  nflogGroups: number[];
  /** pcap files to read instead of (or besides) live interfaces; `-` is standard input. */
  readFiles: string[];
  snaplen: number;
  bufferKb: number;
  /** Batched capture (tcpdump without --immediate-mode): less CPU at high rates, up to 1 s late. */
  batched?: boolean;
  /** BPF filter for traffic captures. */
  filter?: string;
  /** Stream skb:kfree_skb drop reasons from tracefs. */
  kernelDrops: boolean;
  tracefs?: string;
  tcpStates: 'conntrack' | 'sockets' | 'off';
  /** For tcpStates=sockets: named netns to include. */
  socketNetns: string[];
  topologyFile?: string;
  kubernetes: boolean;
  kubeconfig?: string;
  assembler: Partial<AssemblerOptions>;
  /** Most events queued for the consumer before new ones are dropped (and counted). */
  queueSize: number;
  /** Largest batch handed to the consumer, and the longest wait to fill one. */
  batchSize: number;
  batchMs: number;
  /** How often libpcap counters are requested. */
  statsIntervalMs: number;
  tcpdumpBin?: string;
  onWarning?: (msg: string) => void;
  /** Called once every input is running (captures listening, watchers started). */
  onReady?: () => void;
}

export const defaultAgentOptions: AgentOptions = {
  nodeName: 'node',
  interfaces: [],
  nflogGroups: [],
  readFiles: [],
  snaplen: 1024,
  bufferKb: 16384,
  kernelDrops: false,
  tcpStates: 'off',
  socketNetns: [],
  kubernetes: false,
  assembler: {},
  queueSize: 65536,
  batchSize: 1024,
  batchMs: 50,
  statsIntervalMs: 1000,
};

/** What the agent reports about itself (also written as the status file). */
export interface AgentStats {
  nodeName: string;
  /** True once every input runs (tests wait for this before sending traffic). */
  ready: boolean;
  startedAt: string;
  uptimeMs: number;
  captures: Array<{
    input: string;
    linkType?: number;
    running: boolean;
    captured: number;
    receivedByFilter: number;
    droppedByKernel: number;
    records: number;
  }>;
  decode: { ok: number; truncated: number; malformed: number; unsupported: number };
  flows: { emitted: number; lostEventsEmitted: number; queued: number; held: number };
  assembler: AssemblerCounters;
  /** The three kinds of loss the agent accounts for. */
  losses: {
    /** Packets the kernel dropped before libpcap read them (all captures). */
    kernelCaptureDrops: number;
    /** Packets or messages that could not be parsed (truncated/malformed frames, DNS, HTTP, NFLOG). */
    parseFailures: number;
    /** Flow events dropped because the consumer was too slow. */
    queueOverflow: number;
    /** Kernel drop events lost by tracefs (per-CPU buffer overruns). */
    traceOverruns: number;
  };
  kernelDropReasons: Record<string, number>;
  /** Reasons filtered in the kernel (OTHERHOST, NOT_SPECIFIED). */
  kernelDropReasonsFiltered: string[];
  tcpStates?: TcpStateSnapshot;
  topology: { pods: number; services: number; namespaces: number; nodes: number; kubernetesEvents?: number };
  dnsNames: number;
  connections: number;
}

type Emit = (batch: FlowEvent[]) => Promise<void>;

/** The agent. Use run() (or start()/pump/stop() through run). */
export class Agent {
  readonly topology: TopologyIndex;
  readonly names = new DnsNameCache();
  readonly assembler: Assembler;
  private readonly o: AgentOptions;
  private readonly captures: TcpdumpCapture[] = [];
  private readonly files: PcapFileCapture[] = [];
  private kfree: KfreeSkbWatcher | undefined;
  private conntrack: ConntrackWatcher | undefined;
  private tcpProvider: TcpStateProvider | undefined;
  private topoWatcher: TopologyFileWatcher | undefined;
  private k8s: KubernetesWatcher | undefined;
  private readonly queue: FlowEvent[] = [];
  private qHead = 0;
  private readonly decodeCounts = { ok: 0, truncated: 0, malformed: 0, unsupported: 0 };
  private readonly kernelReasons: Record<string, number> = {};
  private emitted = 0;
  private lostEmitted = 0;
  private queueDropped = 0;
  private queueDroppedReported = 0;
  private kernelDropsReported = 0;
  private lossFirst: string | undefined;
  private maxTsMs = 0;
  private readonly startedMs = Date.now();
  private readonly pkt = new Packet();
  private readonly inner = new Packet();
  private live = false;

  constructor(options: Partial<AgentOptions> = {}) {
    this.o = { ...defaultAgentOptions, ...options };
    this.topology = new TopologyIndex(this.o.nodeName);
    this.assembler = new Assembler(this.topology, this.names, (ev) => this.enqueue(ev), {
      nodeName: this.o.nodeName,
      netfilterDropsFromNflog: this.o.nflogGroups.length > 0,
      ...this.o.assembler,
    });
  }

  private warn(msg: string): void {
    this.o.onWarning?.(msg);
  }

  private enqueue(ev: FlowEvent): void {
    if (this.queue.length - this.qHead >= this.o.queueSize) {
      this.queueDropped++;
      if (this.lossFirst === undefined) this.lossFirst = ev.time;
      return;
    }
    this.queue.push(ev);
  }

  private recordFn(input: () => { header?: { linkType: number } }): PcapRecordFn {
    const p = this.pkt;
    const inner = this.inner;
    const asm = this.assembler;
    const dc = this.decodeCounts;
    return (data, off, capLen, _origLen, sec, nsec) => {
      const lt = input().header?.linkType ?? LinkType.EN10MB;
      const ms = sec * 1000 + nsec / 1e6;
      if (ms > this.maxTsMs) this.maxTsMs = ms;
      if (lt === LinkType.NFLOG) {
        const rec = parseNflog(data, off, capLen);
        if (!rec || rec.payloadLen === 0) {
          dc.malformed++;
          return;
        }
        inner.reset();
        inner.data = data;
        const r = decodeIp(inner, data, rec.payloadOff, rec.payloadOff + rec.payloadLen);
        inner.tsSec = sec;
        inner.tsNsec = nsec;
        if (r !== 'ok') {
          this.count(r);
          return;
        }
        dc.ok++;
        asm.nflog(rec, inner);
        return;
      }
      const r = decodeFrame(p, lt, data, off, capLen);
      p.tsSec = sec;
      p.tsNsec = nsec;
      if (r === 'ok') {
        dc.ok++;
        asm.packet(p);
      } else this.count(r);
    };
  }

  private count(r: DecodeResult): void {
    this.decodeCounts[r]++;
  }

  /** Starts enrichment and every input. Throws when an input cannot start. */
  async start(): Promise<void> {
    if (this.o.topologyFile) {
      this.topoWatcher = new TopologyFileWatcher(this.o.topologyFile, this.topology, (e) =>
        this.warn(e.message),
      );
      this.topoWatcher.load();
      this.topoWatcher.watch();
    }
    if (this.o.kubernetes) {
      this.k8s = new KubernetesWatcher(this.topology, {
        kubeconfig: this.o.kubeconfig,
        onError: (m) => this.warn(m),
      });
      await this.k8s.start();
    }
    if (this.o.tcpStates === 'conntrack') {
      this.conntrack = new ConntrackWatcher((m) => this.warn(m));
      await this.conntrack.start();
      this.tcpProvider = this.conntrack.table;
    } else if (this.o.tcpStates === 'sockets') this.tcpProvider = new SocketTableReader(this.o.socketNetns);
    if (this.o.kernelDrops) {
      const opts = KfreeSkbWatcher.defaults((e) => this.onKernelDrop(e));
      if (this.o.tracefs) opts.tracefs = this.o.tracefs;
      opts.onError = (m) => this.warn(m);
      this.kfree = new KfreeSkbWatcher(opts);
      this.kfree.start();
    }
    const inputs = [
      ...this.o.interfaces.map((i) => ({ iface: i, filter: this.o.filter })),
      ...this.o.nflogGroups.map((g) => ({ iface: `nflog:${g}`, filter: undefined })),
    ];
    for (const i of inputs) {
      let cap: TcpdumpCapture | undefined = undefined;
      cap = new TcpdumpCapture(
        {
          iface: i.iface,
          snaplen: i.iface.startsWith('nflog:') ? 65535 : this.o.snaplen,
          bufferKb: this.o.bufferKb,
          batched: this.o.batched === true && !i.iface.startsWith('nflog:'),
          filter: i.filter,
          bin: this.o.tcpdumpBin,
        },
        this.recordFn(() => cap!),
        (m) => this.warn(m),
      );
      await cap.start();
      this.captures.push(cap);
    }
    this.live = this.captures.length > 0;
    for (const f of this.o.readFiles) {
      let fc: PcapFileCapture | undefined = undefined;
      fc = new PcapFileCapture(
        f,
        this.recordFn(() => fc!),
      );
      this.files.push(fc);
    }
    this.ready = true;
    this.o.onReady?.();
  }

  private ready = false;

  private onKernelDrop(e: KfreeSkbEvent): void {
    this.kernelReasons[e.reason] = (this.kernelReasons[e.reason] ?? 0) + 1;
    this.assembler.kernelDrop(e, Date.now(), this.o.nflogGroups.length > 0);
  }

  /** The current TCP states, when a provider is configured. */
  tcpStates(): TcpStateSnapshot | undefined {
    return this.tcpProvider?.snapshot();
  }

  /** Runs until the signal aborts (live) or every file was read (offline only). */
  async run(emit: Emit, signal: AbortSignal): Promise<void> {
    try {
      await this.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
    let stopping = false;
    const fileDone = this.readFiles(signal);
    let filesFinished = this.files.length === 0;
    void fileDone.then(() => (filesFinished = true));
    let lastStats = 0;
    try {
      while (!signal.aborted) {
        if (!this.live && filesFinished) break;
        await this.tick(emit, false);
        const now = Date.now();
        if (now - lastStats >= this.o.statsIntervalMs) {
          lastStats = now;
          for (const c of this.captures) c.requestStats();
        }
        if (this.live && this.captures.every((c) => !c.running)) {
          this.warn('every capture has exited');
          break;
        }
        await sleepUnlessAborted(this.o.batchMs, signal);
      }
    } finally {
      stopping = true;
      await fileDone.catch((e: Error) => this.warn(e.message));
      await this.stop();
      await this.tick(emit, stopping);
    }
  }

  private async readFiles(signal: AbortSignal): Promise<void> {
    for (const f of this.files) {
      await f.read(() => this.queue.length - this.qHead > this.o.queueSize / 2, signal);
      if (f.truncatedBytes > 0)
        this.warn(`${f.path}: ${f.truncatedBytes} bytes of an incomplete last record ignored`);
    }
  }

  /** Flushes held flows and hands queued events to the consumer in batches. */
  private async tick(emit: Emit, final: boolean): Promise<void> {
    const now = this.live ? Date.now() : this.maxTsMs;
    this.assembler.flush(final ? Number.MAX_SAFE_INTEGER : now, final);
    this.reportLosses(now);
    while (this.queue.length > this.qHead) {
      const batch = this.queue.slice(this.qHead, this.qHead + this.o.batchSize);
      this.qHead += batch.length;
      if (this.qHead > 65536 && this.qHead * 2 > this.queue.length) {
        this.queue.splice(0, this.qHead);
        this.qHead = 0;
      }
      this.emitted += batch.length;
      await emit(batch);
    }
  }

  private reportLosses(nowMs: number): void {
    const kernel = this.captures.reduce((s, c) => s + c.stats.droppedByKernel, 0);
    if (kernel > this.kernelDropsReported) {
      this.pushLost('PERF_EVENT_RING_BUFFER', kernel - this.kernelDropsReported, nowMs);
      this.kernelDropsReported = kernel;
    }
    if (this.queueDropped > this.queueDroppedReported) {
      // Appended past the bound on purpose: the record of a loss must not itself be lost.
      this.pushLost(
        'OBSERVER_EVENTS_QUEUE',
        this.queueDropped - this.queueDroppedReported,
        nowMs,
        this.lossFirst,
      );
      this.queueDroppedReported = this.queueDropped;
      this.lossFirst = undefined;
    }
  }

  private pushLost(source: string, n: number, nowMs: number, first?: string): void {
    const time = timeFromMillis(nowMs);
    this.queue.push({
      lost_events: { source, num_events_lost: String(n), ...(first ? { first, last: time } : {}) },
      node_name: this.o.nodeName,
      time,
    });
    this.lostEmitted++;
  }

  /** Stops every input and watcher (idempotent). */
  async stop(): Promise<void> {
    for (const c of this.captures) c.requestStats();
    await Promise.all(this.captures.map((c) => c.stop()));
    await this.kfree?.stop();
    await this.conntrack?.stop();
    this.topoWatcher?.stop();
    await this.k8s?.stop();
  }

  /** A snapshot of the counters. */
  stats(): AgentStats {
    const a = this.assembler.counters;
    const kernel = this.captures.reduce((s, c) => s + c.stats.droppedByKernel, 0);
    const parse =
      this.decodeCounts.truncated +
      this.decodeCounts.malformed +
      a.dns.parseErrors +
      a.http.parseErrors +
      a.nflogMalformed;
    return {
      nodeName: this.o.nodeName,
      ready: this.ready,
      startedAt: timeFromMillis(this.startedMs),
      uptimeMs: Date.now() - this.startedMs,
      captures: [
        ...this.captures.map((c) => ({
          input: c.o.iface,
          linkType: c.header?.linkType,
          running: c.running,
          ...c.stats,
          records: 0,
        })),
        ...this.files.map((f) => ({
          input: f.path,
          linkType: f.header?.linkType,
          running: false,
          captured: f.records,
          receivedByFilter: f.records,
          droppedByKernel: 0,
          records: f.records,
        })),
      ],
      decode: { ...this.decodeCounts },
      flows: {
        emitted: this.emitted,
        lostEventsEmitted: this.lostEmitted,
        queued: this.queue.length - this.qHead,
        held: this.assembler.held,
      },
      assembler: structuredClone(a),
      losses: {
        kernelCaptureDrops: kernel,
        parseFailures: parse,
        queueOverflow: this.queueDropped,
        traceOverruns: this.kfree?.overruns() ?? 0,
      },
      kernelDropReasons: { ...this.kernelReasons },
      kernelDropReasonsFiltered: this.kfree?.filteredReasons ?? [],
      tcpStates: this.tcpStates(),
      topology: { ...this.topology.counts(), ...(this.k8s ? { kubernetesEvents: this.k8s.events } : {}) },
      dnsNames: this.names.size,
      connections: this.assembler.conns.size,
    };
  }
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
