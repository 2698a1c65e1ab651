/**
 * `flow.FlowFilter` in its proto-JSON shape (proto field names, enum names), as used by
 * `--allowlist`/`--denylist`, `--print-raw-filters` and the HTTP API. Every field is a list;
 * fields inside one filter are ANDed, elements of one field are ORed.
 */
import type { EnumValue, HTTPHeader, TCPFlags, Workload } from '../flow/types.js';

export interface EventTypeFilter {
  type?: number;
  match_sub_type?: boolean;
  sub_type?: number;
}

export interface FlowFilter {
  uuid?: string[];
  source_ip?: string[];
  source_ip_xlated?: string[];
  source_pod?: string[];
  source_fqdn?: string[];
  source_label?: string[];
  source_service?: string[];
  source_workload?: Workload[];
  source_cluster_name?: string[];
  destination_ip?: string[];
  destination_pod?: string[];
  destination_fqdn?: string[];
  destination_label?: string[];
  destination_service?: string[];
  destination_workload?: Workload[];
  destination_cluster_name?: string[];
  traffic_direction?: EnumValue[];
  verdict?: EnumValue[];
  drop_reason_desc?: EnumValue[];
  interface?: { index?: number; name?: string }[];
  event_type?: EventTypeFilter[];
  http_status_code?: string[];
  protocol?: string[];
  source_port?: string[];
  destination_port?: string[];
  reply?: boolean[];
  dns_query?: string[];
  source_identity?: number[];
  destination_identity?: number[];
  http_method?: string[];
  http_path?: string[];
  http_url?: string[];
  http_header?: HTTPHeader[];
  tcp_flags?: TCPFlags[];
  node_name?: string[];
  node_labels?: string[];
  ip_version?: EnumValue[];
  trace_id?: string[];
  /** uint64 values as decimal strings. */
  ip_trace_id?: string[];
  encrypted?: boolean[];
  experimental?: { cel_expression?: string[] };
}
