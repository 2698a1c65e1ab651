/**
 * Small readers over the canonical Flow shape that normalise what may arrive as an enum name
 * or a number (verdicts, drop reasons, L7 types, directions).
 */
import { VERDICT_NAMES, type Flow } from '../flow/index.js';

const VERDICTS: readonly string[] = VERDICT_NAMES;

/** The verdict as its enum name. */
export function verdictName(f: Flow): string {
  const v = f.verdict;
  if (v === undefined) return 'VERDICT_UNKNOWN';
  return typeof v === 'number' ? (VERDICTS[v] ?? String(v)) : v;
}

// Drop reason names by code, from the Hubble spec (§3.2); codes without a name stay numeric.
const DROP_NAMES: Record<number, string> = {
  130: 'INVALID_SOURCE_MAC',
  131: 'INVALID_DESTINATION_MAC',
  132: 'INVALID_SOURCE_IP',
  133: 'POLICY_DENIED',
  134: 'INVALID_PACKET_DROPPED',
  135: 'CT_TRUNCATED_OR_INVALID_HEADER',
  136: 'CT_MISSING_TCP_ACK_FLAG',
  137: 'CT_UNKNOWN_L4_PROTOCOL',
  138: 'CT_CANNOT_CREATE_ENTRY_FROM_PACKET',
  139: 'UNSUPPORTED_L3_PROTOCOL',
  140: 'MISSED_TAIL_CALL',
  141: 'ERROR_WRITING_TO_PACKET',
  142: 'UNKNOWN_L4_PROTOCOL',
  143: 'UNKNOWN_ICMPV4_CODE',
  144: 'UNKNOWN_ICMPV4_TYPE',
  145: 'UNKNOWN_ICMPV6_CODE',
  146: 'UNKNOWN_ICMPV6_TYPE',
  147: 'ERROR_RETRIEVING_TUNNEL_KEY',
  148: 'ERROR_RETRIEVING_TUNNEL_OPTIONS',
  149: 'INVALID_GENEVE_OPTION',
  150: 'UNKNOWN_L3_TARGET_ADDRESS',
  151: 'STALE_OR_UNROUTABLE_IP',
  152: 'NO_MATCHING_LOCAL_CONTAINER_FOUND',
  153: 'ERROR_WHILE_CORRECTING_L3_CHECKSUM',
  154: 'ERROR_WHILE_CORRECTING_L4_CHECKSUM',
  155: 'CT_MAP_INSERTION_FAILED',
  156: 'INVALID_IPV6_EXTENSION_HEADER',
  157: 'IP_FRAGMENTATION_NOT_SUPPORTED',
  158: 'SERVICE_BACKEND_NOT_FOUND',
  160: 'NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT',
  161: 'FAILED_TO_INSERT_INTO_PROXYMAP',
  162: 'REACHED_EDT_RATE_LIMITING_DROP_HORIZON',
  163: 'UNKNOWN_CONNECTION_TRACKING_STATE',
  164: 'LOCAL_HOST_IS_UNREACHABLE',
  165: 'NO_CONFIGURATION_AVAILABLE_TO_PERFORM_POLICY_DECISION',
  166: 'UNSUPPORTED_L2_PROTOCOL',
  167: 'NO_MAPPING_FOR_NAT_MASQUERADE',
  168: 'UNSUPPORTED_PROTOCOL_FOR_NAT_MASQUERADE',
  169: 'FIB_LOOKUP_FAILED',
  170: 'ENCAPSULATION_TRAFFIC_IS_PROHIBITED',
  171: 'INVALID_IDENTITY',
  172: 'UNKNOWN_SENDER',
  173: 'NAT_NOT_NEEDED',
  174: 'IS_A_CLUSTERIP',
  175: 'FIRST_LOGICAL_DATAGRAM_FRAGMENT_NOT_FOUND',
  176: 'FORBIDDEN_ICMPV6_MESSAGE',
  177: 'DENIED_BY_LB_SRC_RANGE_CHECK',
  178: 'SOCKET_LOOKUP_FAILED',
  179: 'SOCKET_ASSIGN_FAILED',
  180: 'PROXY_REDIRECTION_NOT_SUPPORTED_FOR_PROTOCOL',
  181: 'POLICY_DENY',
  182: 'VLAN_FILTERED',
  183: 'INVALID_VNI',
  184: 'INVALID_TC_BUFFER',
  185: 'NO_SID',
  186: 'MISSING_SRV6_STATE',
  187: 'NAT46',
  188: 'NAT64',
  189: 'AUTH_REQUIRED',
  190: 'CT_NO_MAP_FOUND',
  191: 'SNAT_NO_MAP_FOUND',
  192: 'INVALID_CLUSTER_ID',
  193: 'UNSUPPORTED_PROTOCOL_FOR_DSR_ENCAP',
  194: 'NO_EGRESS_GATEWAY',
  195: 'UNENCRYPTED_TRAFFIC',
  196: 'TTL_EXCEEDED',
  197: 'NO_NODE_ID',
  198: 'DROP_RATE_LIMITED',
  199: 'IGMP_HANDLED',
  200: 'IGMP_SUBSCRIBED',
  201: 'MULTICAST_HANDLED',
  202: 'DROP_HOST_NOT_READY',
  203: 'DROP_EP_NOT_READY',
  204: 'DROP_NO_EGRESS_IP',
  205: 'DROP_PUNT_PROXY',
};

/** Drop reasons that mean "a policy denied it". */
export const POLICY_DROP_REASONS: ReadonlySet<string> = new Set(['POLICY_DENIED', 'POLICY_DENY']);

/** The drop reason name: `drop_reason_desc`, else the numeric `drop_reason`; `UNKNOWN` when neither. */
export function dropReasonName(f: Flow): string {
  const d = f.drop_reason_desc ?? f.drop_reason;
  if (d === undefined || d === 0 || d === 'DROP_REASON_UNKNOWN') {
    const sub = f.event_type?.type === 1 ? f.event_type.sub_type : undefined;
    return sub ? (DROP_NAMES[sub] ?? String(sub)) : 'UNKNOWN';
  }
  return typeof d === 'number' ? (DROP_NAMES[d] ?? String(d)) : d;
}

/** The L7 record type as its name. */
export function l7TypeName(f: Flow): string {
  const t = f.l7?.type;
  if (t === undefined) return 'UNKNOWN_L7_TYPE';
  return typeof t === 'number' ? (['UNKNOWN_L7_TYPE', 'REQUEST', 'RESPONSE', 'SAMPLE'][t] ?? String(t)) : t;
}

/** The traffic direction as its name. */
export function directionName(f: Flow): string {
  const d = f.traffic_direction;
  if (d === undefined) return 'TRAFFIC_DIRECTION_UNKNOWN';
  return typeof d === 'number' ? (['TRAFFIC_DIRECTION_UNKNOWN', 'INGRESS', 'EGRESS'][d] ?? String(d)) : d;
}

/** L4 protocol name and destination port (0 when none). */
export function l4Of(f: Flow): { protocol: string; sport: number; dport: number } {
  const l4 = f.l4;
  if (!l4) return { protocol: '', sport: 0, dport: 0 };
  if (l4.TCP) return { protocol: 'TCP', sport: l4.TCP.source_port ?? 0, dport: l4.TCP.destination_port ?? 0 };
  if (l4.UDP) return { protocol: 'UDP', sport: l4.UDP.source_port ?? 0, dport: l4.UDP.destination_port ?? 0 };
  if (l4.SCTP)
    return { protocol: 'SCTP', sport: l4.SCTP.source_port ?? 0, dport: l4.SCTP.destination_port ?? 0 };
  if (l4.ICMPv4) return { protocol: 'ICMPv4', sport: 0, dport: 0 };
  if (l4.ICMPv6) return { protocol: 'ICMPv6', sport: 0, dport: 0 };
  return { protocol: '', sport: 0, dport: 0 };
}

/** `l7.latency_ns` as a number of nanoseconds (NaN when absent). */
export function latencyNs(f: Flow): number {
  const s = f.l7?.latency_ns;
  return s === undefined ? NaN : Number(s);
}

/** The gRPC status of an HTTP/2 response from its `grpc-status` header, when present. */
export function grpcStatus(f: Flow): number | undefined {
  const headers = f.l7?.http?.headers;
  if (!headers) return undefined;
  for (const h of headers) if (h.key === 'grpc-status' || h.key === 'Grpc-Status') return Number(h.value);
  return undefined;
}

/** How many flows a record stands for: the aggregate counts of exporter aggregates, else 1. */
export function flowWeight(f: Flow): number {
  const a = f.aggregate;
  if (!a) return 1;
  const n = (a.ingress_flow_count ?? 0) + (a.egress_flow_count ?? 0) + (a.unknown_direction_flow_count ?? 0);
  return n > 0 ? n : 1;
}

/** DNS rcode names used in texts. */
export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
};

/**
 * The URL path of an HTTP flow normalised into a route: query dropped, scheme and host
 * removed, and id-like segments (numbers, UUIDs, long hex) replaced by `:id` so that
 * `/orders/123` and `/orders/456` count as one route.
 */
export function routeOf(url: string | undefined): string {
  if (!url) return '/';
  let p = url;
  const scheme = p.indexOf('://');
  if (scheme >= 0) {
    const slash = p.indexOf('/', scheme + 3);
    p = slash < 0 ? '/' : p.slice(slash);
  }
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  return p
    .split('/')
    .map((seg) =>
      /^\d+$/.test(seg) || /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(seg) || /^[0-9a-f]{16,}$/i.test(seg)
        ? ':id'
        : seg,
    )
    .join('/');
}
