/**
 * View models of one flow: the table row, protocol/port, verdict, a one-line summary and the
 * flattened field list of the detail drawer. Values stay plain strings; React renders them as
 * text, never as HTML.
 */
import { VERDICT_NAMES, type Endpoint, type Flow, type FlowEvent, type TCPFlags } from '../../flow/types';

/** One row of the flows table. */
export interface FlowRow {
  key: string;
  timeMs: number;
  time: string;
  node: string;
  source: string;
  destination: string;
  dstPort?: number;
  protocol: string;
  l7: string;
  verdict: string;
  dropReason?: string;
  summary: string;
  isReply?: boolean;
}

const VERDICT_BY_NUMBER: readonly string[] = VERDICT_NAMES;

/** Verdict name of a flow (numbers mapped to names). */
export function verdictOf(flow: Flow): string {
  const v = flow.verdict;
  if (v === undefined) return 'VERDICT_UNKNOWN';
  return typeof v === 'number' ? (VERDICT_BY_NUMBER[v] ?? String(v)) : v;
}

/** Drop reason name (from `drop_reason_desc`, else the legacy number). */
export function dropReasonOf(flow: Flow): string | undefined {
  const d = flow.drop_reason_desc;
  if (d !== undefined && d !== 0 && d !== 'DROP_REASON_UNKNOWN') return String(d);
  return flow.drop_reason ? `reason ${flow.drop_reason}` : undefined;
}

/** L4 protocol and ports. */
export function l4Of(flow: Flow): { protocol: string; srcPort?: number; dstPort?: number } {
  const l4 = flow.l4;
  if (!l4) return { protocol: '' };
  if (l4.TCP) return { protocol: 'TCP', srcPort: l4.TCP.source_port, dstPort: l4.TCP.destination_port };
  if (l4.UDP) return { protocol: 'UDP', srcPort: l4.UDP.source_port, dstPort: l4.UDP.destination_port };
  if (l4.SCTP) return { protocol: 'SCTP', srcPort: l4.SCTP.source_port, dstPort: l4.SCTP.destination_port };
  if (l4.ICMPv4) return { protocol: 'ICMPv4' };
  if (l4.ICMPv6) return { protocol: 'ICMPv6' };
  if (l4.VRRP) return { protocol: 'VRRP' };
  if (l4.IGMP) return { protocol: 'IGMP' };
  return { protocol: '' };
}

/** L7 protocol name: DNS, HTTP, Kafka or ''. */
export function l7Of(flow: Flow): string {
  const l7 = flow.l7;
  if (!l7) return '';
  if (l7.dns) return 'DNS';
  if (l7.http) return 'HTTP';
  if (l7.kafka) return 'Kafka';
  return 'L7';
}

/** "namespace/pod", else the first DNS name, else the IP, else a reserved label. */
export function endpointLabel(ep: Endpoint | undefined, ip: string | undefined, names?: string[]): string {
  if (ep?.pod_name) return ep.namespace ? `${ep.namespace}/${ep.pod_name}` : ep.pod_name;
  if (names && names.length) return names[0];
  if (ip) return ip;
  const reserved = ep?.labels?.find((l) => l.startsWith('reserved:'));
  return reserved ?? '';
}

/** "SYN, ACK" for set TCP flags. */
export function tcpFlagsText(flags: TCPFlags | undefined): string {
  if (!flags) return '';
  return (Object.keys(flags) as (keyof TCPFlags)[]).filter((k) => flags[k]).join(', ');
}

/** A one-line description like Hubble's compact output. */
export function summaryOf(flow: Flow): string {
  const l7 = flow.l7;
  const lat = l7?.latency_ns ? ` ${(Number(l7.latency_ns) / 1e6).toFixed(1)}ms` : '';
  if (l7?.dns) {
    const d = l7.dns;
    const q = d.query ?? '';
    const types = (d.qtypes ?? []).join(',');
    if (l7.type === 'RESPONSE' || flow.is_reply) {
      const rcode = d.rcode ? ` rcode=${d.rcode}` : '';
      return `DNS Answer ${q} ${types} ${(d.ips ?? []).join(',')}${rcode}${lat}`.replace(/\s+/g, ' ').trim();
    }
    return `DNS Query ${q} ${types}`.trim();
  }
  if (l7?.http) {
    const h = l7.http;
    const code = h.code ? ` ${h.code}` : '';
    return `${h.protocol ?? 'HTTP'}${code}${lat} ${h.method ?? ''} ${h.url ?? ''}`
      .replace(/\s+/g, ' ')
      .trim();
  }
  if (l7?.kafka) {
    const k = l7.kafka;
    const err = k.error_code ? ` error ${k.error_code}` : '';
    return `Kafka ${k.api_key ?? ''} topic ${k.topic ?? ''}${err}`.replace(/\s+/g, ' ').trim();
  }
  if (flow.Summary) return flow.Summary;
  const flags = tcpFlagsText(flow.l4?.TCP?.flags);
  if (flags) return `TCP Flags: ${flags}`;
  return l4Of(flow).protocol;
}

/** "HH:MM:SS.mmm" (UTC) of an RFC 3339 time. */
export function clockTime(ms: number): string {
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString().slice(11, 23);
}

/** The table row of a flow event; `seq` makes keys unique when a flow has no uuid. */
export function flowRow(ev: FlowEvent, seq: number): FlowRow | undefined {
  const flow = ev.flow;
  if (!flow) return undefined;
  const timeMs = Date.parse(flow.time ?? ev.time ?? '');
  const l4 = l4Of(flow);
  const row: FlowRow = {
    key: flow.uuid ? `${flow.uuid}#${seq}` : `#${seq}`,
    timeMs,
    time: clockTime(timeMs),
    node: flow.node_name ?? ev.node_name ?? '',
    source: endpointLabel(flow.source, flow.IP?.source, flow.source_names),
    destination: endpointLabel(flow.destination, flow.IP?.destination, flow.destination_names),
    dstPort: l4.dstPort,
    protocol: l4.protocol,
    l7: l7Of(flow),
    verdict: verdictOf(flow),
    summary: summaryOf(flow),
  };
  const drop = dropReasonOf(flow);
  if (drop) row.dropReason = drop;
  if (flow.is_reply !== undefined) row.isReply = flow.is_reply;
  return row;
}

/**
 * Every field of a value as [dotted path, text] pairs, in document order (arrays as `[i]`).
 *
 * @example flattenFields({ a: { b: 1 }, c: ['x'] }) // [['a.b','1'],['c[0]','x']]
 */
export function flattenFields(value: unknown, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push([path, '[]']);
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) out.push([path, '{}']);
      for (const [k, x] of entries) walk(x, path ? `${path}.${k}` : k);
    } else {
      out.push([path, String(v)]);
    }
  };
  walk(value, prefix);
  return out;
}

/** JSON lines of the given events (one compact JSON per line, newline-terminated). */
export function toJsonLines(events: readonly FlowEvent[]): string {
  let s = '';
  for (const e of events) s += JSON.stringify(e) + '\n';
  return s;
}
