/**
 * The relay's peers: one Observer client per configured node, probed with ServerStatus so the
 * relay always knows which nodes are connected, with back-off while a node is down. A dead,
 * slow or garbage-sending peer only changes its own state; the pool never throws.
 */
import { Backoff } from '../sources/hubble-grpc/index.js';
import { lookup } from 'node:dns/promises';
import { sleep } from '../sources/index.js';
import {
  GrpcError,
  ObserverClient,
  type GrpcClientOptions,
  type ObserverNode,
  type ServerStatusInfo,
} from '../server/grpc/index.js';

/** A peer's state, as relay.NodeState names it. */
export type PeerState = 'NODE_CONNECTED' | 'NODE_UNAVAILABLE' | 'NODE_ERROR';

/** A configured peer. */
export interface Peer {
  /** Node name: given as NAME=HOST:PORT, learned from the peer, or the address. */
  name: string;
  address: string;
  client: ObserverClient;
  state: PeerState;
  message?: string;
  status?: ServerStatusInfo;
  /** When the state last changed (ms). */
  since: number;
  tls: boolean;
}

/** Options of {@link PeerPool}. */
export interface PeerPoolOptions {
  client?: GrpcClientOptions;
  /** Probe interval while connected (default 5 s). */
  probeIntervalMs?: number;
  /** Longest back-off while a peer is down (default 30 s). */
  retryTimeoutMs?: number;
  /** Per-probe timeout (default 5 s). */
  probeTimeoutMs?: number;
  onChange?: (p: Peer, previous: PeerState) => void;
}

/** Parses "NAME=HOST:PORT", "HOST:PORT", "unix:///PATH" or "dns:///HOST:PORT" (a DNS name whose addresses are all peers). */
export function parsePeerSpec(spec: string): {
  name?: string;
  address: string;
  dns?: { host: string; port: number };
} {
  const m = /^dns:(?:\/\/\/)?([^:/\s]+):(\d{1,5})$/.exec(spec);
  if (m) return { address: spec, dns: { host: m[1], port: Number(m[2]) } };
  const i = spec.indexOf('=');
  return i > 0 && !spec.startsWith('unix:')
    ? { name: spec.slice(0, i), address: spec.slice(i + 1) }
    : { address: spec };
}

/** The set of peers and their states. */
export class PeerPool {
  readonly peers: Peer[] = [];
  private readonly ac = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly named = new Set<Peer>();
  private readonly removed = new WeakSet<Peer>();
  private readonly resolvers: { host: string; port: number }[] = [];
  private started = false;

  constructor(
    specs: string[],
    private readonly opts: PeerPoolOptions & {
      resolveIntervalMs?: number;
      lookup?: (host: string) => Promise<string[]>;
    } = {},
  ) {
    for (const spec of specs) {
      const p = parsePeerSpec(spec);
      if (p.dns) this.resolvers.push(p.dns);
      else this.add(p.address, p.name);
    }
  }

  private add(address: string, name?: string): Peer {
    const p: Peer = {
      name: name ?? address,
      address,
      client: new ObserverClient(address, { connectTimeoutMs: 3000, ...this.opts.client }),
      state: 'NODE_UNAVAILABLE',
      message: 'not probed yet',
      since: Date.now(),
      tls: !!this.opts.client?.tls,
    };
    if (name) this.named.add(p);
    this.peers.push(p);
    if (this.started) this.loops.push(this.probe(p).then(() => this.loop(p)));
    return p;
  }

  /** Starts probing every peer; resolves after the first round (so start-up knows who is up). */
  async start(): Promise<void> {
    await Promise.all(this.resolvers.map((r) => this.resolve(r)));
    await Promise.all(this.peers.map((p) => this.probe(p)));
    this.started = true;
    for (const p of this.peers) this.loops.push(this.loop(p));
    for (const r of this.resolvers) this.loops.push(this.resolveLoop(r));
  }

  /** Stops probing and closes connections. */
  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.all(this.loops);
    for (const p of this.peers) p.client.close();
  }

  /** Re-resolves a DNS peer name: new addresses become peers, vanished ones are dropped. */
  private async resolve(r: { host: string; port: number }): Promise<void> {
    let addrs: string[];
    try {
      addrs = this.opts.lookup
        ? await this.opts.lookup(r.host)
        : (await lookup(r.host, { all: true })).map((a) => a.address);
    } catch {
      return; // keep the current peers when DNS fails
    }
    const want = new Set(addrs.map((a) => (a.includes(':') ? `[${a}]:${r.port}` : `${a}:${r.port}`)));
    const suffix = `:${r.port}`;
    for (const p of [...this.peers]) {
      if (p.address.endsWith(suffix) && this.fromDns(p, r) && !want.has(p.address)) {
        this.removed.add(p);
        this.peers.splice(this.peers.indexOf(p), 1);
        p.client.close();
        this.opts.onChange?.({ ...p, state: 'NODE_UNAVAILABLE', message: 'gone from DNS' }, p.state);
      }
    }
    for (const a of want) if (!this.peers.some((p) => p.address === a)) this.dnsPeers.set(this.add(a), r);
  }

  private readonly dnsPeers = new WeakMap<Peer, { host: string; port: number }>();

  private fromDns(p: Peer, r: { host: string; port: number }): boolean {
    return this.dnsPeers.get(p) === r;
  }

  private async resolveLoop(r: { host: string; port: number }): Promise<void> {
    while (!this.ac.signal.aborted) {
      await sleep(this.opts.resolveIntervalMs ?? 30_000, this.ac.signal);
      if (!this.ac.signal.aborted) await this.resolve(r);
    }
  }

  connected(): Peer[] {
    return this.peers.filter((p) => p.state === 'NODE_CONNECTED');
  }

  unavailable(): Peer[] {
    return this.peers.filter((p) => p.state !== 'NODE_CONNECTED');
  }

  /** Marks a peer failed now (e.g. its stream broke), without waiting for the next probe. */
  fail(p: Peer, message: string, state: PeerState = 'NODE_UNAVAILABLE'): void {
    this.set(p, state, message);
  }

  /** Learns a peer's node name from its flows, unless it was named explicitly. */
  learnName(p: Peer, nodeName: string): void {
    if (!this.named.has(p) && nodeName) {
      p.name = nodeName;
      this.named.add(p);
    }
  }

  /** observer.Node entries for GetNodes. */
  nodes(): ObserverNode[] {
    return this.peers.map((p) => ({
      name: p.name,
      address: p.address,
      state: p.state,
      version: p.status?.version,
      tls: { enabled: p.tls },
      uptimeNs: p.status?.uptimeNs,
      numFlows: p.status?.numFlows,
      maxFlows: p.status?.maxFlows,
      seenFlows: p.status?.seenFlows,
    }));
  }

  private set(p: Peer, state: PeerState, message?: string): void {
    const prev = p.state;
    p.message = message;
    if (prev !== state) {
      p.state = state;
      p.since = Date.now();
      this.opts.onChange?.(p, prev);
    }
  }

  /** One ServerStatus probe. */
  async probe(p: Peer): Promise<boolean> {
    try {
      const s = await p.client.serverStatus({
        signal: this.ac.signal,
        timeoutMs: this.opts.probeTimeoutMs ?? 5000,
      });
      p.status = s;
      if (!this.named.has(p)) await this.discoverName(p);
      this.set(p, 'NODE_CONNECTED');
      return true;
    } catch (err) {
      if (this.ac.signal.aborted) return false;
      const msg = err instanceof GrpcError ? err.message : (err as Error).message;
      this.set(p, 'NODE_UNAVAILABLE', msg);
      return false;
    }
  }

  /** A flowlens peer names itself first in GetNodes; a Hubble agent answers Unimplemented. */
  private async discoverName(p: Peer): Promise<void> {
    try {
      const nodes = await p.client.getNodes({ signal: this.ac.signal, timeoutMs: 3000 });
      if (nodes.length > 0 && nodes[0].name) this.learnName(p, nodes[0].name);
    } catch {
      // The name will come from the peer's flows.
    }
  }

  private async loop(p: Peer): Promise<void> {
    const backoff = new Backoff({ initialMs: 500, maxMs: this.opts.retryTimeoutMs ?? 30_000 });
    const signal = this.ac.signal;
    while (!signal.aborted && !this.removed.has(p)) {
      const ms = p.state === 'NODE_CONNECTED' ? (this.opts.probeIntervalMs ?? 5000) : backoff.next();
      await sleep(ms, signal);
      if (signal.aborted) return;
      if (await this.probe(p)) backoff.reset();
    }
  }
}
