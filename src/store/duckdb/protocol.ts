/** Messages between the DuckDBHistoryStore (main thread) and its worker. */
import type { FlowBatch } from '../batch.js';
import type { HistoryStoreOptions, RecoveryInfo } from '../history-store.js';

/** Operations answered with a reply. */
export type CallOp = 'flush' | 'page' | 'aggregate' | 'graph' | 'retain' | 'stats' | 'close';

/** Main thread -> worker. */
export type ToWorker =
  { t: 'append'; batch: FlowBatch } | { t: 'call'; id: number; op: CallOp; arg?: unknown };

/** Worker -> main thread. */
export type FromWorker =
  | { t: 'ready'; recovery: RecoveryInfo }
  /** A batch was committed (flows) or failed to write (error). */
  | { t: 'ack'; flows: number; failed?: number; error?: string }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: string }
  | { t: 'fatal'; error: string };

/** The worker's workerData. */
export interface WorkerInit {
  options: HistoryStoreOptions;
  /** BigInt64Array[1]: next seq accepted upstream (written by the main thread). */
  accepted: SharedArrayBuffer;
  /** Counters kept by the main thread, mirrored for the progress mark: [droppedFlows]. */
  dropped: SharedArrayBuffer;
}

/** The progress mark file written next to the database. */
export interface ProgressMark {
  pid: number;
  clean: boolean;
  /** Next seq accepted upstream at the time of the mark. */
  accepted: number;
  /** Next seq after the newest committed flow. */
  committed: number;
  droppedFlows: number;
  time: string;
}
