/**
 * The server's view of stored flows: GetFlows-style reads (history then follow), appends from
 * the pipeline, and counters. Transports (gRPC, HTTP, SSE) read only through this interface,
 * so whether the flows come from the ring alone or from the ring plus the persistent store is
 * decided in one place.
 */
import type { FlowEvent } from '../flow/index.js';
import type { FlowPredicate } from '../filter/index.js';

/** GetFlows selectors (Hubble semantics, observer spec §4). */
export interface HistoryQuery {
  number: number;
  first: boolean;
  follow: boolean;
  since?: string;
  until?: string;
  predicate?: FlowPredicate;
  /** Non-follow, without first/number: only the last `tail` matching flows of the selection. */
  tail?: number;
}

/** Counters of the history. */
export interface HistoryStats {
  /** Events in the ring. */
  numFlows: number;
  /** Ring capacity. */
  maxFlows: number;
  /** Events appended since start. */
  seenFlows: number;
  /** Events in the persistent store (0 without one). */
  storeFlows: number;
  storeBytes: number;
  storeEnabled: boolean;
  /** Oldest and newest time held (ring or store), RFC 3339. */
  oldest?: string;
  newest?: string;
  /** Events readers missed because the ring overwrote them, since start. */
  readerLost: number;
  /** Flows per second over the last minute. */
  flowsRate: number;
  /** Flows the persistent store lost (write queue overflow, failed writes, previous crash). */
  storeLost?: number;
  /** What the store recovered at start after an unclean stop. */
  recovery?: { lostAtLeast: number };
}

/** Stored flows as the transports see them. */
export interface FlowHistory {
  /**
   * Reads with GetFlows semantics. Yields batches of events; a reader that falls behind gets
   * `lost_events` records (source HUBBLE_RING_BUFFER) instead of silence. Ends when the
   * selection is complete (non-follow), `until` is passed, or the signal aborts.
   */
  read(q: HistoryQuery, signal: AbortSignal): AsyncIterable<FlowEvent[]>;
  /** Appends a processed batch (the pipeline's store stage). May wait (back-pressure). */
  append(batch: FlowEvent[]): void | Promise<void>;
  stats(): HistoryStats;
  /** Flushes and closes persistent parts. */
  close(): Promise<void>;
}
