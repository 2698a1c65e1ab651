/**
 * The in-memory flow record: Hubble's `flow.Flow` in its canonical proto-JSON shape
 * (proto field names, enum names, 64-bit integers as decimal strings, RFC 3339 timestamps,
 * zero values absent). This is what `hubble observe -o json` prints, so a canonical JSON line
 * parses straight into this shape and flows cost nothing to convert at the JSON edge.
 * The gRPC edge converts to and from the protobuf-es messages in `src/gen`.
 *
 * Why not the protobuf-es message objects everywhere: JSON lines are the dominant input
 * (flow logs, exporter files, `hubble observe -o json`), V8's JSON.parse is the fastest decoder
 * we have (see docs/design.md), and raw-line prefilters rely on this textual shape.
 */

export type VerdictName =
  'VERDICT_UNKNOWN' | 'FORWARDED' | 'DROPPED' | 'ERROR' | 'AUDIT' | 'REDIRECTED' | 'TRACED' | 'TRANSLATED';
/** Verdict names by enum number (flow.proto's Verdict). */
export const VERDICT_NAMES: readonly VerdictName[] = [
  'VERDICT_UNKNOWN',
  'FORWARDED',
  'DROPPED',
  'ERROR',
  'AUDIT',
  'REDIRECTED',
  'TRACED',
  'TRANSLATED',
];

export type FlowTypeName = 'UNKNOWN_TYPE' | 'L3_L4' | 'L7' | 'SOCK';
export type TrafficDirectionName = 'TRAFFIC_DIRECTION_UNKNOWN' | 'INGRESS' | 'EGRESS';
export type L7FlowTypeName = 'UNKNOWN_L7_TYPE' | 'REQUEST' | 'RESPONSE' | 'SAMPLE';
export type IPVersionName = 'IP_NOT_USED' | 'IPv4' | 'IPv6';

/** An enum value: its name, or its number when the number has no name. */
export type EnumValue<N extends string = string> = N | number;

export interface Workload {
  name?: string;
  kind?: string;
}

export interface Endpoint {
  ID?: number;
  identity?: number;
  cluster_name?: string;
  namespace?: string;
  labels?: string[];
  pod_name?: string;
  workloads?: Workload[];
}

export interface TCPFlags {
  FIN?: boolean;
  SYN?: boolean;
  RST?: boolean;
  PSH?: boolean;
  ACK?: boolean;
  URG?: boolean;
  ECE?: boolean;
  CWR?: boolean;
  NS?: boolean;
}

export interface Ports {
  source_port?: number;
  destination_port?: number;
}

export interface TCP extends Ports {
  flags?: TCPFlags;
}

export interface ICMP {
  type?: number;
  code?: number;
}

export interface Layer4 {
  TCP?: TCP;
  UDP?: Ports;
  ICMPv4?: ICMP;
  ICMPv6?: ICMP;
  SCTP?: Ports & { chunk_type?: EnumValue };
  VRRP?: { type?: number; vrid?: number; priority?: number };
  IGMP?: { type?: number; group_address?: string };
}

export interface IP {
  source?: string;
  source_xlated?: string;
  destination?: string;
  ipVersion?: EnumValue<IPVersionName>;
  encrypted?: boolean;
}

export interface DNS {
  query?: string;
  ips?: string[];
  ttl?: number;
  cnames?: string[];
  observation_source?: string;
  rcode?: number;
  qtypes?: string[];
  rrtypes?: string[];
}

export interface HTTPHeader {
  key?: string;
  value?: string;
}

export interface HTTP {
  code?: number;
  method?: string;
  url?: string;
  protocol?: string;
  headers?: HTTPHeader[];
}

export interface Kafka {
  error_code?: number;
  api_version?: number;
  api_key?: string;
  correlation_id?: number;
  topic?: string;
}

export interface Layer7 {
  type?: EnumValue<L7FlowTypeName>;
  /** uint64 as a decimal string. */
  latency_ns?: string;
  dns?: DNS;
  http?: HTTP;
  kafka?: Kafka;
}

export interface Service {
  name?: string;
  namespace?: string;
}

export interface CiliumEventType {
  type?: number;
  sub_type?: number;
}

export interface Policy {
  name?: string;
  namespace?: string;
  labels?: string[];
  revision?: string;
  kind?: string;
}

export interface Flow {
  /** RFC 3339 timestamp, canonical (UTC, 0/3/6/9 fraction digits). */
  time?: string;
  uuid?: string;
  emitter?: { name?: string; version?: string };
  verdict?: EnumValue<VerdictName>;
  drop_reason?: number;
  auth_type?: EnumValue;
  ethernet?: { source?: string; destination?: string };
  IP?: IP;
  l4?: Layer4;
  tunnel?: { protocol?: EnumValue; IP?: IP; l4?: Layer4; vni?: number };
  source?: Endpoint;
  destination?: Endpoint;
  Type?: EnumValue<FlowTypeName>;
  node_name?: string;
  node_labels?: string[];
  source_names?: string[];
  destination_names?: string[];
  l7?: Layer7;
  reply?: boolean;
  event_type?: CiliumEventType;
  source_service?: Service;
  destination_service?: Service;
  traffic_direction?: EnumValue<TrafficDirectionName>;
  policy_match_type?: number;
  trace_observation_point?: EnumValue;
  trace_reason?: EnumValue;
  file?: { name?: string; line?: number };
  ip_trace_id?: { trace_id?: string; ip_option_type?: number };
  drop_reason_desc?: EnumValue;
  /** BoolValue: absent means unknown; written even when false. */
  is_reply?: boolean;
  debug_capture_point?: EnumValue;
  interface?: { index?: number; name?: string };
  proxy_port?: number;
  trace_context?: { parent?: { trace_id?: string } };
  sock_xlate_point?: EnumValue;
  socket_cookie?: string;
  cgroup_id?: string;
  Summary?: string;
  extensions?: Record<string, unknown>;
  egress_allowed_by?: Policy[];
  ingress_allowed_by?: Policy[];
  egress_denied_by?: Policy[];
  ingress_denied_by?: Policy[];
  policy_log?: string[];
  aggregate?: {
    ingress_flow_count?: number;
    egress_flow_count?: number;
    unknown_direction_flow_count?: number;
  };
}

export interface LostEvent {
  source?: EnumValue;
  num_events_lost?: string;
  cpu?: number;
  first?: string;
  last?: string;
}

export interface NodeStatusEvent {
  state_change?: EnumValue;
  node_names?: string[];
  message?: string;
}

/**
 * One line of a flow log / one GetFlowsResponse: exactly one of `flow`, `node_status`,
 * `lost_events` (or none), plus the wrapper's node name and time.
 */
export interface FlowEvent {
  flow?: Flow;
  node_status?: NodeStatusEvent;
  lost_events?: LostEvent;
  node_name?: string;
  time?: string;
}
