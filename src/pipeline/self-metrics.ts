/**
 * flowlens' own metrics in Prometheus text format: pipeline counters, per-source state and
 * counts, and server gauges. Appended to the flow metrics on /metrics.
 */
import type { SourceStatus } from '../sources/index.js';
import type { PipelineStats } from './pipeline.js';

/** Server-level gauges contributed by the transports. */
export interface ServerGauges {
  grpcStreams?: number;
  sseStreams?: number;
  ringFlows?: number;
  ringCapacity?: number;
  storeFlows?: number;
  storeBytes?: number;
  /** Flows lost to slow readers (ring overwrites) since start. */
  readerLost?: number;
  uptimeSeconds?: number;
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

const STATES = ['starting', 'running', 'waiting', 'reconnecting', 'ended', 'error'] as const;

/**
 * Renders the self-metrics in Prometheus text format, or in OpenMetrics form (counter families
 * named without the `_total` suffix) when `openMetrics` is set.
 */
export function renderSelfMetrics(
  p: PipelineStats,
  sources: SourceStatus[],
  g: ServerGauges = {},
  openMetrics = false,
): string {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, lines: string[]) => {
    const family = openMetrics && type === 'counter' ? name.replace(/_total$/, '') : name;
    out.push(`# HELP ${family} ${help}`, `# TYPE ${family} ${type}`, ...lines);
  };
  metric('flowlens_pipeline_events_received_total', 'counter', 'Events accepted into the ingest queue.', [
    `flowlens_pipeline_events_received_total ${p.received}`,
  ]);
  metric(
    'flowlens_pipeline_events_processed_total',
    'counter',
    'Events that went through every pipeline stage.',
    [`flowlens_pipeline_events_processed_total ${p.processed}`],
  );
  metric(
    'flowlens_pipeline_events_dropped_total',
    'counter',
    'Events dropped because the ingest queue was full.',
    [`flowlens_pipeline_events_dropped_total ${p.dropped}`],
  );
  metric(
    'flowlens_pipeline_stage_errors_total',
    'counter',
    'Pipeline stage failures (ingest continues).',
    Object.entries(p.stageErrors).map(
      ([s, n]) => `flowlens_pipeline_stage_errors_total{stage="${esc(s)}"} ${n}`,
    ),
  );
  metric('flowlens_pipeline_queue_events', 'gauge', 'Events waiting in the ingest queue.', [
    `flowlens_pipeline_queue_events ${p.queued}`,
  ]);
  metric('flowlens_pipeline_queue_capacity_events', 'gauge', 'Capacity of the ingest queue.', [
    `flowlens_pipeline_queue_capacity_events ${p.maxQueued}`,
  ]);
  metric('flowlens_pipeline_busy_seconds_total', 'counter', 'Time spent processing batches.', [
    `flowlens_pipeline_busy_seconds_total ${p.busySeconds.toFixed(3)}`,
  ]);
  metric(
    'flowlens_source_events_total',
    'counter',
    'Events emitted by each source.',
    sources.map((s) => `flowlens_source_events_total{source="${esc(s.name)}"} ${s.flows}`),
  );
  metric(
    'flowlens_source_lost_events_total',
    'counter',
    'Events each source knows it lost (peer lost events, invalid lines).',
    sources.map((s) => `flowlens_source_lost_events_total{source="${esc(s.name)}"} ${s.lost}`),
  );
  metric(
    'flowlens_source_state',
    'gauge',
    'Source state (1 for the current state).',
    sources.flatMap((s) =>
      STATES.map(
        (st) => `flowlens_source_state{source="${esc(s.name)}",state="${st}"} ${s.state === st ? 1 : 0}`,
      ),
    ),
  );
  const gauges: [keyof ServerGauges, string, string][] = [
    ['grpcStreams', 'flowlens_grpc_streams', 'GetFlows streams in progress.'],
    ['sseStreams', 'flowlens_http_live_streams', 'Live SSE streams in progress.'],
    ['ringFlows', 'flowlens_ring_events', 'Events in the in-memory ring.'],
    ['ringCapacity', 'flowlens_ring_capacity_events', 'Capacity of the in-memory ring.'],
    ['storeFlows', 'flowlens_store_events', 'Events in the persistent store.'],
    ['storeBytes', 'flowlens_store_bytes', 'Size of the persistent store on disk.'],
    ['uptimeSeconds', 'flowlens_uptime_seconds', 'Seconds since the server started.'],
  ];
  for (const [k, name, help] of gauges) {
    const v = g[k];
    if (v !== undefined) metric(name, 'gauge', help, [`${name} ${v}`]);
  }
  if (g.readerLost !== undefined) {
    metric(
      'flowlens_reader_lost_events_total',
      'counter',
      'Events readers missed because the ring overwrote them.',
      [`flowlens_reader_lost_events_total ${g.readerLost}`],
    );
  }
  return out.join('\n') + '\n';
}
