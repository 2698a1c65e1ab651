/**
 * The Observer backend of `flowlens serve`: GetFlows from the flow history (ring + store),
 * status and nodes from the server's own counters and its peer sources.
 */
import { compareTime, type FlowEvent, type LostEvent } from '../../flow/index.js';
import type { FlowHistory } from '../../pipeline/index.js';
import type {
  FlowSink,
  FlowsQuery,
  ObserverBackend,
  ObserverNamespace,
  ObserverNode,
  ServerStatusInfo,
} from './observer-backend.js';

/** What the local backend reads. */
export interface LocalBackendDeps {
  history: FlowHistory;
  namespaces: () => ObserverNamespace[];
  nodeName: string;
  /** e.g. "flowlens v0.1.0". */
  version: string;
  /** gRPC address this server listens on, for GetNodes. */
  address: () => string;
  tls: boolean;
  startedAt: number;
  /** Remote nodes this server ingests from (hubble sources). */
  peers: () => ObserverNode[];
  serving: () => boolean;
  /** Minimum interval between lost-event responses on one stream (default 1 s, as Hubble). */
  lostEventIntervalMs?: number;
}

/**
 * Coalesces a reader's lost events into at most one response per interval. As Hubble's
 * GetFlows does (observer spec §4), the merged `lost_events` carries the total count and, in
 * `first`/`last`, the times of the earliest and the latest loss it covers.
 */
export class LostEventCoalescer {
  private pending = 0;
  private first?: FlowEvent;
  private firstTime?: string;
  private lastTime?: string;
  private lastSent = -Infinity;

  constructor(private readonly intervalMs: number) {}

  /** Adds a lost-events record. */
  add(ev: FlowEvent): void {
    const l = ev.lost_events;
    this.pending += Number(l?.num_events_lost ?? 0);
    this.first ??= ev;
    // A record that already spans a range (e.g. a peer's) keeps it; else its own time counts.
    const from = l?.first ?? ev.time;
    const to = l?.last ?? ev.time;
    if (from && (this.firstTime === undefined || compareTime(from, this.firstTime) < 0))
      this.firstTime = from;
    if (to && (this.lastTime === undefined || compareTime(to, this.lastTime) > 0)) this.lastTime = to;
  }

  /** The merged record when one is due (or forced), else undefined. */
  take(now: number, force = false): FlowEvent | undefined {
    if (this.pending === 0 || !this.first) return undefined;
    if (!force && now - this.lastSent < this.intervalMs) return undefined;
    const lost: LostEvent = { ...this.first.lost_events, num_events_lost: String(this.pending) };
    if (this.firstTime !== undefined) lost.first = this.firstTime;
    if (this.lastTime !== undefined) lost.last = this.lastTime;
    const ev: FlowEvent = { ...this.first, lost_events: lost };
    this.pending = 0;
    this.first = undefined;
    this.firstTime = undefined;
    this.lastTime = undefined;
    this.lastSent = now;
    return ev;
  }
}

/** The local server's ObserverBackend. */
export class LocalObserverBackend implements ObserverBackend {
  constructor(private readonly d: LocalBackendDeps) {}

  async getFlows(q: FlowsQuery, sink: FlowSink, signal: AbortSignal): Promise<void> {
    const lost = new LostEventCoalescer(this.d.lostEventIntervalMs ?? 1000);
    const reader = this.d.history.read(
      {
        number: q.number,
        first: q.first,
        follow: q.follow,
        since: q.since,
        until: q.until,
        predicate: q.predicate,
      },
      signal,
    );
    for await (const batch of reader) {
      for (const ev of batch) {
        if (ev.lost_events && ev.lost_events.source === 'HUBBLE_RING_BUFFER') {
          lost.add(ev);
          continue;
        }
        sink.event(ev);
      }
      const l = lost.take(Date.now());
      if (l) sink.event(l);
      // Every batch is sent at once: a follower must not wait for a chunk to fill up.
      await sink.flush();
      if (signal.aborted) return;
    }
    const l = lost.take(Date.now(), true);
    if (l) sink.event(l);
  }

  private localNode(): ObserverNode {
    const s = this.d.history.stats();
    return {
      name: this.d.nodeName,
      version: this.d.version,
      address: this.d.address(),
      state: 'NODE_CONNECTED',
      tls: { enabled: this.d.tls },
      uptimeNs: (Date.now() - this.d.startedAt) * 1e6,
      numFlows: s.numFlows,
      maxFlows: s.maxFlows,
      seenFlows: s.seenFlows,
    };
  }

  async serverStatus(): Promise<ServerStatusInfo> {
    const s = this.d.history.stats();
    const nodes = await this.getNodes();
    const down = nodes.filter((n) => n.state !== 'NODE_CONNECTED');
    return {
      numFlows: s.numFlows,
      maxFlows: s.maxFlows,
      seenFlows: s.seenFlows,
      uptimeNs: (Date.now() - this.d.startedAt) * 1e6,
      numConnectedNodes: nodes.length - down.length,
      numUnavailableNodes: down.length,
      unavailableNodes: down.slice(0, 10).map((n) => n.name),
      version: this.d.version,
      flowsRate: s.flowsRate,
    };
  }

  async getNodes(): Promise<ObserverNode[]> {
    return [this.localNode(), ...this.d.peers()];
  }

  async getNamespaces(): Promise<ObserverNamespace[]> {
    return this.d.namespaces();
  }

  serving(): boolean {
    return this.d.serving();
  }
}
