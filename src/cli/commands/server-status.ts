/**
 * What `serve` reports about itself, assembled from the history, the pipeline and the sources:
 * the HTTP StatusResponse, coverage nodes, GetNodes peers, the lost total and the self-metrics.
 */
import type { FlowHistory, Pipeline, SourceRunner } from '../../pipeline/index.js';
import { renderSelfMetrics } from '../../pipeline/index.js';
import type { SourceStatus } from '../../sources/index.js';
import type { ObserverNode } from '../../server/grpc/index.js';
import type { NodeInfo, StatusResponse } from '../../server/http/index.js';
import { VERSION } from '../version.js';

/** Live gauges owned by the transports. */
export interface TransportGauges {
  grpcStreams(): number;
  liveStreams(): number;
}

function peerState(s: SourceStatus): ObserverNode['state'] {
  return s.state === 'running' ? 'NODE_CONNECTED' : s.state === 'error' ? 'NODE_ERROR' : 'NODE_UNAVAILABLE';
}

/** The server's self-description. */
export class ServerStatusView {
  readonly startedAt = Date.now();

  constructor(
    private readonly d: {
      nodeName: string;
      authRequired: boolean;
      history: FlowHistory;
      pipeline: Pipeline;
      sources: SourceRunner;
      gauges: TransportGauges;
    },
  ) {}

  private peerSources(): SourceStatus[] {
    return this.d.sources.statuses().filter((s) => s.kind === 'hubble');
  }

  /** GetNodes entries of the `hubble:` peers. */
  peers(): ObserverNode[] {
    return this.peerSources().map((s) => ({
      name: s.node?.name ?? s.name,
      address: s.node?.address,
      version: s.node?.version,
      state: peerState(s),
      tls: { enabled: !!s.node?.tls },
      seenFlows: s.flows,
    }));
  }

  /** Flows lost anywhere: ingest queue drops, source losses, the store's losses. */
  lostTotal(): number {
    const sourceLost = this.d.sources.statuses().reduce((a, s) => a + s.lost, 0);
    return this.d.pipeline.snapshot().dropped + sourceLost + (this.d.history.stats().storeLost ?? 0);
  }

  /** Coverage nodes: this node, then each peer. */
  nodes(): NodeInfo[] {
    const p = this.d.pipeline.snapshot();
    return [
      { name: this.d.nodeName, state: 'LOCAL', flows: p.processed, lost: p.dropped },
      ...this.peerSources().map((s) => ({
        name: s.node?.name ?? s.name,
        state:
          ({ NODE_CONNECTED: 'CONNECTED', NODE_ERROR: 'ERROR' } as const)[peerState(s) as 'NODE_CONNECTED'] ??
          'UNAVAILABLE',
        flows: s.flows,
        lost: s.lost,
        message: s.message,
      })),
    ];
  }

  /** GET /api/v1/status. */
  status(): StatusResponse {
    const h = this.d.history.stats();
    return {
      version: VERSION,
      uptimeSeconds: (Date.now() - this.startedAt) / 1000,
      numFlows: h.numFlows,
      maxFlows: h.maxFlows,
      seenFlows: h.seenFlows,
      lostFlows: this.lostTotal(),
      flowsPerSecond: h.flowsRate,
      store: {
        enabled: h.storeEnabled,
        flows: h.storeFlows,
        bytes: h.storeBytes,
        oldest: h.oldest,
        newest: h.newest,
      },
      sources: this.d.sources
        .statuses()
        .map((s) => ({ name: s.name, state: s.state, flows: s.flows, lost: s.lost, message: s.message })),
      nodes: this.nodes(),
      authRequired: this.d.authRequired,
    };
  }

  /** flowlens's own metrics (Prometheus text, or OpenMetrics naming). */
  selfMetrics(openMetrics: boolean): string {
    const h = this.d.history.stats();
    return renderSelfMetrics(
      this.d.pipeline.snapshot(),
      this.d.sources.statuses(),
      {
        grpcStreams: this.d.gauges.grpcStreams(),
        sseStreams: this.d.gauges.liveStreams(),
        ringFlows: h.numFlows,
        ringCapacity: h.maxFlows,
        storeFlows: h.storeFlows,
        storeBytes: h.storeBytes,
        readerLost: h.readerLost,
        uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      },
      openMetrics,
    );
  }
}
