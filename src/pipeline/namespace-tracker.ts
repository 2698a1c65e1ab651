/**
 * Remembers the namespaces seen in flow sources and destinations for a while (Hubble: 1 hour,
 * garbage-collected every 5 minutes) to answer GetNamespaces without scanning the store.
 */
import { byteOrder } from '../util/byte-order.js';
import type { FlowEvent } from '../flow/index.js';
import type { PipelineStage } from './pipeline.js';

/** A namespace and its cluster ('' for the default cluster). */
export interface SeenNamespace {
  cluster: string;
  namespace: string;
}

/** The GetNamespaces memory, usable as a pipeline stage. */
export class NamespaceTracker implements PipelineStage {
  readonly name = 'namespaces';
  private readonly seen = new Map<string, { ns: SeenNamespace; at: number }>();
  private readonly byCluster = new Map<string, Map<string, { ns: SeenNamespace; at: number }>>();
  private lastGc = 0;

  constructor(
    private readonly ttlMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  process(batch: FlowEvent[], _source?: string): void {
    const t = this.now();
    for (const ev of batch) {
      const f = ev.flow;
      if (!f) continue;
      if (f.source?.namespace) this.touch(f.source.cluster_name, f.source.namespace, t);
      if (f.destination?.namespace) this.touch(f.destination.cluster_name, f.destination.namespace, t);
    }
    if (t - this.lastGc > 300_000) this.gc(t);
  }

  private touch(cluster: string | undefined, namespace: string, t: number): void {
    // Keyed by cluster, then namespace: no string concatenation per flow.
    const c = cluster && cluster !== 'default' ? cluster : '';
    let byNs = this.byCluster.get(c);
    if (!byNs) this.byCluster.set(c, (byNs = new Map()));
    const e = byNs.get(namespace);
    if (e) e.at = t;
    else {
      const entry = { ns: { cluster: c, namespace }, at: t };
      byNs.set(namespace, entry);
      this.seen.set(c + '/' + namespace, entry);
    }
  }

  private gc(t: number): void {
    this.lastGc = t;
    for (const [k, e] of this.seen) {
      if (t - e.at <= this.ttlMs) continue;
      this.seen.delete(k);
      this.byCluster.get(e.ns.cluster)?.delete(e.ns.namespace);
    }
  }

  /** Namespaces seen within the TTL, sorted by cluster then namespace, in byte order as Hubble sorts them. */
  list(): SeenNamespace[] {
    const t = this.now();
    return [...this.seen.values()]
      .filter((e) => t - e.at <= this.ttlMs)
      .map((e) => e.ns)
      .sort((a, b) => byteOrder(a.cluster, b.cluster) || byteOrder(a.namespace, b.namespace));
  }
}
