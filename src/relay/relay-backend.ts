/**
 * The Observer backend of `flowlens relay`: GetFlows merged across peers (relay-flows.ts),
 * ServerStatus summed over the available peers, GetNodes with one entry per peer, GetNamespaces
 * as the union. Peers that fail are reported (unavailable_nodes, NODE_ERROR), never fatal.
 */
import type {
  FlowSink,
  FlowsQuery,
  ObserverBackend,
  ObserverNamespace,
  ObserverNode,
  ServerStatusInfo,
} from '../server/grpc/index.js';
import type { PeerPool } from './peer-pool.js';
import { relayGetFlows, type MergeOptions, type MergeStats } from './relay-flows.js';
import { byteOrder } from '../util/byte-order.js';

/** The relay's ObserverBackend. */
export class RelayBackend implements ObserverBackend {
  readonly stats: MergeStats = { responses: 0, peerErrors: 0 };

  constructor(
    private readonly pool: PeerPool,
    private readonly o: MergeOptions & { version: string; unaryTimeoutMs?: number },
  ) {}

  getFlows(q: FlowsQuery, sink: FlowSink, signal: AbortSignal): Promise<void> {
    return relayGetFlows(this.pool, q, sink, signal, this.o, this.stats);
  }

  async serverStatus(signal: AbortSignal): Promise<ServerStatusInfo> {
    const peers = this.pool.connected();
    const results = await Promise.allSettled(
      peers.map((p) => p.client.serverStatus({ signal, timeoutMs: this.o.unaryTimeoutMs ?? 5000 })),
    );
    const out: ServerStatusInfo = {
      numFlows: 0,
      maxFlows: 0,
      seenFlows: 0,
      uptimeNs: 0,
      flowsRate: 0,
      version: this.o.version,
    };
    const failed = new Set(this.pool.unavailable());
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        failed.add(peers[i]);
        this.pool.fail(peers[i], (r.reason as Error).message);
        return;
      }
      const s = r.value;
      peers[i].status = s;
      out.numFlows += s.numFlows;
      out.maxFlows += s.maxFlows;
      out.seenFlows += s.seenFlows;
      out.flowsRate += s.flowsRate;
      out.uptimeNs = Math.max(out.uptimeNs, s.uptimeNs);
    });
    out.numConnectedNodes = this.pool.peers.length - failed.size;
    out.numUnavailableNodes = failed.size;
    out.unavailableNodes = [...failed].slice(0, 10).map((p) => p.name);
    return out;
  }

  async getNodes(signal: AbortSignal): Promise<ObserverNode[]> {
    // Refresh the counters of connected peers; a failing query marks the node ERROR.
    await Promise.allSettled(
      this.pool.connected().map(async (p) => {
        try {
          p.status = await p.client.serverStatus({ signal, timeoutMs: this.o.unaryTimeoutMs ?? 5000 });
        } catch (err) {
          this.pool.fail(p, (err as Error).message, 'NODE_ERROR');
        }
      }),
    );
    return this.pool.nodes();
  }

  async getNamespaces(signal: AbortSignal): Promise<ObserverNamespace[]> {
    const all = await Promise.allSettled(
      this.pool
        .connected()
        .map((p) => p.client.getNamespaces({ signal, timeoutMs: this.o.unaryTimeoutMs ?? 5000 })),
    );
    const seen = new Map<string, ObserverNamespace>();
    for (const r of all) {
      if (r.status !== 'fulfilled') continue;
      for (const n of r.value) seen.set(`${n.cluster ?? ''}/${n.namespace}`, n);
    }
    return [...seen.values()].sort(
      (a, b) => byteOrder(a.cluster ?? '', b.cluster ?? '') || byteOrder(a.namespace, b.namespace),
    );
  }

  serving(): boolean {
    return this.pool.connected().length > 0;
  }
}
