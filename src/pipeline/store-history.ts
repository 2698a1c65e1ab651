/**
 * FlowHistory over the store's FlowStore facade: the ring for live reads plus, with a data
 * directory, the persistent store (DuckDB in a worker thread), or with a ClickHouse address the
 * scale-out store, so `since 24h` reaches past the ring. Aggregates and the service map are the store's too.
 */
import type { FlowEvent } from '../flow/index.js';
import { FlowStore, type AggregateQuery, type FlowStoreStats, type GraphQuery } from '../store/index.js';
import { ClickHouseHistoryStore } from '../store/clickhouse/client.js';
import type { AggregateResponse, GraphResponse } from '../server/http/contract.js';
import type { FlowHistory, HistoryQuery, HistoryStats } from './flow-history.js';
import { RateMeter } from './rate-meter.js';
import { itemsToEvents } from './ring-history.js';

/** Options of {@link StoreHistory.open}. */
export interface StoreHistoryOptions {
  ringCapacity: number;
  nodeName: string;
  /** Persistent store directory; undefined keeps history in the ring only. */
  dir?: string;
  retentionMs?: number;
  retentionBytes?: number;
  /** Persistent store on a ClickHouse server instead of `dir`. */
  clickhouse?: { url: string; username?: string; password?: string };
}

/** Stored flows through FlowStore. */
export class StoreHistory implements FlowHistory {
  private readerLost = 0;
  private readonly rate = new RateMeter();
  private cached?: FlowStoreStats;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly store: FlowStore,
    private readonly nodeName: string,
  ) {
    // FlowStore.stats() is asynchronous (the store lives in a worker); status calls are not.
    this.timer = setInterval(() => void this.refresh(), 1000);
    this.timer.unref();
  }

  /** Opens the store (and recovers it, after a crash, before returning). */
  static async open(o: StoreHistoryOptions): Promise<StoreHistory> {
    const retention = {
      ...(o.retentionMs !== undefined ? { maxAgeMs: o.retentionMs } : {}),
      ...(o.retentionBytes !== undefined ? { maxBytes: o.retentionBytes } : {}),
    };
    const store = await FlowStore.open({
      ring: { capacity: o.ringCapacity },
      historyStore: o.clickhouse
        ? await ClickHouseHistoryStore.open({ ...o.clickhouse, ...retention })
        : undefined,
      history: o.dir ? { dir: o.dir, ...retention } : undefined,
    });
    const h = new StoreHistory(store, o.nodeName);
    await h.refresh();
    return h;
  }

  private async refresh(): Promise<void> {
    try {
      this.cached = await this.store.stats();
    } catch {
      // Keep the last known numbers; the ring's are read live below.
    }
  }

  append(batch: FlowEvent[]): void {
    this.store.append(batch);
    this.rate.add(batch.length);
  }

  async *read(q: HistoryQuery, signal: AbortSignal): AsyncIterable<FlowEvent[]> {
    const o = { number: q.number, since: q.since, until: q.until, predicate: q.predicate, signal };
    const it = q.follow ? this.store.follow(o) : this.store.query({ ...o, first: q.first, tail: q.tail });
    const lost = (n: number) => (this.readerLost += n);
    for await (const items of it) {
      yield itemsToEvents(items, this.nodeName, lost);
      if (signal.aborted) return;
    }
  }

  stats(): HistoryStats {
    const ring = this.store.ring.stats();
    const s = this.cached;
    return {
      numFlows: ring.size,
      maxFlows: ring.capacity,
      seenFlows: ring.seen,
      storeFlows: s?.store.enabled ? s.store.flows : 0,
      storeBytes: s?.store.bytes ?? 0,
      storeEnabled: !!s?.store.enabled,
      oldest: s?.store.oldest,
      newest: s?.store.newest,
      readerLost: this.readerLost,
      flowsRate: this.rate.perSecond(),
      storeLost: s?.lost ?? 0,
      recovery: s?.recovery ? { lostAtLeast: s.recovery.lostAtLeast } : undefined,
    };
  }

  /** Aggregates (the HTTP API's /aggregate). */
  aggregate(q: AggregateQuery): Promise<AggregateResponse> {
    return this.store.aggregate(q);
  }

  /** The service map (the HTTP API's /graph). */
  graph(q: GraphQuery): Promise<GraphResponse> {
    return this.store.graph(q);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.store.close();
  }
}
