/**
 * L3/L4 traffic aggregates: workload-to-workload edges (the topology chains walk), per-replica
 * load of every Service or workload (for imbalance), TCP resets per workload pair, and flows per
 * node.
 */
import type { Flow } from '../../flow/index.js';
import type { EndpointInfo } from '../endpoint.js';
import { BoundedMap, bump, mergeCounts, Samples, Series } from '../series.js';

const PROTOCOLS = ['', 'TCP', 'UDP', 'SCTP', 'ICMPv4', 'ICMPv6'];

/** A number standing for `port/protocol` (cheap map key). */
export function portKey(port: number, protocol: string): number {
  const i = PROTOCOLS.indexOf(protocol);
  return port * 8 + (i < 0 ? 0 : i);
}

/** Splits a portKey. */
export function fromPortKey(k: number): { port: number; protocol: string } {
  return { port: Math.floor(k / 8), protocol: PROTOCOLS[k % 8] ?? '' };
}

/** Traffic between two workloads (directed: initiator → responder). */
export class EdgeStat {
  readonly flows = new Series();
  readonly forwarded = new Series();
  readonly dropped = new Series();
  readonly tcp = new Series();
  /** New TCP connections: SYN without ACK, initiator to responder. */
  readonly syn = new Series();
  /** portKey(port, protocol) → flows. */
  readonly ports = new Map<number, number>();

  merge(o: EdgeStat): void {
    this.flows.merge(o.flows);
    this.forwarded.merge(o.forwarded);
    this.dropped.merge(o.dropped);
    this.tcp.merge(o.tcp);
    this.syn.merge(o.syn);
    mergeCounts(this.ports, o.ports);
  }
}

/** Load of one replica: new connections and requests seen at its ingress. */
export class PodLoad {
  /** TCP SYNs (without ACK) seen at the pod's ingress. */
  readonly conns = new Series();
  /** All forwarded non-reply flows seen at the pod's ingress. */
  readonly ingress = new Series();
  /** All forwarded non-reply flows towards the pod, any observation point. */
  readonly any = new Series();

  merge(o: PodLoad): void {
    this.conns.merge(o.conns);
    this.ingress.merge(o.ingress);
    this.any.merge(o.any);
  }
}

/** The replicas behind one Service (or one workload when flows carry no service). */
export class LoadGroup {
  readonly pods = new Map<string, PodLoad>();
  readonly workloads = new Map<string, number>();
  readonly clients = new Map<string, number>();
  readonly ports = new Map<number, number>();

  merge(o: LoadGroup): void {
    for (const [k, v] of o.pods) {
      const mine = this.pods.get(k);
      if (mine) mine.merge(v);
      else {
        const p = new PodLoad();
        p.merge(v);
        this.pods.set(k, p);
      }
    }
    mergeCounts(this.workloads, o.workloads);
    mergeCounts(this.clients, o.clients);
    mergeCounts(this.ports, o.ports);
  }
}

/** TCP resets sent by one workload to another. */
export class RstStat {
  readonly series = new Series();
  readonly samples = new Samples();
  readonly senders = new Map<string, number>();
  readonly receivers = new Map<string, number>();
  readonly ports = new Map<string, number>();

  merge(o: RstStat): void {
    this.series.merge(o.series);
    this.samples.merge(o.samples);
    mergeCounts(this.senders, o.senders);
    mergeCounts(this.receivers, o.receivers);
    mergeCounts(this.ports, o.ports);
  }
}

/** Flows observed per node. */
export class NodeStat {
  readonly flows = new Series();
  lost = 0;

  merge(o: NodeStat): void {
    this.flows.merge(o.flows);
    this.lost += o.lost;
  }
}

/** Facts about one flow the traffic table needs, computed once by the accumulator. */
export interface TrafficFacts {
  bucket: number;
  weight: number;
  verdict: string;
  protocol: string;
  dport: number;
  isReply: boolean;
  ingress: boolean;
  /** Initiator and responder (swapped back for replies). */
  client: EndpointInfo;
  server: EndpointInfo;
  src: EndpointInfo;
  dst: EndpointInfo;
}

/** The L3/L4 traffic tables. */
export class TrafficTable {
  readonly edges: BoundedMap<EdgeStat>;
  readonly groups: BoundedMap<LoadGroup>;
  readonly rst: BoundedMap<RstStat>;
  /** TCP flows involving each pod (either side). */
  readonly podTcp = new Map<string, number>();
  readonly nodes = new Map<string, NodeStat>();

  constructor(limit: number) {
    this.edges = new BoundedMap(limit, () => new EdgeStat());
    this.groups = new BoundedMap(limit, () => new LoadGroup());
    this.rst = new BoundedMap(limit, () => new RstStat());
  }

  private readonly edgeCache = new Map<string, Map<string, EdgeStat | undefined>>();
  private readonly groupCache = new Map<string, Map<string, LoadGroup | undefined>>();

  /** The edge client → server (workload keys), without building a key string per flow. */
  private edge(client: string, server: string): EdgeStat | undefined {
    let m = this.edgeCache.get(client);
    if (!m) this.edgeCache.set(client, (m = new Map()));
    if (m.has(server)) return m.get(server);
    const e = this.edges.get(client + '>' + server);
    m.set(server, e);
    return e;
  }

  private group(kind: string, ns: string, name: string): LoadGroup | undefined {
    const k1 = kind + ns;
    let m = this.groupCache.get(k1);
    if (!m) this.groupCache.set(k1, (m = new Map()));
    if (m.has(name)) return m.get(name);
    const g = this.groups.get(`${kind}:${ns}/${name}`);
    m.set(name, g);
    return g;
  }

  node(name: string): NodeStat {
    let n = this.nodes.get(name);
    if (!n) this.nodes.set(name, (n = new NodeStat()));
    return n;
  }

  add(flow: Flow, x: TrafficFacts): void {
    const { bucket, weight } = x;
    const edge = this.edge(x.client.workloadKey, x.server.workloadKey);
    if (edge) {
      edge.flows.add(bucket, weight);
      if (x.verdict === 'FORWARDED') edge.forwarded.add(bucket, weight);
      else if (x.verdict === 'DROPPED') edge.dropped.add(bucket, weight);
      if (x.protocol === 'TCP') {
        edge.tcp.add(bucket, weight);
        const f = flow.l4?.TCP?.flags;
        if (f?.SYN && !f.ACK) edge.syn.add(bucket, weight);
      }
      if (x.dport && !x.isReply) bump(edge.ports, portKey(x.dport, x.protocol), weight);
    }
    const tcp = flow.l4?.TCP;
    if (tcp) {
      if (x.src.kind === 'pod') bump(this.podTcp, x.src.key, weight);
      if (x.dst.kind === 'pod') bump(this.podTcp, x.dst.key, weight);
      if (tcp.flags?.RST) this.addRst(flow, x);
    }
    if (!x.isReply && x.verdict === 'FORWARDED' && x.dst.kind === 'pod' && x.dport) this.addLoad(flow, x);
  }

  private addRst(flow: Flow, x: TrafficFacts): void {
    const r = this.rst.get(x.src.workloadKey + '>' + x.dst.workloadKey);
    if (!r) return;
    r.series.add(x.bucket, x.weight);
    r.samples.add(flow.uuid);
    bump(r.senders, x.src.key, x.weight);
    bump(r.receivers, x.dst.key, x.weight);
    const port = flow.l4?.TCP?.source_port;
    if (port) bump(r.ports, String(port), x.weight);
  }

  private addLoad(flow: Flow, x: TrafficFacts): void {
    const svc = flow.destination_service;
    const g = svc?.name
      ? this.group('svc', svc.namespace || x.dst.namespace, svc.name)
      : this.group('wl', x.dst.namespace, x.dst.workload);
    if (!g) return;
    let p = g.pods.get(x.dst.key);
    if (!p) g.pods.set(x.dst.key, (p = new PodLoad()));
    p.any.add(x.bucket, x.weight);
    if (x.ingress) {
      p.ingress.add(x.bucket, x.weight);
      const f = flow.l4?.TCP?.flags;
      if (f?.SYN && !f.ACK) p.conns.add(x.bucket, x.weight);
    }
    bump(g.workloads, x.dst.workloadKey, x.weight);
    bump(g.clients, x.src.workloadKey, x.weight);
    bump(g.ports, portKey(x.dport, x.protocol), x.weight);
  }

  merge(o: TrafficTable): void {
    this.edges.merge(o.edges, (a, b) => a.merge(b));
    this.groups.merge(o.groups, (a, b) => a.merge(b));
    this.rst.merge(o.rst, (a, b) => a.merge(b));
    mergeCounts(this.podTcp, o.podTcp);
    for (const [k, v] of o.nodes) this.node(k).merge(v);
  }
}
