/** The relay's own metrics: peer states and merged traffic, in Prometheus text format. */
import type { PeerPool } from './peer-pool.js';
import type { MergeStats } from './relay-flows.js';

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Renders relay metrics. */
export function renderRelayMetrics(pool: PeerPool, stats: MergeStats, grpcStreams: number): string {
  const lines: string[] = [
    '# HELP flowlens_relay_peer_up Whether a peer is connected (1) or not (0).',
    '# TYPE flowlens_relay_peer_up gauge',
    ...pool.peers.map(
      (p) =>
        `flowlens_relay_peer_up{peer="${esc(p.name)}",address="${esc(p.address)}"} ${p.state === 'NODE_CONNECTED' ? 1 : 0}`,
    ),
    '# HELP flowlens_relay_responses_total Responses merged and forwarded to clients.',
    '# TYPE flowlens_relay_responses_total counter',
    `flowlens_relay_responses_total ${stats.responses}`,
    '# HELP flowlens_relay_peer_errors_total Peer stream failures seen by clients.',
    '# TYPE flowlens_relay_peer_errors_total counter',
    `flowlens_relay_peer_errors_total ${stats.peerErrors}`,
    '# HELP flowlens_grpc_streams GetFlows streams in progress.',
    '# TYPE flowlens_grpc_streams gauge',
    `flowlens_grpc_streams ${grpcStreams}`,
  ];
  return lines.join('\n') + '\n';
}
