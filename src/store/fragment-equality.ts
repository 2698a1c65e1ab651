/**
 * Exact structural equality of a live event's parts and interned fragments, written out per
 * message type for the ingest path (a generic deep compare costs about 1.3 µs per flow, these
 * about a fifth of it). Every known field is compared, and the key counts must agree, so a field
 * unknown to this file still makes the comparison fail (the fragment is then stored separately,
 * which is correct, only less compact). Live keys holding `undefined` count as absent, as in
 * JSON (see countEq): until stop 14 they counted as present, so no flow of the simulator, whose
 * objects keep unused fields as undefined, ever matched its rest fragment, and each one paid a
 * JSON.stringify to be found by its text.
 */
import type { Endpoint, FlowEvent, Flow, HTTP, Kafka, Layer4, Layer7, IP, Workload } from '../flow/types.js';
import {
  F_EVENT_TIME,
  F_FLOW_TIME,
  F_L7_VARS,
  F_LATENCY,
  F_PORTS,
  F_SUMMARY,
  PER_REQUEST_HEADERS,
  F_UUID,
  sameValue,
  type SplitParts,
} from './flow-split.js';

/** Own enumerable keys of `o` (for-in: no allocation, unlike Object.keys). */
function nkeys(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/** Own enumerable keys of `o` whose value is not undefined. */
function definedKeys(o: object): number {
  let n = 0;
  for (const k in o) if ((o as Record<string, unknown>)[k] !== undefined) n++;
  return n;
}

/**
 * True when the live object `a`, less `less` keys held elsewhere, has as many keys as the
 * fragment object `b`. Keys of `a` holding undefined count as absent (as in JSON): the
 * simulator's objects keep every field of their shape and leave the unused ones undefined. The
 * plain count is tried first, since decoded objects have no such keys.
 */
function countEq(a: object, less: number, b: object): boolean {
  const nb = nkeys(b);
  return nkeys(a) - less === nb || definedKeys(a) - less === nb;
}

function strsEq(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function workloadsEq(a: readonly Workload[] | undefined, b: readonly Workload[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.name !== y.name || x.kind !== y.kind || !countEq(x, 0, y)) return false;
  }
  return true;
}

/** Endpoint equality. */
export function endpointEq(a: Endpoint, b: Endpoint): boolean {
  if (a === b) return true;
  return (
    a.ID === b.ID &&
    a.identity === b.identity &&
    a.pod_name === b.pod_name &&
    a.namespace === b.namespace &&
    a.cluster_name === b.cluster_name &&
    strsEq(a.labels, b.labels) &&
    workloadsEq(a.workloads, b.workloads) &&
    countEq(a, 0, b)
  );
}

const HEADERS: ReadonlySet<string> = new Set(['headers']);

/**
 * HTTP equality of a live record `a` whose per-request header values went to the slot, and a
 * template `b`: those values must be "" in `b`, everything else equal.
 */
function httpTemplateEq(a: HTTP, b: HTTP | undefined): boolean {
  if (b === undefined || !sameValue(a, b, HEADERS)) return false;
  const x = a.headers!;
  const y = b.headers;
  if (!y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const h = x[i];
    const t = y[i];
    if (h.key !== t.key || !countEq(h, 0, t)) return false;
    if (PER_REQUEST_HEADERS.has(h.key as string) ? t.value !== '' : h.value !== t.value) return false;
    if (nkeys(h) > 2 && !sameValue(h, t, KEY_VALUE)) return false;
  }
  return true;
}
const KEY_VALUE: ReadonlySet<string> = new Set(['key', 'value']);
const CORRELATION: ReadonlySet<string> = new Set(['correlation_id']);

/** Kafka equality of a live record whose correlation id went to the slot, and a template without one. */
function kafkaTemplateEq(a: Kafka, b: Kafka | undefined): boolean {
  return b !== undefined && b.correlation_id === undefined && sameValue(a, b, CORRELATION);
}

/**
 * L7 equality, ignoring latency_ns when the latency column holds it, and the per-request header
 * values when the slot holds them (F_L7_VARS: the fragment is the template).
 */
export function l7Eq(a: Layer7, p: SplitParts, b: Layer7): boolean {
  const skipLat = (p.flags & F_LATENCY) !== 0;
  if (a.type !== b.type || (!skipLat && a.latency_ns !== b.latency_ns)) return false;
  const vars = p.flags & F_L7_VARS ? p.l7vars : undefined;
  const kafka = typeof vars === 'number';
  const httpEq = vars !== undefined && !kafka ? httpTemplateEq(a.http!, b.http) : sameValue(a.http, b.http);
  if (!sameValue(a.dns, b.dns) || !httpEq) return false;
  if (kafka ? !kafkaTemplateEq(a.kafka!, b.kafka) : !sameValue(a.kafka, b.kafka)) return false;
  return countEq(a, skipLat && a.latency_ns !== undefined ? 1 : 0, b);
}

function ipEq(a: IP | undefined, b: IP | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.source === b.source &&
    a.destination === b.destination &&
    a.ipVersion === b.ipVersion &&
    a.encrypted === b.encrypted &&
    a.source_xlated === b.source_xlated &&
    countEq(a, 0, b)
  );
}

function pairEq<T extends object>(a: T | undefined, b: T | undefined, k1: keyof T, k2: keyof T): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a[k1] === b[k1] && a[k2] === b[k2] && countEq(a, 0, b);
}

function l4Eq(a: Layer4 | undefined, p: SplitParts, b: Layer4 | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || !countEq(a, 0, b)) return false;
  const key = p.flags & F_PORTS ? p.portKey : undefined;
  if (a.TCP !== undefined || b.TCP !== undefined) {
    const x = a.TCP;
    const y = b.TCP;
    if (!x || !y || !sameValue(x.flags, y.flags)) return false;
    if (key === 'TCP') {
      if (!countEq(x, (x.source_port !== undefined ? 1 : 0) + (x.destination_port !== undefined ? 1 : 0), y))
        return false;
    } else if (
      x.source_port !== y.source_port ||
      x.destination_port !== y.destination_port ||
      !countEq(x, 0, y)
    )
      return false;
  }
  if (a.UDP !== undefined || b.UDP !== undefined) {
    const x = a.UDP;
    const y = b.UDP;
    if (!x || !y) return false;
    if (key === 'UDP') {
      if (!countEq(x, (x.source_port !== undefined ? 1 : 0) + (x.destination_port !== undefined ? 1 : 0), y))
        return false;
    } else if (
      x.source_port !== y.source_port ||
      x.destination_port !== y.destination_port ||
      !countEq(x, 0, y)
    )
      return false;
  }
  if (key === 'SCTP') {
    const x = a.SCTP!;
    const y = b.SCTP;
    if (
      !y ||
      x.chunk_type !== y.chunk_type ||
      !countEq(x, (x.source_port !== undefined ? 1 : 0) + (x.destination_port !== undefined ? 1 : 0), y)
    )
      return false;
  } else if (!sameValue(a.SCTP, b.SCTP)) return false;
  return (
    sameValue(a.ICMPv4, b.ICMPv4) &&
    sameValue(a.ICMPv6, b.ICMPv6) &&
    sameValue(a.VRRP, b.VRRP) &&
    sameValue(a.IGMP, b.IGMP)
  );
}

/** Flow fields compared with === (scalars and enum names); Summary unless it is in a column. */
function scalarsEq(a: Flow, b: Flow, columnSummary: boolean): boolean {
  return (
    a.verdict === b.verdict &&
    (columnSummary || a.Summary === b.Summary) &&
    a.node_name === b.node_name &&
    a.Type === b.Type &&
    a.traffic_direction === b.traffic_direction &&
    a.trace_observation_point === b.trace_observation_point &&
    a.is_reply === b.is_reply &&
    a.drop_reason === b.drop_reason &&
    a.drop_reason_desc === b.drop_reason_desc &&
    a.auth_type === b.auth_type &&
    a.reply === b.reply &&
    a.policy_match_type === b.policy_match_type &&
    a.trace_reason === b.trace_reason &&
    a.debug_capture_point === b.debug_capture_point &&
    a.proxy_port === b.proxy_port &&
    a.sock_xlate_point === b.sock_xlate_point &&
    a.socket_cookie === b.socket_cookie &&
    a.cgroup_id === b.cgroup_id
  );
}

const eq = (x: unknown, y: unknown): boolean => x === y || sameValue(x, y);

/** Flow fields holding objects or lists (rarely set; === first, so absent ones cost nothing). */
function objectsEq(a: Flow, b: Flow): boolean {
  return (
    eq(a.emitter, b.emitter) &&
    eq(a.tunnel, b.tunnel) &&
    eq(a.node_labels, b.node_labels) &&
    eq(a.source_names, b.source_names) &&
    eq(a.destination_names, b.destination_names) &&
    eq(a.source_service, b.source_service) &&
    eq(a.destination_service, b.destination_service) &&
    eq(a.file, b.file) &&
    eq(a.ip_trace_id, b.ip_trace_id) &&
    eq(a.interface, b.interface) &&
    eq(a.trace_context, b.trace_context) &&
    eq(a.extensions, b.extensions) &&
    eq(a.egress_allowed_by, b.egress_allowed_by) &&
    eq(a.ingress_allowed_by, b.ingress_allowed_by) &&
    eq(a.egress_denied_by, b.egress_denied_by) &&
    eq(a.ingress_denied_by, b.ingress_denied_by) &&
    eq(a.policy_log, b.policy_log) &&
    eq(a.aggregate, b.aggregate)
  );
}

function flowEq(a: Flow, p: SplitParts, b: Flow): boolean {
  const f = p.flags;
  if (!scalarsEq(a, b, (f & F_SUMMARY) !== 0)) return false;
  if (!(f & F_FLOW_TIME) && a.time !== b.time) return false;
  if (!(f & F_UUID) && a.uuid !== b.uuid) return false;
  if (
    !ipEq(a.IP, b.IP) ||
    !pairEq(a.ethernet, b.ethernet, 'source', 'destination') ||
    !pairEq(a.event_type, b.event_type, 'type', 'sub_type')
  )
    return false;
  if (!l4Eq(a.l4, p, b.l4)) return false;
  if (!objectsEq(a, b)) return false;
  let split = 0;
  if (f & F_FLOW_TIME) split++;
  if (f & F_UUID) split++;
  if (f & F_SUMMARY) split++;
  if (a.source !== undefined) split++;
  if (a.destination !== undefined) split++;
  if (a.l7 !== undefined) split++;
  return countEq(a, split, b);
}

/** Equality of `ev` without its split parts and the rest fragment `b`. */
export function restEq(ev: FlowEvent, p: SplitParts, b: FlowEvent): boolean {
  const skipTime = (p.flags & F_EVENT_TIME) !== 0;
  if (ev.node_name !== b.node_name || (!skipTime && ev.time !== b.time)) return false;
  if (!sameValue(ev.node_status, b.node_status) || !sameValue(ev.lost_events, b.lost_events)) return false;
  if (!countEq(ev, skipTime && ev.time !== undefined ? 1 : 0, b)) return false;
  if (ev.flow === undefined || b.flow === undefined) return ev.flow === b.flow;
  return flowEq(ev.flow, p, b.flow);
}
