/**
 * Flow facts as the metric handlers name them (Hubble's label values): protocol, verdict,
 * drop reason, observation point, DNS rcode text. Pure functions over the canonical flow.
 */
import { VERDICT_NAMES, type Flow } from '../flow/index.js';

/** Monitor message types carried in `event_type.type`. */
export const EVENT = {
  Drop: 1,
  Debug: 2,
  Capture: 3,
  Trace: 4,
  PolicyVerdict: 5,
  TraceSock: 7,
  L7: 129,
} as const;

/** FlowProtocol values, indexed by {@link protocolIndex}. */
export const PROTOCOLS: readonly string[] = [
  'DNS',
  'HTTP',
  'Kafka',
  'Unknown L7',
  'TCP',
  'UDP',
  'ICMPv4',
  'ICMPv6',
  'SCTP',
  'VRRP',
  'IGMP',
  'Unknown L4',
  'Unknown flow',
];

/** Index in {@link PROTOCOLS} of a flow's protocol (a small integer, for series keys). */
export function protocolIndex(flow: Flow): number {
  const t = flow.event_type?.type ?? 0;
  if (t === EVENT.L7) {
    const l7 = flow.l7;
    if (l7 !== undefined) {
      if (l7.dns !== undefined) return 0;
      if (l7.http !== undefined) return 1;
      if (l7.kafka !== undefined) return 2;
    }
    return 3;
  }
  if (t === EVENT.Trace || t === EVENT.Drop || t === EVENT.PolicyVerdict || t === EVENT.Capture) {
    const l4 = flow.l4;
    if (l4 !== undefined) {
      if (l4.TCP !== undefined) return 4;
      if (l4.UDP !== undefined) return 5;
      if (l4.ICMPv4 !== undefined) return 6;
      if (l4.ICMPv6 !== undefined) return 7;
      if (l4.SCTP !== undefined) return 8;
      if (l4.VRRP !== undefined) return 9;
      if (l4.IGMP !== undefined) return 10;
    }
    return 11;
  }
  return 12;
}

/** Hubble's FlowProtocol: `DNS`/`HTTP`/`Kafka`/`Unknown L7` for L7 records, the L4 protocol for datapath events. */
export function flowProtocol(flow: Flow): string {
  return PROTOCOLS[protocolIndex(flow)]!;
}

/** Verdict names by enum number. */
export const VERDICTS: readonly string[] = VERDICT_NAMES;
const VERDICT_NUMBERS: Record<string, number> = Object.fromEntries(VERDICTS.map((v, i) => [v, i]));

/**
 * A small integer standing for the verdict label: the enum number for named verdicts,
 * 8 + n for unnamed numbers below 1000, -1 otherwise (callers then key by the text).
 */
export function verdictCode(flow: Flow): number {
  const v = flow.verdict;
  if (v === undefined) return 0;
  if (typeof v === 'string') return VERDICT_NUMBERS[v] ?? -1;
  if (v >= 0 && v < VERDICTS.length) return v;
  return v >= 0 && v < 1000 ? 8 + v : -1;
}

/** Verdict enum name (`FORWARDED`, ...), the number for unnamed values, `VERDICT_UNKNOWN` when absent. */
export function verdictName(flow: Flow): string {
  const v = flow.verdict;
  return v === undefined ? 'VERDICT_UNKNOWN' : typeof v === 'string' ? v : (VERDICTS[v] ?? String(v));
}

/** DropReason enum name of `drop_reason_desc` (`DROP_REASON_UNKNOWN` when absent). */
export function dropReasonName(flow: Flow): string {
  const v = flow.drop_reason_desc;
  return v === undefined ? 'DROP_REASON_UNKNOWN' : typeof v === 'string' ? v : String(v);
}

/** TrafficDirection enum name. */
export function directionName(flow: Flow): string {
  const v = flow.traffic_direction;
  return v === undefined
    ? 'TRAFFIC_DIRECTION_UNKNOWN'
    : typeof v === 'string'
      ? v
      : v === 1
        ? 'INGRESS'
        : v === 2
          ? 'EGRESS'
          : String(v);
}

/** 1 for ingress, 2 for egress, 0 otherwise. */
export function directionCode(flow: Flow): number {
  const d = flow.traffic_direction;
  return d === 'INGRESS' || d === 1 ? 1 : d === 'EGRESS' || d === 2 ? 2 : 0;
}

const DIRECTIONS_LOWER = ['unknown', 'ingress', 'egress'] as const;

/** `ingress`, `egress` or `unknown`. */
export function directionLower(flow: Flow): 'ingress' | 'egress' | 'unknown' {
  return DIRECTIONS_LOWER[directionCode(flow)]!;
}

/** IPVersion enum name (`IPv4`, `IPv6`, `IP_NOT_USED`). */
export function ipVersionName(flow: Flow): string {
  const v = flow.IP?.ipVersion;
  return v === undefined
    ? 'IP_NOT_USED'
    : typeof v === 'string'
      ? v
      : v === 1
        ? 'IPv4'
        : v === 2
          ? 'IPv6'
          : String(v);
}

/** L7 flow type name. */
export function l7TypeName(flow: Flow): string {
  const v = flow.l7?.type;
  if (v === undefined) return 'UNKNOWN_L7_TYPE';
  if (typeof v === 'string') return v;
  return ['UNKNOWN_L7_TYPE', 'REQUEST', 'RESPONSE', 'SAMPLE'][v] ?? String(v);
}

/** Observation-point names indexed by the datapath number carried in `event_type.sub_type`. */
export const TRACE_POINTS: readonly string[] = [
  'to-endpoint',
  'to-proxy',
  'to-host',
  'to-stack',
  'to-overlay',
  'from-endpoint',
  'from-proxy',
  'from-host',
  'from-stack',
  'from-overlay',
  'from-network',
  'to-network',
  'from-crypto',
  'to-crypto',
];

/** Policy match type names (lower case), indexed by `policy_match_type`. */
export const POLICY_MATCH: readonly string[] = [
  'none',
  'l3-only',
  'l3-l4',
  'l4-only',
  'all',
  'l3-proto',
  'proto-only',
];

const RCODES: Record<number, string> = {
  0: 'No Error',
  1: 'Format Error',
  2: 'Server Failure',
  3: 'Non-Existent Domain',
  4: 'Not Implemented',
  5: 'Query Refused',
  6: 'Name Exists when it should not',
  7: 'RR Set Exists when it should not',
  8: 'RR Set that should exist does not',
  9: 'Not Authorized',
  10: 'Name not contained in zone',
  11: 'DSO-TYPE Not Implemented',
  16: 'Bad OPT Version',
  17: 'Key not recognized',
  18: 'Signature out of time window',
  19: 'Bad TKEY Mode',
  20: 'Duplicate key name',
  21: 'Algorithm not supported',
  22: 'Bad Truncation',
  23: 'Bad/missing Server Cookie',
};

/** Hubble's rcode label text (`No Error`, `Non-Existent Domain`, ...; '' for unknown codes). */
export function rcodeName(rcode: number | undefined): string {
  return RCODES[rcode ?? 0] ?? '';
}

const RETINA_RCODES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
};

/** Retina's `return_code` label text (`NOERROR`, `NXDOMAIN`, ...; '' for other codes). */
export function retinaRcode(rcode: number | undefined): string {
  return RETINA_RCODES[rcode ?? 0] ?? '';
}

/** `reporter` label of the HTTP and Kafka handlers. */
export function reporter(flow: Flow): string {
  const d = directionName(flow);
  return d === 'EGRESS' ? 'client' : d === 'INGRESS' ? 'server' : 'unknown';
}

/** `l7.latency_ns` in seconds (0 when absent). */
export function latencySeconds(flow: Flow): number {
  const ns = flow.l7?.latency_ns;
  return ns === undefined ? 0 : Number(ns) / 1e9;
}

/** Destination port of TCP/UDP/SCTP, or undefined. */
export function destinationPort(flow: Flow): number | undefined {
  const l4 = flow.l4;
  if (l4 === undefined) return undefined;
  return (l4.TCP ?? l4.UDP ?? l4.SCTP)?.destination_port ?? (l4.TCP || l4.UDP || l4.SCTP ? 0 : undefined);
}

/** True when the verdict is FORWARDED (REDIRECTED is not). */
export function isForwarded(flow: Flow): boolean {
  const v = flow.verdict;
  return v === 'FORWARDED' || v === 1;
}

/** True when the verdict is FORWARDED or REDIRECTED. */
export function isForwardedOrRedirected(flow: Flow): boolean {
  const v = flow.verdict;
  return v === 'FORWARDED' || v === 'REDIRECTED' || v === 1 || v === 5;
}

/** True when the verdict is DROPPED. */
export function isDropped(flow: Flow): boolean {
  return flow.verdict === 'DROPPED' || flow.verdict === 2;
}
