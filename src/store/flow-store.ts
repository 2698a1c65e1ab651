/**
 * FlowStore: the facade the server uses. Appends go to the ring (split and interned once) and,
 * when a data directory is configured, into write batches for the persistent store's worker.
 * Reads combine store and ring (flow-query.ts); aggregates and the service map come from SQL in
 * the store, or from a scan of the ring in memory-only mode.
 *
 * @example
 *   const store = await FlowStore.open({ ring: { capacity: 1 << 20 }, history: { dir: '/var/lib/flowlens' } });
 *   store.append(events);
 *   for await (const items of store.query({ number: 20 })) for (const it of items) print(it.event);
 *   await store.close();
 */
import type { FlowEvent } from '../flow/types.js';
import type {
  AggregateResponse,
  Coverage,
  Dimension,
  GraphResponse,
  Measure,
} from '../server/http/contract.js';
import { FlowBatchBuilder } from './batch.js';
import { DuckDBHistoryStore } from './duckdb/client.js';
import { StoreError } from './errors.js';
import {
  defaultHistoryStoreOptions,
  type DimensionAlternatives,
  type DimensionFilter,
  type FlowHistoryStore,
  type HistoryStats,
  type HistoryStoreOptions,
  type RecoveryInfo,
} from './history-store.js';
import { defaultRingStoreOptions, RingStore, type RingStats, type RingStoreOptions } from './ring-store.js';
import { queryFlows, type QueryOptions } from './flow-query.js';
import type { FlowPredicate, ReadItem } from './ring-reader.js';
import { formatTimeKey, toTimeKey, type TimeInput } from './time-key.js';
import { isDimension } from './dims.js';
import { DEFAULT_K, MAX_K } from './aggregate.js';
import { aggregateRows, graphRows, windowSeconds } from './flow-store-scan.js';
import { foldGraph } from './graph.js';
import { shapeAggregate } from './aggregate.js';

/** Options of FlowStore.open. */
export interface FlowStoreOptions {
  ring?: Partial<RingStoreOptions>;
  /** Persistent history in `dir`; omit for memory-only mode. */
  history?: Partial<HistoryStoreOptions> & { dir: string };
  /** An opened history store (another backend, tests); used instead of `history`. */
  historyStore?: FlowHistoryStore;
}

/** An aggregate request (the HTTP API's /aggregate, already parsed). */
export interface AggregateQuery {
  groupBy: Dimension[];
  measure?: Measure;
  /** Bucket width in seconds (time series). */
  step?: number;
  /** Groups kept (default 10, at most 1000). */
  k?: number;
  since?: TimeInput;
  until?: TimeInput;
  /** Dimension equality filters (pushed down to SQL). */
  where?: DimensionFilter;
  /** Alternatives of dimension filters, at least one must hold (pushed down to SQL). */
  whereAny?: DimensionAlternatives;
  /** A compiled filter: exact, but evaluated on every flow of the window (slow on big stores). */
  predicate?: FlowPredicate;
}

/** A service-map request. */
export interface GraphQuery {
  level?: 'workload' | 'pod';
  since?: TimeInput;
  until?: TimeInput;
  where?: DimensionFilter;
  whereAny?: DimensionAlternatives;
  predicate?: FlowPredicate;
}

/** Counters of the whole store. */
export interface FlowStoreStats {
  ring: RingStats;
  history?: HistoryStats;
  recovery?: RecoveryInfo;
  /** The StatusResponse.store block. */
  store: { enabled: boolean; flows: number; bytes: number; oldest?: string; newest?: string };
  /** Flows lost by the store: queue overflow, failed writes, crash of the previous run. */
  lost: number;
}

/** The ring plus optional persistent history. */
export class FlowStore {
  private readonly builder: FlowBatchBuilder | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;
  private cachedStats: { at: number; stats: FlowStoreStats } | undefined;

  private constructor(
    readonly ring: RingStore,
    readonly history: FlowHistoryStore | undefined,
    batchSize: number,
    flushIntervalMs: number,
  ) {
    if (history) {
      this.builder = new FlowBatchBuilder(batchSize);
      this.timer = setInterval(() => this.sendBatch(), flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Opens the store: memory-only without `history`, else the persistent store too. */
  static async open(o: FlowStoreOptions = {}): Promise<FlowStore> {
    const history = o.historyStore ?? (o.history ? await DuckDBHistoryStore.open(o.history) : undefined);
    const ringOpts = { ...defaultRingStoreOptions, ...o.ring };
    const ring = new RingStore({
      ...ringOpts,
      firstSeq: history ? history.recovery.nextSeq : ringOpts.firstSeq,
    });
    const h = { ...defaultHistoryStoreOptions, ...o.history, ...history?.options };
    return new FlowStore(ring, history, h.batchSize, h.flushIntervalMs);
  }

  private sendBatch(): void {
    const b = this.builder?.take();
    if (b) this.history!.append(b);
  }

  /** Appends events (in order); returns the seq of the first. Never blocks on the store. */
  append(events: readonly FlowEvent[]): number {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'append after close');
    const ring = this.ring;
    const first = ring.nextSeq;
    const b = this.builder;
    for (const ev of events) {
      const seq = ring.appendOne(ev);
      if (b && b.add(seq, ring.interner)) this.sendBatch();
    }
    ring.notify();
    this.history?.markAccepted(ring.nextSeq);
    return first;
  }

  /** Sends the pending batch and waits until everything appended so far is committed. */
  async flush(): Promise<void> {
    this.sendBatch();
    await this.history?.flush();
  }

  /** Reads history (non-follow): GetFlows semantics over store + ring. */
  query(o: Omit<QueryOptions, 'follow'> = {}): AsyncGenerator<ReadItem[]> {
    // Pending flows go to the store first, so history older than the ring is never in limbo.
    this.sendBatch();
    return queryFlows(this.ring, this.history, { ...o, follow: false });
  }

  /** Follows: the selected history, then live flows until `signal` aborts. */
  follow(o: Omit<QueryOptions, 'follow' | 'first'> = {}): AsyncGenerator<ReadItem[]> {
    this.sendBatch();
    return queryFlows(this.ring, this.history, { ...o, follow: true });
  }

  /** Grouped counts / latencies, shaped as the HTTP API's AggregateResponse. */
  async aggregate(q: AggregateQuery): Promise<AggregateResponse> {
    const measure = q.measure ?? 'flows';
    for (const d of [...q.groupBy, ...filterDims(q)])
      if (!isDimension(d)) throw new StoreError('STORE_BAD_REQUEST', `unknown dimension: ${d}`);
    if (!['flows', 'latency_mean_ms', 'latency_p95_ms'].includes(measure))
      throw new StoreError('STORE_BAD_REQUEST', `unknown measure: ${measure}`);
    if (q.step !== undefined && (!Number.isInteger(q.step) || q.step < 1))
      throw new StoreError('STORE_BAD_REQUEST', `step must be a positive integer (seconds), got ${q.step}`);
    const k = q.k ?? DEFAULT_K;
    if (!Number.isInteger(k) || k < 1 || k > MAX_K)
      throw new StoreError('STORE_BAD_REQUEST', `k must be an integer from 1 to ${MAX_K}, got ${k}`);
    const spec = {
      groupBy: q.groupBy,
      measure,
      step: q.step,
      since: key(q.since),
      until: key(q.until),
      where: q.where,
      whereAny: q.whereAny,
    };
    let rows;
    if (this.history && !q.predicate) {
      const toSeq = this.ring.nextSeq;
      await this.flush();
      rows = await this.history.aggregate({ ...spec, toSeq });
    } else {
      await this.flush();
      rows = await aggregateRows(this.ring, this.history, spec, q.predicate);
    }
    const shaped = shapeAggregate(rows, measure, q.step, k);
    const out: AggregateResponse = {
      groupBy: q.groupBy,
      measure,
      groups: shaped.groups,
      coverage: await this.coverage(shaped.examined),
    };
    if (q.step) out.step = q.step;
    if (shaped.other !== undefined) out.other = shaped.other;
    return out;
  }

  /** The service map, shaped as the HTTP API's GraphResponse. */
  async graph(q: GraphQuery = {}): Promise<GraphResponse> {
    const level = q.level ?? 'workload';
    for (const d of filterDims(q))
      if (!isDimension(d)) throw new StoreError('STORE_BAD_REQUEST', `unknown dimension: ${d}`);
    const spec = { level, since: key(q.since), until: key(q.until), where: q.where, whereAny: q.whereAny };
    let rows;
    if (this.history && !q.predicate) {
      const toSeq = this.ring.nextSeq;
      await this.flush();
      rows = await this.history.graph({ ...spec, toSeq });
    } else {
      await this.flush();
      rows = await graphRows(this.ring, this.history, spec, q.predicate);
    }
    const g = foldGraph(rows, level, windowSeconds(spec, rows));
    return { ...g, coverage: await this.coverage(rows.reduce((s, r) => s + r.flows, 0)) };
  }

  /**
   * Coverage of an answer. The store's span and losses come from stats at most 2 s old, so a
   * dashboard refreshing many panels does not pay a count over the whole store per panel.
   */
  private async coverage(examined: number): Promise<Coverage> {
    const now = Date.now();
    if (!this.cachedStats || now - this.cachedStats.at > 2000)
      this.cachedStats = { at: now, stats: await this.stats() };
    const s = this.cachedStats.stats;
    return { oldest: s.store.oldest, newest: s.store.newest, examined, lost: s.lost, nodes: [] };
  }

  /** Counters of the ring and the persistent store. */
  async stats(): Promise<FlowStoreStats> {
    const ring = this.ring.stats();
    const r = this.ring;
    const time = (seq: number): string | undefined => {
      if (!r.has(seq)) return undefined;
      const i = r.slot(seq);
      return formatTimeKey({ secs: r.cols.secs[i], nanos: r.cols.nanos[i] });
    };
    const ringOldest = time(r.oldestSeq);
    const ringNewest = time(r.nextSeq - 1);
    if (!this.history) {
      return {
        ring,
        store: { enabled: false, flows: ring.size, bytes: 0, oldest: ringOldest, newest: ringNewest },
        lost: ring.overwritten,
      };
    }
    const history = await this.history.stats();
    const recovery = this.history.recovery;
    return {
      ring,
      history,
      recovery,
      store: {
        enabled: true,
        flows: history.flows,
        bytes: history.bytes,
        oldest: history.oldest ?? ringOldest,
        newest: ringNewest ?? history.newest,
      },
      lost: history.droppedFlows + recovery.lostAtLeast,
    };
  }

  /** Writes what is pending and closes the persistent store. Reads of the ring still work. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.sendBatch();
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.history?.close();
  }
}

/** Dimensions named by a query's filters. */
function filterDims(q: { where?: DimensionFilter; whereAny?: DimensionAlternatives }): string[] {
  return [q.where ?? {}, ...(q.whereAny ?? [])].flatMap((f) => Object.keys(f));
}

function key(t: TimeInput | undefined): ReturnType<typeof toTimeKey> | undefined {
  return t === undefined ? undefined : toTimeKey(t);
}
