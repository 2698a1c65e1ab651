/**
 * FlowHistoryStore: the persistent flow history behind the ring. The embedded implementation is
 * DuckDB in a worker thread (duckdb/); a scale-out backend (e.g. ClickHouse holding the same
 * schema) implements the same interface.
 *
 * Flows move in FlowBatches (columnar, with their fragments) and carry the global sequence
 * numbers the ring gave them, so the facade can stitch store and ring together without
 * duplicates: the store answers for seq < ring.oldestSeq, the ring for the rest.
 */
import type { Dimension, Measure } from '../server/http/contract.js';
import type { FlowBatch } from './batch.js';
import type { TimeKey } from './time-key.js';
import { StoreError } from './errors.js';

/** One page of stored flows, by sequence number. */
export interface HistoryPageQuery {
  /** Only seq >= fromSeq. */
  fromSeq?: number;
  /** Only seq < toSeq. */
  toSeq?: number;
  since?: TimeKey;
  until?: TimeKey;
  /** Ascending (oldest first) or descending seq. */
  order: 'asc' | 'desc';
  /** Rows at most (a page). */
  limit: number;
}

/** Dimension filters: every listed dimension must take one of its values. */
export type DimensionFilter = Partial<Record<Dimension, string[]>>;

/**
 * Alternatives of dimension filters: a flow passes when at least one alternative holds (an
 * empty list passes nothing). ANDed with `where`. Used for "either side" selections and lists
 * of filters, e.g. `[{ source_namespace: ['a'] }, { destination_namespace: ['a'] }]`.
 */
export type DimensionAlternatives = DimensionFilter[];

/** A grouped count (or latency measure) query. */
export interface AggregateSpec {
  groupBy: Dimension[];
  measure: Measure;
  /** Bucket width in seconds: adds per-bucket points. */
  step?: number;
  since?: TimeKey;
  until?: TimeKey;
  where?: DimensionFilter;
  whereAny?: DimensionAlternatives;
  /** Only seq < toSeq (what the caller knows is committed). */
  toSeq?: number;
  /**
   * 'raw': answer from the stored flow rows only, never from a per-minute rollup (tests and
   * benchmarks compare the two; a backend without a rollup ignores it).
   */
  path?: 'raw';
}

/** One result row of an aggregate: bucket undefined for the per-group total. */
export interface AggregateRow {
  key: string[];
  /** Bucket start, epoch ms. */
  bucket?: number;
  /** Flows counted. */
  flows: number;
  /** The measure (= flows for 'flows'; NaN when no flow had a latency). */
  value: number;
}

/** One service-map row: flows between two endpoint groups with one protocol/port/verdict/L7 class. */
export interface GraphRow {
  src: string[];
  dst: string[];
  protocol: string;
  port: number;
  verdict: string;
  l7: string;
  dropReason: string;
  flows: number;
  /** First and last flow time of the row (epoch ms, truncated to the second). */
  first: number;
  last: number;
}

/** A service-map query. */
export interface GraphSpec {
  level: 'workload' | 'pod';
  since?: TimeKey;
  until?: TimeKey;
  where?: DimensionFilter;
  whereAny?: DimensionAlternatives;
  toSeq?: number;
  /** As AggregateSpec.path. */
  path?: 'raw';
}

/** What the store holds and lost. */
export interface HistoryStats {
  flows: number;
  /** Bytes of data in use (blocks in use, not the file's high-water mark). */
  bytes: number;
  /** Size of the database file(s). */
  fileBytes: number;
  oldest?: string;
  newest?: string;
  /** Next sequence number after the newest stored flow (0 when empty). */
  nextSeq: number;
  /** Batches/flows dropped because the write queue was full. */
  droppedBatches: number;
  droppedFlows: number;
  /** Flows deleted by retention since open. */
  expiredFlows: number;
  /** Flows committed since open. */
  committedFlows: number;
  /** Batches that failed to write (counted in droppedFlows too). */
  failedBatches: number;
  /** The last write or retention error, if any. */
  lastError?: string;
  /** Aggregates and service maps answered (at least partly) from a per-minute rollup since open. */
  rollupAnswers?: number;
  /** Committed flows whose rollup rows are still in memory (queries read them from the flow rows). */
  rollupPendingFlows?: number;
}

/** What opening found about the previous run. */
export interface RecoveryInfo {
  /** The previous run did not close the store (crash, kill -9). */
  unclean: boolean;
  /** Next seq after the newest committed flow. */
  nextSeq: number;
  /**
   * Flows the previous run accepted but never committed, as far as its last progress mark
   * knows (a lower bound; the true loss is at most `lossBound`).
   */
  lostAtLeast: number;
  /** The configured worst case: batchSize × (maxQueuedBatches + 1). */
  lossBound: number;
}

/** Result of a retention pass. */
export interface RetentionResult {
  deletedFlows: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** Options of a history store. */
export interface HistoryStoreOptions {
  /** Directory of the store's files (created if missing). */
  dir: string;
  /** Flows per write batch (default 8192; each batch is one commit). */
  batchSize: number;
  /** A partial batch is written after this many ms (default 1000). */
  flushIntervalMs: number;
  /** Batches queued to the writer at most; beyond, batches are dropped and counted (default 8). */
  maxQueuedBatches: number;
  /** Delete flows older than this (ms; 0 = keep; default 24 h). */
  maxAgeMs: number;
  /** Keep data in use under this many bytes (0 = no limit; default 2 GiB). */
  maxBytes: number;
  /** How often retention runs (ms; default 60 s). */
  retentionIntervalMs: number;
  /** DuckDB threads for queries (default 2). */
  threads: number;
}

/** Defaults of HistoryStoreOptions (dir excluded). */
export const defaultHistoryStoreOptions: Omit<HistoryStoreOptions, 'dir'> = {
  batchSize: 8192,
  flushIntervalMs: 1000,
  maxQueuedBatches: 8,
  maxAgeMs: 24 * 3600_000,
  maxBytes: 2 * 1024 ** 3,
  retentionIntervalMs: 60_000,
  threads: 2,
};

/** Validates options; throws StoreError(STORE_BAD_CONFIG) naming the setting. */
export function validateHistoryStoreOptions(o: HistoryStoreOptions): HistoryStoreOptions {
  const int = (name: keyof HistoryStoreOptions, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new StoreError(
        'STORE_BAD_CONFIG',
        `store ${name} must be an integer from ${min} to ${max}, got ${String(v)}`,
      );
    }
  };
  if (typeof o.dir !== 'string' || o.dir === '')
    throw new StoreError('STORE_BAD_CONFIG', 'store dir must be a non-empty path');
  int('batchSize', 1, 1 << 20);
  int('flushIntervalMs', 1);
  int('maxQueuedBatches', 1, 10_000);
  int('maxAgeMs', 0);
  int('maxBytes', 0);
  int('retentionIntervalMs', 100);
  int('threads', 1, 64);
  return o;
}

/** The persistent flow history. */
export interface FlowHistoryStore {
  /** What opening found about the previous run. */
  readonly recovery: RecoveryInfo;
  /** The store's batching (FlowStore builds its write batches with these). */
  readonly options?: Partial<Pick<HistoryStoreOptions, 'batchSize' | 'flushIntervalMs'>>;
  /**
   * Queues a batch for writing. Returns false when the queue is full: the batch is dropped and
   * counted in stats (never silently).
   */
  append(batch: FlowBatch): boolean;
  /** Records that flows up to `nextSeq` were accepted upstream (for crash-loss reporting). */
  markAccepted(nextSeq: number): void;
  /** Resolves once every batch appended so far is committed. */
  flush(): Promise<void>;
  /** One page of stored flows. */
  page(q: HistoryPageQuery): Promise<FlowBatch>;
  aggregate(spec: AggregateSpec): Promise<AggregateRow[]>;
  graph(spec: GraphSpec): Promise<GraphRow[]>;
  /** Runs retention now (it also runs every retentionIntervalMs). */
  retain(): Promise<RetentionResult>;
  stats(): Promise<HistoryStats>;
  /** Flushes, marks the store cleanly closed and stops the worker. */
  close(): Promise<void>;
}
