/** The dimensions and measures the aggregate route accepts (contract.ts types as runtime lists). */
import type { Dimension, Measure } from './contract.js';

/** Every groupBy dimension the API accepts. */
export const DIMENSIONS: readonly Dimension[] = [
  'verdict',
  'drop_reason',
  'protocol',
  'l7_protocol',
  'node',
  'traffic_direction',
  'source_namespace',
  'source_workload',
  'source_pod',
  'destination_namespace',
  'destination_workload',
  'destination_pod',
  'destination_port',
  'dns_query',
  'dns_rcode',
  'dns_qtype',
  'http_status',
  'http_method',
  'http_path',
  'kafka_topic',
  'kafka_error',
  'tcp_flag',
  'is_reply',
];

/** Every measure the API accepts. */
export const MEASURES: readonly Measure[] = ['flows', 'latency_mean_ms', 'latency_p95_ms'];
