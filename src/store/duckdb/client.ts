/**
 * DuckDBHistoryStore: the embedded FlowHistoryStore. The database lives in a worker thread, so
 * writing never blocks ingest: `append` posts a batch (its buffers are transferred, not copied)
 * and returns at once. At most `maxQueuedBatches` batches are in flight; beyond that a batch is
 * dropped and counted, and stats() reports it.
 *
 * Why DuckDB and not SQLite: see docs/store.md (measured here: 1.1M rows/s ingest with chunked
 * appends, 36 MB per million flows, 5-180 ms aggregates over 10M rows; SQLite on the same
 * schema: 343k rows/s, 92 MB per million, 70-400 ms over 1M rows).
 */
import type { Worker } from 'node:worker_threads';
import type { FlowBatch } from '../batch.js';
import { batchTransferList } from '../batch.js';
import { StoreError } from '../errors.js';
import { startModuleWorker } from '../../util/module-worker.js';
import {
  defaultHistoryStoreOptions,
  validateHistoryStoreOptions,
  type AggregateRow,
  type AggregateSpec,
  type FlowHistoryStore,
  type GraphRow,
  type GraphSpec,
  type HistoryPageQuery,
  type HistoryStats,
  type HistoryStoreOptions,
  type RecoveryInfo,
  type RetentionResult,
} from '../history-store.js';
import type { CallOp, FromWorker, ToWorker, WorkerInit } from './protocol.js';

/** The DuckDB-backed history store. Create with `DuckDBHistoryStore.open`. */
export class DuckDBHistoryStore implements FlowHistoryStore {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private inFlight = 0;
  private droppedBatches = 0;
  private failedBatches = 0;
  private readonly dropped: Float64Array;
  private readonly accepted: BigInt64Array;
  private failure: Error | undefined;
  private closed = false;
  private exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly options: HistoryStoreOptions,
    readonly recovery: RecoveryInfo,
    shared: { accepted: SharedArrayBuffer; dropped: SharedArrayBuffer },
  ) {
    this.accepted = new BigInt64Array(shared.accepted);
    this.dropped = new Float64Array(shared.dropped);
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) =>
      this.fail(new StoreError('STORE_IO', `store worker failed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', () =>
      this.fail(new StoreError(this.closed ? 'STORE_CLOSED' : 'STORE_IO', 'store worker exited')),
    );
  }

  /** Opens (or creates) the store in `options.dir`; rejects with StoreError when it cannot. */
  static async open(options: Partial<HistoryStoreOptions> & { dir: string }): Promise<DuckDBHistoryStore> {
    const opts = validateHistoryStoreOptions({ ...defaultHistoryStoreOptions, ...options });
    const shared = { accepted: new SharedArrayBuffer(8), dropped: new SharedArrayBuffer(8) };
    const worker = startModuleWorker(import.meta.url, 'worker', {
      options: opts,
      ...shared,
    } satisfies WorkerInit);
    let onMsg: (m: FromWorker) => void = () => undefined;
    let onErr: (e: Error) => void = () => undefined;
    let onExit: () => void = () => undefined;
    const recovery = await new Promise<RecoveryInfo>((resolve, reject) => {
      onMsg = (m) => {
        if (m.t === 'ready') resolve(m.recovery);
        else if (m.t === 'fatal')
          reject(new StoreError('STORE_IO', `cannot open store in ${opts.dir}: ${m.error}`));
      };
      onErr = (e) => reject(new StoreError('STORE_IO', `store worker failed: ${e.message}`, { cause: e }));
      onExit = () => reject(new StoreError('STORE_IO', 'store worker exited while opening'));
      worker.on('message', onMsg).once('error', onErr).once('exit', onExit);
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw e;
    });
    worker.off('message', onMsg).off('error', onErr).off('exit', onExit);
    return new DuckDBHistoryStore(worker, opts, recovery, shared);
  }

  private onMessage(m: FromWorker): void {
    if (m.t === 'ack') {
      this.inFlight--;
      if (m.failed) {
        this.failedBatches++;
        this.dropped[0] += m.failed;
      }
      return;
    }
    if (m.t === 'reply') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new StoreError('STORE_IO', m.error));
      return;
    }
    if (m.t === 'fatal') this.fail(new StoreError('STORE_IO', m.error));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call<T>(op: CallOp, arg?: unknown): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ t: 'call', id, op, arg } satisfies ToWorker);
    });
  }

  append(batch: FlowBatch): boolean {
    if (this.closed || this.failure || this.inFlight >= this.options.maxQueuedBatches) {
      this.droppedBatches++;
      this.dropped[0] += batch.count;
      return false;
    }
    this.inFlight++;
    this.worker.postMessage({ t: 'append', batch } satisfies ToWorker, batchTransferList(batch));
    return true;
  }

  markAccepted(nextSeq: number): void {
    Atomics.store(this.accepted, 0, BigInt(nextSeq));
  }

  /** Batches posted and not yet acknowledged. */
  get queued(): number {
    return this.inFlight;
  }

  flush(): Promise<void> {
    return this.call('flush');
  }

  page(q: HistoryPageQuery): Promise<FlowBatch> {
    return this.call('page', q);
  }

  aggregate(spec: AggregateSpec): Promise<AggregateRow[]> {
    return this.call('aggregate', spec);
  }

  graph(spec: GraphSpec): Promise<GraphRow[]> {
    return this.call('graph', spec);
  }

  retain(): Promise<RetentionResult> {
    return this.call('retain');
  }

  async stats(): Promise<HistoryStats> {
    const s =
      await this.call<Omit<HistoryStats, 'droppedBatches' | 'droppedFlows' | 'failedBatches'>>('stats');
    return {
      ...s,
      droppedBatches: this.droppedBatches + this.failedBatches,
      droppedFlows: this.dropped[0],
      failedBatches: this.failedBatches,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return this.exited;
    this.closed = true;
    if (!this.failure) await this.call('close');
    // The worker ends by itself once its database and port are closed; do not wait forever.
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.worker.terminate();
  }
}
