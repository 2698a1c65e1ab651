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

const cache = new WeakMap<object, string>();

/** Cached `,"key":<json>` fragments of frozen sub-objects, one map per key. */
const fragments = new Map<string, WeakMap<object, string>>();

/** The `,"key":<json>` fragment of a sub-object, from the canonical encoder (cached when frozen). */
function frag(key: keyof Flow, v: object): string {
  let m = fragments.get(key);
  if (!m) fragments.set(key, (m = new WeakMap()));
  let s = m.get(v);
  if (s === undefined) {
    s = ',' + encodeFlow({ [key]: v } as Flow).slice(1, -1);
    if (Object.isFrozen(v)) m.set(v, s);
  }
  return s;
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

/** Quoted strings that repeat endlessly (node names, L3/L4 summaries); bounded. */
const quoted = new Map<string, string>();
function quoteCached(s: string): string {
  let q = quoted.get(s);
  if (q === undefined) {
    q = quoteJson(s);
    if (quoted.size < 4096) quoted.set(s, q);
  }
  return q;
}

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

/**
 * Encodes a simulator event as one `hubble observe -o json` line (no trailing newline),
 * identical to `encodeEvent(ev)`.
 */
export function encodeSimEvent(ev: FlowEvent): string {
  const f = ev.flow;
  if (!f || !f.time || !supported(f) || ev.node_status || ev.lost_events) return encodeEvent(ev);
  let s = '{"flow":{"time":"' + f.time + (f.uuid ? '","uuid":"' + f.uuid + '"' : '"');
  if (f.verdict) s += ',"verdict":"' + f.verdict + '"';
  if (f.drop_reason) s += ',"drop_reason":' + f.drop_reason;
  if (f.ethernet) s += frag('ethernet', f.ethernet);
  if (f.IP) {
    if (f.IP.source_xlated !== undefined) return encodeEvent(ev);
    s += ipFrag(f.IP);
  }
  if (f.l4) {
    const x = l4(f.l4);
    if (x === undefined) return encodeEvent(ev);
    s += x;
  }
  if (f.source) s += frag('source', f.source);
  if (f.destination) s += frag('destination', f.destination);
  if (f.Type) s += ',"Type":"' + f.Type + '"';
  if (f.node_name) s += ',"node_name":' + quoteCached(f.node_name);
  if (f.source_names?.length) s += frag('source_names', f.source_names);
  if (f.destination_names?.length) s += frag('destination_names', f.destination_names);
  if (f.l7) {
    const x = l7(f.l7);
    if (x === undefined) return encodeEvent(ev);
    s += ',"l7":' + x;
  }
  if (f.reply) s += ',"reply":true';
  if (f.event_type) s += frag('event_type', f.event_type);
  if (f.source_service) s += frag('source_service', f.source_service);
  if (f.destination_service) s += frag('destination_service', f.destination_service);
  if (f.traffic_direction) s += ',"traffic_direction":"' + f.traffic_direction + '"';
  if (f.policy_match_type) s += ',"policy_match_type":' + f.policy_match_type;
  if (f.trace_observation_point) s += ',"trace_observation_point":"' + f.trace_observation_point + '"';
  if (f.drop_reason_desc !== undefined)
    s +=
      ',"drop_reason_desc":' +
      (typeof f.drop_reason_desc === 'number' ? f.drop_reason_desc : '"' + f.drop_reason_desc + '"');
  if (f.is_reply !== undefined) s += ',"is_reply":' + f.is_reply;
  if (f.Summary) s += ',"Summary":' + (f.l7 ? quoteJson(f.Summary) : quoteCached(f.Summary));
  s += '}';
  if (ev.node_name) s += ',"node_name":' + quoteCached(ev.node_name);
  if (ev.time) s += ',"time":"' + ev.time + '"';
  return s + '}';
}
