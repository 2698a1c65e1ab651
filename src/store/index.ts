/**
 * The flow store: a bounded columnar ring for live reads (RingStore), an optional persistent
 * history (FlowHistoryStore; embedded DuckDB in a worker thread), and the FlowStore facade the
 * server uses. Knows nothing about transports. See docs/store.md.
 */
export { StoreError, type StoreErrorCode } from './errors.js';
export { toTimeKey, formatTimeKey, StoreTimeError, type TimeInput, type TimeKey } from './time-key.js';
export {
  RingStore,
  defaultRingStoreOptions,
  validateRingStoreOptions,
  MAX_RING_CAPACITY,
  RING_SLOT_BYTES,
  type RingStoreOptions,
  type RingStats,
} from './ring-store.js';
export {
  readRing,
  followRing,
  lostItem,
  type ReadOptions,
  type FollowOptions,
  type ReadItem,
  type FlowPredicate,
} from './ring-reader.js';
export {
  FlowStore,
  type FlowStoreOptions,
  type AggregateQuery,
  type GraphQuery,
  type FlowStoreStats,
} from './flow-store.js';
export type { QueryOptions } from './flow-query.js';
export {
  defaultHistoryStoreOptions,
  validateHistoryStoreOptions,
  type FlowHistoryStore,
  type HistoryStoreOptions,
  type HistoryStats,
  type HistoryPageQuery,
  type AggregateSpec,
  type AggregateRow,
  type GraphSpec,
  type GraphRow,
  type DimensionAlternatives,
  type DimensionFilter,
  type RecoveryInfo,
  type RetentionResult,
} from './history-store.js';
export { DuckDBHistoryStore } from './duckdb/client.js';
export { FlowBatchBuilder, type FlowBatch } from './batch.js';
export { DIMENSIONS, isDimension, l7Class } from './dims.js';
export { syntheticFlows, prng, type SyntheticOptions } from './synthetic.js';
