/**
 * The HTTP API contract between `flowlens serve` and its clients (the web UI, scripts).
 * Types only, so the browser bundle can import it. All routes are GET and return JSON unless
 * noted; errors are `{ "error": { "code": string, "message": string } }` with a 4xx/5xx status.
 * The OpenAPI document served at /api/v1/openapi.json describes the same routes.
 *
 * Filters: every flow-selecting route accepts
 *   - `filter`: the flags of `flowlens observe` as one string, e.g. `--verdict DROPPED --to-namespace shop`
 *     (same translation as the CLI, so the UI filter bar and the CLI agree), and/or
 *   - `allow` / `deny`: FlowFilter JSON (one object or a JSON array of objects),
 *   - `since` / `until`: RFC 3339 or a duration like `15m` (= now minus 15 minutes),
 *   - `node`, `namespace`, `workload`: dashboard template variables (exact match; `namespace` and
 *     `workload` match either endpoint unless `side=source|destination` is given).
 */
import type { FlowEvent } from '../../flow/types.js';

/** GET /api/v1/flows?limit=N&first=true|false&<filters> — newest N (default 100, max 10000). */
export interface FlowsResponse {
  flows: FlowEvent[];
  /** True when more flows matched than were returned. */
  truncated: boolean;
  coverage: Coverage;
}

/** What the answer covers: be honest about gaps. */
export interface Coverage {
  /** Time span the server actually holds (ring + store), RFC 3339. */
  oldest?: string;
  newest?: string;
  /** Flows examined to answer. */
  examined: number;
  /** Flows lost anywhere in the pipeline during the queried window (or since start). */
  lost: number;
  nodes: NodeInfo[];
}

export interface NodeInfo {
  name: string;
  state: 'CONNECTED' | 'UNAVAILABLE' | 'ERROR' | 'LOCAL';
  flows: number;
  lost: number;
  message?: string;
}

/**
 * GET /api/v1/flows/stream?<filters> — Server-Sent Events. Event names:
 *   `flow`   data: FlowEvent JSON (batched: data may be a JSON array of FlowEvent)
 *   `lost`   data: { num_events_lost: number, source: string }
 *   `status` data: StatusResponse (every 5 s)
 * The stream starts with the last `history` (default 0) matching flows, then follows.
 */
export type StreamEventName = 'flow' | 'lost' | 'status';

/** GET /api/v1/status */
export interface StatusResponse {
  version: string;
  uptimeSeconds: number;
  numFlows: number;
  maxFlows: number;
  seenFlows: number;
  lostFlows: number;
  flowsPerSecond: number;
  store: { enabled: boolean; flows: number; bytes: number; oldest?: string; newest?: string };
  sources: { name: string; state: string; flows: number; lost: number; message?: string }[];
  nodes: NodeInfo[];
  authRequired: boolean;
}

/** Dimensions the aggregate and graph routes group by. */
export type Dimension =
  | 'verdict'
  | 'drop_reason'
  | 'protocol'
  | 'l7_protocol'
  | 'node'
  | 'traffic_direction'
  | 'source_namespace'
  | 'source_workload'
  | 'source_pod'
  | 'destination_namespace'
  | 'destination_workload'
  | 'destination_pod'
  | 'destination_port'
  | 'dns_query'
  | 'dns_rcode'
  | 'dns_qtype'
  | 'http_status'
  | 'http_method'
  | 'http_path'
  | 'kafka_topic'
  | 'kafka_error'
  | 'tcp_flag'
  | 'is_reply';

/** What is counted per bucket. */
export type Measure =
  | 'flows'
  /** DNS/HTTP responses only: mean and p95 latency in ms from l7.latency_ns. */
  | 'latency_mean_ms'
  | 'latency_p95_ms';

/**
 * GET /api/v1/aggregate?groupBy=dim1,dim2&measure=flows&step=60&k=10&<filters>
 * - with `step` (seconds): a time series per group (bucket start times in epoch ms);
 * - without `step`: one total per group (top-k tables, heatmaps of groupBy=source_pod,destination_pod).
 * Groups are sorted by total, descending, and cut to `k` (default 10, max 1000); the rest is
 * summed into `other`.
 */
export interface AggregateResponse {
  groupBy: Dimension[];
  measure: Measure;
  step?: number;
  groups: AggregateGroup[];
  other?: number;
  coverage: Coverage;
}

export interface AggregateGroup {
  /** One value per groupBy dimension ('' when the flow lacks it). */
  key: string[];
  total: number;
  /** [bucket start epoch ms, value] when `step` was given. */
  points?: [number, number][];
}

/**
 * GET /api/v1/graph?level=workload|pod&<filters> — the service map.
 * A node is a workload (namespace/workload), a pod, or an outside peer (world IP/FQDN, host,
 * reserved identity). Edges aggregate flows from source to destination.
 */
export interface GraphResponse {
  nodes: GraphNode[];
  edges: GraphEdge[];
  coverage: Coverage;
}

export interface GraphNode {
  id: string;
  label: string;
  namespace: string;
  workload?: string;
  pod?: string;
  kind: 'workload' | 'pod' | 'world' | 'host' | 'reserved' | 'unknown';
  /** For workloads: the pods seen. */
  pods?: string[];
  flows: number;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  protocol: string;
  port?: number;
  flows: number;
  /** Flows per second over the window. */
  rate: number;
  verdicts: Partial<
    Record<'FORWARDED' | 'DROPPED' | 'ERROR' | 'AUDIT' | 'REDIRECTED' | 'TRACED' | 'TRANSLATED', number>
  >;
  /** HTTP status classes / DNS rcodes / Kafka errors seen on this edge, e.g. {"2xx": 10, "5xx": 3}. */
  l7?: Record<string, number>;
  dropReasons?: Record<string, number>;
}

/** GET /api/v1/diagnosis?since&until — the diagnosis report (schema in docs/diagnose.md). */
export type DiagnosisResponse = unknown;

/** GET /healthz (liveness) and /readyz (readiness): `{ "status": "ok" }` or 503. */
export interface HealthResponse {
  status: 'ok' | 'starting' | 'draining';
}
