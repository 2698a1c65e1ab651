/**
 * A fast JSON-lines writer for the events the simulator produces. It writes exactly what
 * `encodeEvent` (the canonical `hubble observe -o json` encoder) writes — the tests compare the
 * two on every built-in scenario — but caches the JSON of the frozen sub-objects the simulator
 * shares between flows (endpoints, services, MAC pairs, event types, flags), which makes it
 * several times faster. Any field it does not know sends the event to `encodeEvent`.
 */
import {
  encodeEvent,
  encodeFlow,
  quoteJson,
  type Flow,
  type FlowEvent,
  type Layer4,
  type Layer7,
  type TCPFlags,
} from '../flow/index.js';
import { ByteWriter } from './byte-writer.js';

const cache = new WeakMap<object, string>();

/** Cached `,"key":<json>` fragments of frozen sub-objects as bytes, one map per key. */
const fragments = new Map<string, WeakMap<object, Buffer>>();

/** Writes the `,"key":<json>` fragment of a sub-object, from the canonical encoder (cached when frozen). */
function frag(w: ByteWriter, key: keyof Flow, v: object): void {
  let m = fragments.get(key);
  if (!m) fragments.set(key, (m = new WeakMap()));
  let b = m.get(v);
  if (b === undefined) {
    const s = ',' + encodeFlow({ [key]: v } as Flow).slice(1, -1);
    if (!Object.isFrozen(v)) return w.str(s);
    m.set(v, (b = Buffer.from(s)));
  }
  w.bytes(b);
}

/**
 * Symbol under which the simulator attaches the pre-encoded `,"key":{…}` fragment to frozen
 * per-connection records (IP, l4). Symbol keys are invisible to JSON, `Object.keys` and `for…in`,
 * and a frozen record cannot change after its fragment was computed. (A WeakMap would do the
 * same but costs far more: millions of short-lived keys make ephemeron-heavy garbage.)
 */
export const FRAGMENT: unique symbol = Symbol('flowlens.sim.jsonFragment');

type WithFragment = { [FRAGMENT]?: string };

/** Freezes `obj` with its JSON fragment attached. */
export function freezeWithFragment<T extends object>(obj: T, fragment: string): T {
  Object.defineProperty(obj, FRAGMENT, { value: fragment, enumerable: false });
  return Object.freeze(obj);
}

/** The `,"IP":{…}` fragment of an IP record. */
export function ipFrag(ip: NonNullable<Flow['IP']>): string {
  const pre = (ip as WithFragment)[FRAGMENT];
  if (pre !== undefined) return pre;
  let b = '';
  if (ip.source) b += ',"source":' + quoteJson(ip.source);
  if (ip.destination) b += ',"destination":' + quoteJson(ip.destination);
  if (ip.ipVersion && ip.ipVersion !== 'IP_NOT_USED')
    b += ',"ipVersion":' + (typeof ip.ipVersion === 'number' ? ip.ipVersion : '"' + ip.ipVersion + '"');
  if (ip.encrypted) b += ',"encrypted":true';
  return ',"IP":{' + b.slice(1) + '}';
}

const FLAG_ORDER: Array<keyof TCPFlags> = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'];

function flags(f: TCPFlags): string {
  let s = cache.get(f);
  if (s === undefined) {
    s =
      '{' +
      FLAG_ORDER.filter((k) => f[k])
        .map((k) => `"${k}":true`)
        .join(',') +
      '}';
    if (Object.isFrozen(f)) cache.set(f, s);
  }
  return s;
}

function ports(p: { source_port?: number; destination_port?: number }): string {
  let s = '';
  if (p.source_port) s = '"source_port":' + p.source_port;
  if (p.destination_port) s += (s ? ',' : '') + '"destination_port":' + p.destination_port;
  return s;
}

function l4(x: Layer4): string | undefined {
  return (x as WithFragment)[FRAGMENT] ?? l4Text(x);
}

/** The `,"l4":{…}` fragment of TCP or UDP records (undefined for other protocols). */
export function l4Text(x: Layer4): string | undefined {
  if (x.TCP) {
    const t = x.TCP;
    let s = ports(t);
    if (t.flags) s += (s ? ',' : '') + '"flags":' + flags(t.flags);
    return ',"l4":{"TCP":{' + s + '}}';
  }
  if (x.UDP) return ',"l4":{"UDP":{' + ports(x.UDP) + '}}';
  return undefined;
}

function strList(a: string[]): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i ? ',' : '') + quoteJson(a[i]);
  return s + ']';
}

function l7(x: Layer7): string | undefined {
  let s = '{"type":"' + x.type + '"';
  if (x.latency_ns && x.latency_ns !== '0') s += ',"latency_ns":"' + x.latency_ns + '"';
  if (x.dns) {
    const d = x.dns;
    s += ',"dns":{"query":' + quoteJson(d.query ?? '');
    if (d.ips?.length) s += ',"ips":' + strList(d.ips);
    if (d.ttl) s += ',"ttl":' + d.ttl;
    if (d.cnames?.length) s += ',"cnames":' + strList(d.cnames);
    if (d.observation_source) s += ',"observation_source":' + quoteJson(d.observation_source);
    if (d.rcode) s += ',"rcode":' + d.rcode;
    if (d.qtypes?.length) s += ',"qtypes":' + strList(d.qtypes);
    if (d.rrtypes?.length) s += ',"rrtypes":' + strList(d.rrtypes);
    return s + '}}';
  }
  if (x.http) {
    const h = x.http;
    let b = '';
    if (h.code) b += ',"code":' + h.code;
    if (h.method) b += ',"method":' + quoteJson(h.method);
    if (h.url) b += ',"url":' + quoteJson(h.url);
    if (h.protocol) b += ',"protocol":' + quoteJson(h.protocol);
    if (h.headers?.length) {
      b += ',"headers":[';
      for (let i = 0; i < h.headers.length; i++)
        b +=
          (i ? ',' : '') +
          '{"key":' +
          quoteJson(h.headers[i].key ?? '') +
          ',"value":' +
          quoteJson(h.headers[i].value ?? '') +
          '}';
      b += ']';
    }
    return s + ',"http":{' + b.slice(1) + '}}';
  }
  if (x.kafka) {
    const k = x.kafka;
    let b = '';
    if (k.error_code) b += ',"error_code":' + k.error_code;
    if (k.api_version) b += ',"api_version":' + k.api_version;
    if (k.api_key) b += ',"api_key":' + quoteJson(k.api_key);
    if (k.correlation_id) b += ',"correlation_id":' + k.correlation_id;
    if (k.topic) b += ',"topic":' + quoteJson(k.topic);
    return s + ',"kafka":{' + b.slice(1) + '}}';
  }
  return undefined;
}

/**
 * Cached `,"key":<value>` fragments of values that repeat endlessly (enum names, node names,
 * L3/L4 summaries), as bytes, per key; bounded.
 */
class FieldCache {
  readonly #map = new Map<string, Buffer>();
  constructor(
    private readonly prefix: string,
    /** Write the value as a JSON string (true) or verbatim (false, enum names are unquoted already). */
    private readonly quote: boolean,
  ) {}

  write(w: ByteWriter, v: string): void {
    let b = this.#map.get(v);
    if (b === undefined) {
      b = Buffer.from(this.prefix + (this.quote ? quoteJson(v) : '"' + v + '"'));
      if (this.#map.size < 4096) this.#map.set(v, b);
    }
    w.bytes(b);
  }
}

const VERDICT = new FieldCache(',"verdict":', false);
const TYPE = new FieldCache(',"Type":', false);
const DIRECTION = new FieldCache(',"traffic_direction":', false);
const OBS_POINT = new FieldCache(',"trace_observation_point":', false);
const NODE_NAME = new FieldCache(',"node_name":', true);
const SUMMARY = new FieldCache(',"Summary":', true);

const KNOWN = new Set([
  'time',
  'uuid',
  'verdict',
  'drop_reason',
  'ethernet',
  'IP',
  'l4',
  'source',
  'destination',
  'Type',
  'node_name',
  'source_names',
  'destination_names',
  'l7',
  'reply',
  'event_type',
  'source_service',
  'destination_service',
  'traffic_direction',
  'policy_match_type',
  'trace_observation_point',
  'drop_reason_desc',
  'is_reply',
  'Summary',
]);

/** Whether every field of `f` is one the fast path writes. */
function supported(f: Flow): boolean {
  for (const k in f) if (!KNOWN.has(k)) return false;
  return true;
}

/** The writer behind encodeSimEvent. */
const lineWriter = new ByteWriter();

/**
 * Encodes a simulator event as one `hubble observe -o json` line (no trailing newline),
 * identical to `encodeEvent(ev)`.
 */
export function encodeSimEvent(ev: FlowEvent): string {
  lineWriter.pos = 0;
  writeSimEvent(ev, lineWriter);
  return lineWriter.text();
}

/**
 * Writes a simulator event as one `hubble observe -o json` line (no trailing newline) into
 * `w`: the bytes of `encodeEvent(ev)`, built without making the line a string first.
 */
export function writeSimEvent(ev: FlowEvent, w: ByteWriter): void {
  const start = w.pos;
  if (!writeFast(ev, w)) {
    w.pos = start;
    w.str(encodeEvent(ev));
  }
}

/** The fast path of writeSimEvent; false (with partial output) when the event needs encodeEvent. */
function writeFast(ev: FlowEvent, w: ByteWriter): boolean {
  const f = ev.flow;
  if (!f || !f.time || !supported(f) || ev.node_status || ev.lost_events) return false;
  w.ascii('{"flow":{"time":"');
  w.ascii(f.time);
  if (f.uuid) {
    w.ascii('","uuid":"');
    w.ascii(f.uuid);
  }
  w.byte(34); // "
  if (f.verdict) {
    if (typeof f.verdict !== 'string') return false;
    VERDICT.write(w, f.verdict);
  }
  if (f.drop_reason) {
    w.ascii(',"drop_reason":');
    w.num(f.drop_reason);
  }
  if (f.ethernet) frag(w, 'ethernet', f.ethernet);
  if (f.IP) {
    if (f.IP.source_xlated !== undefined) return false;
    w.ascii(ipFrag(f.IP));
  }
  if (f.l4) {
    const x = l4(f.l4);
    if (x === undefined) return false;
    w.ascii(x);
  }
  if (f.source) frag(w, 'source', f.source);
  if (f.destination) frag(w, 'destination', f.destination);
  if (f.Type) {
    if (typeof f.Type !== 'string') return false;
    TYPE.write(w, f.Type);
  }
  if (f.node_name) NODE_NAME.write(w, f.node_name);
  if (f.source_names?.length) frag(w, 'source_names', f.source_names);
  if (f.destination_names?.length) frag(w, 'destination_names', f.destination_names);
  if (f.l7) {
    const x = l7(f.l7);
    if (x === undefined) return false;
    w.ascii(',"l7":');
    w.str(x);
  }
  if (f.reply) w.ascii(',"reply":true');
  if (f.event_type) frag(w, 'event_type', f.event_type);
  if (f.source_service) frag(w, 'source_service', f.source_service);
  if (f.destination_service) frag(w, 'destination_service', f.destination_service);
  if (f.traffic_direction) {
    if (typeof f.traffic_direction !== 'string') return false;
    DIRECTION.write(w, f.traffic_direction);
  }
  if (f.policy_match_type) {
    w.ascii(',"policy_match_type":');
    w.num(f.policy_match_type);
  }
  if (f.trace_observation_point) {
    if (typeof f.trace_observation_point !== 'string') return false;
    OBS_POINT.write(w, f.trace_observation_point);
  }
  if (f.drop_reason_desc !== undefined) {
    w.ascii(',"drop_reason_desc":');
    if (typeof f.drop_reason_desc === 'number') w.num(f.drop_reason_desc);
    else {
      w.byte(34);
      w.ascii(f.drop_reason_desc);
      w.byte(34);
    }
  }
  if (f.is_reply !== undefined) w.ascii(f.is_reply ? ',"is_reply":true' : ',"is_reply":false');
  if (f.Summary) {
    if (!f.l7) SUMMARY.write(w, f.Summary);
    else {
      w.ascii(',"Summary":');
      w.str(quoteJson(f.Summary));
    }
  }
  w.byte(125); // }
  if (ev.node_name) NODE_NAME.write(w, ev.node_name);
  if (ev.time) {
    w.ascii(',"time":"');
    w.ascii(ev.time);
    w.byte(34);
  }
  w.byte(125);
  return true;
}
