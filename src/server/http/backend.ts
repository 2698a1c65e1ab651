/**
 * What the HTTP API needs from the server: flow reads with filters, aggregates, the service
 * graph, status and (when the engine exists) diagnosis. The routes validate parameters into a
 * {@link FlowSelection}; backends only answer.
 */
import type { FlowEvent } from '../../flow/index.js';
import type { FlowFilter, FlowPredicate } from '../../filter/index.js';
import type {
  AggregateResponse,
  Coverage,
  Dimension,
  GraphResponse,
  Measure,
  StatusResponse,
} from './contract.js';

/** Validated flow-selecting parameters common to every route. */
export interface FlowSelection {
  whitelist: FlowFilter[];
  blacklist: FlowFilter[];
  /** Template-variable conditions (node, namespace, workload) ANDed with the lists. */
  extra?: FlowPredicate;
  /** The template variables as given (for backends that can push them down). */
  vars?: { node?: string; namespace?: string; workload?: string; side: 'either' | 'source' | 'destination' };
  /** Everything combined; undefined when nothing filters. */
  predicate?: FlowPredicate;
  /** Canonical RFC 3339. */
  since?: string;
  until?: string;
}

/** GET /api/v1/flows. */
export interface FlowsQuery extends FlowSelection {
  limit: number;
  first: boolean;
}

/** GET /api/v1/aggregate. */
export interface AggregateQuery extends FlowSelection {
  groupBy: Dimension[];
  measure: Measure;
  /** Bucket width in seconds (time series) or undefined (totals). */
  step?: number;
  k: number;
}

/** GET /api/v1/graph. */
export interface GraphQuery extends FlowSelection {
  level: 'workload' | 'pod';
}

/** A live stream's consumer. */
export interface LiveSink {
  flows(batch: FlowEvent[]): void | Promise<void>;
  lost(count: number, source: string): void;
}

/** The HTTP API's backend. */
export interface HttpBackend {
  flows(
    q: FlowsQuery,
    signal: AbortSignal,
  ): Promise<{ flows: FlowEvent[]; truncated: boolean; coverage: Coverage }>;
  /** Streams the last `history` matching flows, then follows until the signal aborts. */
  live(sel: FlowSelection, history: number, sink: LiveSink, signal: AbortSignal): Promise<void>;
  aggregate?(q: AggregateQuery, signal: AbortSignal): Promise<AggregateResponse>;
  graph?(q: GraphQuery, signal: AbortSignal): Promise<GraphResponse>;
  diagnosis?(sel: FlowSelection, signal: AbortSignal): Promise<unknown>;
  status(): StatusResponse;
  /** Readiness: 'ok' once listeners and the store are up, 'draining' during shutdown. */
  readiness(): 'ok' | 'starting' | 'draining';
}
