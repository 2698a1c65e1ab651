/** The ingest pipeline: one bounded loop from sources to store, metrics and listeners. */
export { Pipeline, type PipelineOptions, type PipelineStage, type PipelineStats } from './pipeline.js';
export { SourceRunner } from './source-runner.js';
export { renderSelfMetrics, type ServerGauges } from './self-metrics.js';
export type { FlowHistory, HistoryQuery, HistoryStats } from './flow-history.js';
export { RingHistory, itemsToEvents } from './ring-history.js';
export { RateMeter } from './rate-meter.js';
export { NamespaceTracker, type SeenNamespace } from './namespace-tracker.js';
export { StoreHistory, type StoreHistoryOptions } from './store-history.js';
