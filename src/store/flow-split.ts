/**
 * Splits a FlowEvent into the parts the ring and the persistent store keep, and joins them back.
 *
 * A flow is mostly repetition: the source and destination endpoints (labels, workloads) are the
 * same for every flow of a pod, and the rest (IPs, ethernet, verdict, node, observation point,
 * summary) repeats per conversation. So a flow is stored as
 *   - per-flow scalars: time (seconds + nanos), uuid (16 bytes), source/destination ports,
 *     L7 latency, flag bits;
 *   - four interned fragments: source endpoint, destination endpoint, L7 record (without
 *     latency) and the rest of the event (without everything above).
 *
 * Serialising fragments to find them is too slow for the ingest path (JSON.stringify of a flow
 * costs about 10 µs on these machines), so fragments are found by a short key plus a structural
 * comparison (`*Matches`), and serialised (`*Json`) only when new.
 *
 * Invariant: `joinEvent` of a split event deep-equals it, for every event `decodeEvent`
 * produces (canonical shape, zero values absent). What does not fit a scalar column (a
 * non-canonical uuid, a pre-1970 time, a latency of 2^32 ns or more) stays in its fragment.
 */
import type { FlowEvent, Flow, HTTPHeader, Layer4, Layer7 } from '../flow/types.js';
import { formatUuid, parseUuid } from './uuid.js';
import { flatten } from '../util/flatten.js';
import { formatTimeCached, parseTimeInto, type TimeKey } from './time-key.js';

/** The time column holds `flow.time`. */
export const F_FLOW_TIME = 1;
/** The wrapper's `time` equals the time column and is not in the rest fragment. */
export const F_EVENT_TIME = 2;
/** `flow.uuid` is the uuid column. */
export const F_UUID = 4;
/** `flow.l7.latency_ns` is the latency column. */
export const F_LATENCY = 8;
/** The event carries a flow (otherwise it is a lost-event/node-status record kept whole). */
export const F_FLOW = 16;
/** The ports of l4's TCP/UDP/SCTP member are the port columns. */
export const F_PORTS = 32;
/**
 * The flow's per-request L7 values are in the ring's per-slot `l7vars` column: the values of its
 * per-request HTTP headers (`PER_REQUEST_HEADERS`; its L7 fragment holds "" in their place), or
 * its Kafka `correlation_id` (the fragment lacks it). Ring only: batches for the persistent store
 * carry the values alongside until the store's thread puts them back (see storeForm in batch.ts).
 */
export const F_L7_VARS = 64;

/**
 * HTTP headers whose value is different on every request (request ids and trace context). An L7
 * record carrying one would otherwise be a fragment of its own for each flow: some 300 bytes of
 * JSON per HTTP flow where the value itself is 36. Keys are compared exactly, lower case as
 * Envoy (Cilium's L7 proxy) and HTTP/2 write them.
 */
export const PER_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'x-request-id',
  'x-correlation-id',
  'traceparent',
  'tracestate',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'uber-trace-id',
  'x-amzn-trace-id',
  'x-cloud-trace-context',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
]);

/**
 * `flow.Summary` (a string) is in the ring's summary column, and the rest fragment lacks it.
 * Hubble's summaries of L7 flows carry the latency ("HTTP/1.1 200 7ms (GET …)"), so kept in the
 * rest fragment they made a fragment per latency and route: ten times as many rest fragments
 * in the simulator's traffic. Ring only: batches for the persistent store carry the summaries
 * alongside until the store's thread puts them back (see storeForm in batch.ts).
 */
export const F_SUMMARY = 128;

/**
 * A slot's per-request L7 values (F_L7_VARS): the values of its per-request HTTP headers in
 * header order (one string, or several), or (a number) its Kafka record's `correlation_id`.
 */
export type L7Vars = string | readonly string[] | number;

type PortKey = 'TCP' | 'UDP' | 'SCTP';
const PORT_KEYS: readonly PortKey[] = ['TCP', 'UDP', 'SCTP'];
const U32 = 0x1_0000_0000;
const DIGITS = /^[1-9]\d{0,9}$/;

/** Per-flow scalars of a split event (reused: one per writer). */
export interface SplitParts {
  secs: number;
  nanos: number;
  flags: number;
  readonly uuid: Uint8Array;
  sport: number;
  dport: number;
  latency: number;
  portKey: PortKey | undefined;
  /** The per-request L7 values (header values or a Kafka correlation id) when `flags & F_L7_VARS`. */
  l7vars: L7Vars | undefined;
  /** `flow.Summary` when `flags & F_SUMMARY`. */
  summary: string | undefined;
}

/** Creates a scratch SplitParts. */
export function newSplitParts(): SplitParts {
  return {
    secs: 0,
    nanos: 0,
    flags: 0,
    uuid: new Uint8Array(16),
    sport: 0,
    dport: 0,
    latency: 0,
    portKey: undefined,
    l7vars: undefined,
    summary: undefined,
  };
}

const tk: TimeKey = { secs: 0, nanos: 0 };

function setTime(out: SplitParts, s: string | undefined): boolean {
  if (!s || !parseTimeInto(s, tk) || tk.secs < 0 || tk.secs >= U32) return false;
  out.secs = tk.secs;
  out.nanos = tk.nanos;
  return true;
}

function validPort(p: number | undefined): boolean {
  return p === undefined || (Number.isInteger(p) && p > 0 && p < 65536);
}

/** Fills the scalar columns and flags of `ev` into `out`. */
export function splitScalars(ev: FlowEvent, out: SplitParts): void {
  out.secs = out.nanos = out.sport = out.dport = out.latency = 0;
  out.portKey = undefined;
  out.l7vars = undefined;
  out.summary = undefined;
  const f = ev.flow;
  if (!f) {
    out.flags = setTime(out, ev.time) ? F_EVENT_TIME : 0;
    return;
  }
  let flags = F_FLOW;
  if (setTime(out, f.time)) {
    flags |= F_FLOW_TIME;
    if (ev.time === f.time) flags |= F_EVENT_TIME;
  } else if (setTime(out, ev.time)) flags |= F_EVENT_TIME;
  if (f.uuid !== undefined && parseUuid(f.uuid, out.uuid)) flags |= F_UUID;
  const summary = f.Summary;
  if (typeof summary === 'string') {
    flags |= F_SUMMARY;
    out.summary = summary;
  }
  const l7 = f.l7;
  if (l7 !== undefined) {
    const lat = l7.latency_ns;
    if (typeof lat === 'string' && DIGITS.test(lat) && +lat < U32) {
      flags |= F_LATENCY;
      out.latency = +lat;
    }
    const http = l7.http;
    if (http !== undefined) {
      const hs = http.headers;
      if (hs !== undefined && hs.length > 0) {
        const vars = requestVars(hs);
        if (vars !== undefined) {
          flags |= F_L7_VARS;
          out.l7vars = vars;
        }
      }
    } else {
      // Kafka correlates a request and its response by an id of the client's, different for
      // every request.
      const c = l7.kafka?.correlation_id;
      if (typeof c === 'number' && Number.isInteger(c)) {
        flags |= F_L7_VARS;
        out.l7vars = c;
      }
    }
  }
  const l4 = f.l4;
  if (l4) {
    // Named loads (a loop over the key names would make these keyed, megamorphic loads).
    const tcp = l4.TCP;
    const udp = l4.UDP;
    const sctp = l4.SCTP;
    let key: PortKey | undefined;
    let p: { source_port?: number; destination_port?: number } | undefined;
    // Ports are columns only when exactly one of the three is present.
    if (tcp !== undefined) {
      if (udp === undefined && sctp === undefined) {
        key = 'TCP';
        p = tcp;
      }
    } else if (udp !== undefined) {
      if (sctp === undefined) {
        key = 'UDP';
        p = udp;
      }
    } else if (sctp !== undefined) {
      key = 'SCTP';
      p = sctp;
    }
    if (
      p &&
      (p.source_port || p.destination_port) &&
      validPort(p.source_port) &&
      validPort(p.destination_port)
    ) {
      flags |= F_PORTS;
      out.portKey = key;
      out.sport = p.source_port ?? 0;
      out.dport = p.destination_port ?? 0;
    }
  }
  out.flags = flags;
}

/**
 * The values of the per-request headers of `hs`, or undefined when there are none or when one
 * of them has no non-empty string value (then the record stays whole in its fragment, so that
 * a template's "" always means "filled from the slot").
 */
function requestVars(hs: readonly HTTPHeader[]): L7Vars | undefined {
  let one: string | undefined;
  let more: string[] | undefined;
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i];
    if (!PER_REQUEST_HEADERS.has(h.key as string)) continue;
    const v = h.value;
    if (typeof v !== 'string' || v === '') return undefined;
    // Kept as long as the slot: flattened, so that a value built by concatenation costs only
    // its characters.
    if (one === undefined) one = flatten(v);
    else (more ??= [one]).push(flatten(v));
  }
  return more ?? one;
}

/** `hs` with the per-request values replaced by "" (the template the fragment keeps). */
function templateHeaders(hs: readonly HTTPHeader[]): HTTPHeader[] {
  return hs.map((h) => (PER_REQUEST_HEADERS.has(h.key as string) ? { ...h, value: '' } : h));
}

/** `hs` (a template) with the per-request values of `vars` put back, in order. */
function fillHeaders(hs: readonly HTTPHeader[], vars: string | readonly string[]): HTTPHeader[] {
  let k = 0;
  return hs.map((h) => {
    if (!PER_REQUEST_HEADERS.has(h.key as string)) return h;
    const value = typeof vars === 'string' ? vars : vars[k];
    k++;
    return { ...h, value };
  });
}

/**
 * Structural equality of a live value and a parsed fragment value: keys whose live value is
 * undefined count as absent (as in JSON), and `skip` keys of the top level are ignored.
 */
export function sameValue(a: unknown, b: unknown, skip?: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k in ao) {
    const v = ao[k];
    if (v === undefined || skip?.has(k)) continue;
    n++;
    if (!sameValue(v, bo[k])) return false;
  }
  let m = 0;
  for (const k in bo) if (!skip?.has(k)) m++;
  return n === m;
}

/**
 * JSON of the L7 fragment of `l7`: a template when `flags & F_L7_VARS` (the ring's form), with
 * "" for the per-request header values, or without the Kafka `correlation_id`.
 */
export function l7Json(l7: Layer7, p: SplitParts): string {
  const latency_ns = p.flags & F_LATENCY ? undefined : l7.latency_ns;
  if (p.flags & F_L7_VARS) {
    if (typeof p.l7vars === 'number')
      return JSON.stringify({ ...l7, latency_ns, kafka: { ...l7.kafka, correlation_id: undefined } });
    const http = l7.http!;
    return JSON.stringify({ ...l7, latency_ns, http: { ...http, headers: templateHeaders(http.headers!) } });
  }
  return JSON.stringify(p.flags & F_LATENCY ? { ...l7, latency_ns } : l7);
}

/** A template L7 record (see l7Json) with its per-request values `vars` put back. */
export function fillL7(template: Layer7, vars: L7Vars): Layer7 {
  if (typeof vars === 'number') return { ...template, kafka: { ...template.kafka, correlation_id: vars } };
  const http = template.http!;
  return { ...template, http: { ...http, headers: fillHeaders(http.headers!, vars) } };
}

/** JSON of the rest fragment of `ev`. */
export function restJson(ev: FlowEvent, p: SplitParts): string {
  const flags = p.flags;
  const time = flags & F_EVENT_TIME ? undefined : ev.time;
  const f = ev.flow;
  if (!(flags & F_FLOW) || !f) return JSON.stringify({ ...ev, time });
  let l4 = f.l4;
  if (flags & F_PORTS && l4)
    l4 = { ...l4, [p.portKey!]: { ...l4[p.portKey!], source_port: undefined, destination_port: undefined } };
  const flow: Flow = {
    ...f,
    time: flags & F_FLOW_TIME ? undefined : f.time,
    uuid: flags & F_UUID ? undefined : f.uuid,
    Summary: flags & F_SUMMARY ? undefined : f.Summary,
    source: undefined,
    destination: undefined,
    l7: undefined,
    l4,
  };
  return JSON.stringify({ ...ev, time, flow });
}

/** The parsed fragments of one stored flow. */
export interface JoinFragments {
  rest: FlowEvent;
  src: Flow['source'];
  dst: Flow['destination'];
  l7: Layer7 | undefined;
}

/**
 * Rebuilds an event from its parts. Fragment objects are shared (frozen); only the wrapper, the
 * flow, and the l4/l7 members that receive columns are new.
 */
export function joinEvent(
  frags: JoinFragments,
  secs: number,
  nanos: number,
  flags: number,
  uuid: Uint8Array,
  uuidOffset: number,
  sport: number,
  dport: number,
  latency: number,
  l7vars?: L7Vars,
  summary?: string,
): FlowEvent {
  const rest = frags.rest;
  const time = flags & (F_FLOW_TIME | F_EVENT_TIME) ? formatTimeCached(secs, nanos) : undefined;
  if (!(flags & F_FLOW)) return flags & F_EVENT_TIME ? { ...rest, time } : { ...rest };
  const rf = rest.flow!;
  const flow: Flow = { ...rf };
  if (flags & F_FLOW_TIME) flow.time = time;
  if (flags & F_UUID) flow.uuid = formatUuid(uuid, uuidOffset);
  if (flags & F_SUMMARY && summary !== undefined) flow.Summary = summary;
  if (frags.src) flow.source = frags.src;
  if (frags.dst) flow.destination = frags.dst;
  const l7 = frags.l7;
  if (l7) {
    if (flags & F_L7_VARS && l7vars !== undefined) {
      const out = fillL7(l7, l7vars);
      if (flags & F_LATENCY) out.latency_ns = String(latency);
      flow.l7 = out;
    } else flow.l7 = flags & F_LATENCY ? { ...l7, latency_ns: String(latency) } : l7;
  }
  if (flags & F_PORTS && rf.l4) flow.l4 = joinPorts(rf.l4, sport, dport);
  const ev: FlowEvent = { ...rest, flow };
  if (flags & F_EVENT_TIME) ev.time = time;
  return ev;
}

function joinPorts(l4: Layer4, sport: number, dport: number): Layer4 {
  for (const k of PORT_KEYS) {
    const p = l4[k];
    if (p !== undefined) {
      const np: { source_port?: number; destination_port?: number } = { ...p };
      if (sport) np.source_port = sport;
      if (dport) np.destination_port = dport;
      return { ...l4, [k]: np };
    }
  }
  return l4;
}
