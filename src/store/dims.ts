/**
 * Dimensions of the aggregate API, computed once per interned fragment instead of once per flow.
 *
 * Each contract Dimension lives in exactly one place of a split flow: the source or destination
 * endpoint fragment, the L7 fragment, the rest fragment, or the destination-port column. Both the
 * ring (in memory) and the persistent store (as columns of its fragment tables, named after the
 * dimensions) use these tables, so grouping gives the same keys whichever answers.
 */
import type { Dimension } from '../server/http/contract.js';
import type { Endpoint, FlowEvent, Layer7 } from '../flow/types.js';

/** Where a dimension's value comes from. */
export type DimSource = 'src' | 'dst' | 'rest' | 'l7' | 'dport';

/** Attribute names of each fragment kind (also the column names in the store). */
export const ENDPOINT_ATTRS = ['namespace', 'workload', 'pod', 'cluster', 'kind', 'label'] as const;
export const REST_ATTRS = [
  'verdict',
  'drop_reason',
  'protocol',
  'node',
  'traffic_direction',
  'is_reply',
  'tcp_flag',
] as const;
export const L7_ATTRS = [
  'l7_protocol',
  'dns_query',
  'dns_rcode',
  'dns_qtype',
  'http_status',
  'http_method',
  'http_path',
  'kafka_topic',
  'kafka_error',
] as const;

export type EndpointAttr = (typeof ENDPOINT_ATTRS)[number];
export type RestAttr = (typeof REST_ATTRS)[number];
export type L7Attr = (typeof L7_ATTRS)[number];
/** Attribute values by name; '' when the flow lacks the field. */
export type Attrs<K extends string> = Readonly<Record<K, string>>;

/** Dimension -> (source, attribute). */
export const DIMENSIONS: Readonly<Record<Dimension, { source: DimSource; attr: string }>> = {
  verdict: { source: 'rest', attr: 'verdict' },
  drop_reason: { source: 'rest', attr: 'drop_reason' },
  protocol: { source: 'rest', attr: 'protocol' },
  l7_protocol: { source: 'l7', attr: 'l7_protocol' },
  node: { source: 'rest', attr: 'node' },
  traffic_direction: { source: 'rest', attr: 'traffic_direction' },
  source_namespace: { source: 'src', attr: 'namespace' },
  source_workload: { source: 'src', attr: 'workload' },
  source_pod: { source: 'src', attr: 'pod' },
  destination_namespace: { source: 'dst', attr: 'namespace' },
  destination_workload: { source: 'dst', attr: 'workload' },
  destination_pod: { source: 'dst', attr: 'pod' },
  destination_port: { source: 'dport', attr: 'dport' },
  dns_query: { source: 'l7', attr: 'dns_query' },
  dns_rcode: { source: 'l7', attr: 'dns_rcode' },
  dns_qtype: { source: 'l7', attr: 'dns_qtype' },
  http_status: { source: 'l7', attr: 'http_status' },
  http_method: { source: 'l7', attr: 'http_method' },
  http_path: { source: 'l7', attr: 'http_path' },
  kafka_topic: { source: 'l7', attr: 'kafka_topic' },
  kafka_error: { source: 'l7', attr: 'kafka_error' },
  tcp_flag: { source: 'rest', attr: 'tcp_flag' },
  is_reply: { source: 'rest', attr: 'is_reply' },
};

/** True when `d` is a known Dimension. */
export function isDimension(d: string): d is Dimension {
  return Object.prototype.hasOwnProperty.call(DIMENSIONS, d);
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Endpoint kind for the service map: a pod, or an identity outside the cluster's pods. */
export function endpointKind(ep: Endpoint | undefined): string {
  if (!ep) return 'unknown';
  if (ep.pod_name) return 'pod';
  const labels = ep.labels ?? [];
  if (labels.some((l) => l.startsWith('reserved:world'))) return 'world';
  if (
    labels.some(
      (l) => l === 'reserved:host' || l === 'reserved:remote-node' || l === 'reserved:kube-apiserver',
    )
  )
    return 'host';
  if (labels.some((l) => l.startsWith('reserved:'))) return 'reserved';
  return ep.namespace ? 'workload' : 'unknown';
}

/** Attributes of an endpoint fragment. */
export function endpointAttrs(ep: Endpoint | undefined): Attrs<EndpointAttr> {
  const reserved = ep?.labels?.find((l) => l.startsWith('reserved:')) ?? '';
  return {
    namespace: str(ep?.namespace),
    workload: str(ep?.workloads?.[0]?.name),
    pod: str(ep?.pod_name),
    cluster: str(ep?.cluster_name),
    kind: endpointKind(ep),
    label: reserved,
  };
}

const L4_KEYS = ['TCP', 'UDP', 'ICMPv4', 'ICMPv6', 'SCTP', 'VRRP', 'IGMP'] as const;
/** TCP flags in the order the `tcp_flag` dimension lists them (joined by ','). */
export const TCP_FLAG_KEYS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'NS'] as const;
const FLAG_KEYS = TCP_FLAG_KEYS;

/** Attributes of a rest fragment (the event without endpoints, L7, time, uuid and ports). */
export function restAttrs(ev: FlowEvent): Attrs<RestAttr> {
  const f = ev.flow;
  let protocol = '';
  let tcpFlag = '';
  if (f?.l4) {
    protocol = L4_KEYS.find((k) => f.l4![k] !== undefined) ?? '';
    const flags = f.l4.TCP?.flags;
    if (flags) tcpFlag = FLAG_KEYS.filter((k) => flags[k]).join(',');
  }
  return {
    verdict: str(f?.verdict),
    drop_reason:
      f?.drop_reason_desc !== undefined
        ? str(f.drop_reason_desc)
        : f?.drop_reason
          ? String(f.drop_reason)
          : '',
    protocol,
    node: str(ev.node_name ?? f?.node_name),
    traffic_direction: str(f?.traffic_direction),
    is_reply: str(f?.is_reply),
    tcp_flag: tcpFlag,
  };
}

/** The path of an HTTP URL (no scheme, host, query or fragment). */
export function urlPath(url: string | undefined): string {
  if (!url) return '';
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(url);
  const path = m ? m[1] : url.replace(/[?#].*$/, '');
  return path === '' ? '/' : path;
}

/** Attributes of an L7 fragment. */
export function l7Attrs(l7: Layer7 | undefined): Attrs<L7Attr> {
  const dns = l7?.dns;
  const http = l7?.http;
  const kafka = l7?.kafka;
  return {
    l7_protocol: dns ? 'dns' : http ? 'http' : kafka ? 'kafka' : '',
    dns_query: str(dns?.query),
    // DNS responses carry an rcode (0 = NOERROR is omitted in canonical JSON); requests do not.
    dns_rcode: dns && l7?.type === 'RESPONSE' ? String(dns.rcode ?? 0) : '',
    dns_qtype: dns?.qtypes?.join(',') ?? '',
    http_status: http?.code ? String(http.code) : '',
    http_method: str(http?.method),
    http_path: http ? urlPath(http.url) : '',
    kafka_topic: str(kafka?.topic),
    kafka_error: kafka && l7?.type === 'RESPONSE' ? String(kafka.error_code ?? 0) : '',
  };
}

const RCODES: Record<string, string> = {
  '0': 'NOERROR',
  '1': 'FORMERR',
  '2': 'SERVFAIL',
  '3': 'NXDOMAIN',
  '4': 'NOTIMP',
  '5': 'REFUSED',
};

/**
 * The L7 outcome class of a flow for service-map edges: HTTP status class ("2xx", "5xx"), DNS
 * rcode name ("NOERROR", "NXDOMAIN"), Kafka error code ("kafka:0"); '' for requests and L3/L4.
 */
export function l7Class(
  l7Protocol: string,
  httpStatus: string,
  dnsRcode: string,
  kafkaError: string,
): string {
  if (l7Protocol === 'http' && httpStatus) return `${httpStatus[0]}xx`;
  if (l7Protocol === 'dns' && dnsRcode) return RCODES[dnsRcode] ?? `rcode:${dnsRcode}`;
  if (l7Protocol === 'kafka' && kafkaError) return `kafka:${kafkaError}`;
  return '';
}
