/**
 * Multi-node fan-in: a pool of peers with back-off and states, a time-ordered merge of their
 * GetFlows streams with a bounded sort window, node_status events, and the relay's Observer and
 * HTTP backends.
 */
export { PeerPool, parsePeerSpec, type Peer, type PeerState, type PeerPoolOptions } from './peer-pool.js';
export { SortWindow, type WindowItem } from './sort-window.js';
export { relayGetFlows, type MergeOptions, type MergeStats } from './relay-flows.js';
export { RelayBackend } from './relay-backend.js';
export { RelayHttpBackend } from './relay-http.js';
export { renderRelayMetrics } from './relay-metrics.js';
