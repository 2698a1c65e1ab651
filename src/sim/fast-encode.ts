/**
 * A fast JSON-lines writer for the events the simulator produces. It writes exactly what
 * `encodeEvent` (the canonical `hubble observe -o json` encoder) writes — the tests compare the
 * two on every built-in scenario — but caches the JSON of the frozen sub-objects the simulator
 * shares between flows (endpoints, services, MAC pairs, event types, flags), which makes it
 * several times faster. Any field it does not know sends the event to `encodeEvent`.
 *
 * Flows between the same two addresses look alike: most of a line is fixed by a few shared
 * objects and enum names, and only the time, uuid, ports and L7 record change from one to the
 * next. The simulator's interned IP records (ipRecordWithLines) therefore keep a short list of
 * line templates: the bytes of everything else, and the field values they were made from. A
 * flow whose fields are those values (compared by identity) is written as template plus holes.
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
import { uuidText, writeUuid, type TimeWriter } from './clock.js';

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
 * Symbols under which the simulator's IP records carry their pre-encoded `,"IP":{…}` fragment
 * and their list of line templates. Symbol keys are invisible to JSON, `Object.keys` and
 * `for…in`, and a frozen record cannot change after its fragment was computed. (A WeakMap would
 * do the same but costs more.)
 */
const FRAGMENT: unique symbol = Symbol('flowlens.sim.jsonFragment');
const LINES: unique symbol = Symbol('flowlens.sim.lineTemplates');

type WithFragment = { [FRAGMENT]?: string };
type WithLines = { [LINES]?: Line[] };

/**
 * A frozen IPv4 record (dotted quads) with its JSON fragment and an (initially empty) list of
 * line templates. Meant to be interned per address pair for the length of a run
 * (FlowFactory.ip), so that the templates serve every connection between the two addresses.
 */
export function ipRecordWithLines(
  source: string,
  destination: string,
): { source: string; destination: string; ipVersion: 'IPv4' } {
  const ip = { source, destination, ipVersion: 'IPv4' as const };
  Object.defineProperty(ip, LINES, { value: [], enumerable: false });
  Object.defineProperty(ip, FRAGMENT, {
    value: `,"IP":{"source":"${source}","destination":"${destination}","ipVersion":"IPv4"}`,
    enumerable: false,
  });
  return Object.freeze(ip);
}

/** The `,"IP":{…}` fragment of an IP record. */
function ipFrag(ip: NonNullable<Flow['IP']>): string {
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

/** The `,"l4":{…}` fragment of TCP or UDP records (undefined for other protocols). */
function l4Text(x: Layer4): string | undefined {
  if (!tcpOrUdpOnly(x)) return undefined;
  if (x.TCP) {
    const t = x.TCP;
    let s = ports(t);
    if (t.flags) s += (s ? ',' : '') + '"flags":' + flags(t.flags);
    return ',"l4":{"TCP":{' + s + '}}';
  }
  if (x.UDP) return ',"l4":{"UDP":{' + ports(x.UDP) + '}}';
  return undefined;
}

/** Strings up to this length are checked and copied character by character (measured). */
const SHORT_STRING = 16;

/**
 * How quoteJson writes each ASCII character: 0 as itself, 1 as `\u00xx`, else as a backslash
 * and this character code (`\"`, `\\`, `\n`, …). Go escapes <, > and & for HTML.
 */
const ESCAPE = new Uint8Array(128);
for (let c = 0; c < 32; c++) ESCAPE[c] = 1;
for (const [c, e] of [
  ['"', '"'],
  ['\\', '\\'],
  ['\b', 'b'],
  ['\f', 'f'],
  ['\n', 'n'],
  ['\r', 'r'],
  ['\t', 't'],
])
  ESCAPE[c.charCodeAt(0)] = e.charCodeAt(0);
for (const c of '<>&') ESCAPE[c.charCodeAt(0)] = 1;

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Writes the escaped form of ASCII character `c` to `b` ending just before `end`; returns its start. */
function escapeBack(b: Buffer, end: number, c: number): number {
  const e = ESCAPE[c];
  if (e === 0) {
    b[end - 1] = c;
    return end - 1;
  }
  if (e !== 1) {
    b[end - 2] = 92;
    b[end - 1] = e;
    return end - 2;
  }
  b.set(U00, end - 6);
  b[end - 2] = HEX_DIGITS[c >> 4];
  b[end - 1] = HEX_DIGITS[c & 15];
  return end - 6;
}
const U00 = Buffer.from('\\u00');

/**
 * Appends `s` as a JSON string, as quoteJson writes it. ASCII strings are written here: longer
 * ones copied natively first and checked in the buffer (they are often concatenations, ropes,
 * that a character loop would first have to flatten into a new string), escaped in place when
 * needed. Strings with other characters go through quoteJson.
 */
function jsonString(w: ByteWriter, s: string): void {
  const n = s.length;
  if (w.pos + 6 * n + 2 > w.buf.length) w.reserve(6 * n + 2);
  const b = w.buf;
  const start = w.pos;
  const from = start + 1;
  let end = from + n;
  let extra = 0;
  if (n > SHORT_STRING) {
    if (b.utf8Write(s, from) !== n) return w.str(quoteJson(s)); // not ASCII
    for (let p = from; p < end; p++) {
      const c = b[p];
      if (c < 127 && ESCAPE[c] !== 0) extra += ESCAPE[c] === 1 ? 5 : 1;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) return w.str(quoteJson(s));
      b[from + i] = c;
      if (ESCAPE[c] !== 0) extra += ESCAPE[c] === 1 ? 5 : 1;
    }
  }
  if (extra > 0) {
    // Spread the characters out from the back, escaping as they go.
    let q = end + extra;
    for (let p = end - 1; p >= from; p--) q = escapeBack(b, q, b[p]);
    end += extra;
  }
  b[start] = 34;
  b[end] = 34;
  w.pos = end + 1;
}

function strList(w: ByteWriter, a: string[]): void {
  w.byte(91); // [
  for (let i = 0; i < a.length; i++) {
    if (i) w.byte(44);
    jsonString(w, a[i]);
  }
  w.byte(93);
}

/**
 * Object fields of an L7 record: each writes `sep` (`{` before the first field, then `,`), the
 * quoted name with its colon, and the value; each returns the next separator (a comma).
 */
function str(w: ByteWriter, sep: number, name: string, v: string): number {
  w.byte(sep);
  w.ascii(name);
  jsonString(w, v);
  return 44;
}

function num(w: ByteWriter, sep: number, name: string, v: number): number {
  w.byte(sep);
  w.ascii(name);
  w.num(v);
  return 44;
}

function list(w: ByteWriter, sep: number, name: string, v: string[]): number {
  w.byte(sep);
  w.ascii(name);
  strList(w, v);
  return 44;
}

/** Ends a record opened by the field writers above (`{}` when no field was written) and the l7 object. */
function close(w: ByteWriter, sep: number): true {
  if (sep === 123) w.byte(123);
  w.ascii('}}');
  return true;
}

const L7_TYPES = new Set(['REQUEST', 'RESPONSE', 'SAMPLE']);

/** Writes `,"l7":{…}`; false (with partial output) for records it does not know. */
function writeL7(w: ByteWriter, x: Layer7): boolean {
  if (typeof x.type !== 'string' || !L7_TYPES.has(x.type)) return false;
  if ((x.dns ? 1 : 0) + (x.http ? 1 : 0) + (x.kafka ? 1 : 0) !== 1) return false;
  w.ascii(',"l7":{"type":"');
  w.ascii(x.type);
  w.byte(34);
  if (x.latency_ns && x.latency_ns !== '0') {
    w.ascii(',"latency_ns":');
    jsonString(w, x.latency_ns);
  }
  if (x.dns) {
    const d = x.dns;
    w.ascii(',"dns":');
    let sep = 123; // { before the first field, then commas
    if (d.query) sep = str(w, sep, '"query":', d.query);
    if (d.ips?.length) sep = list(w, sep, '"ips":', d.ips);
    if (d.ttl) sep = num(w, sep, '"ttl":', d.ttl);
    if (d.cnames?.length) sep = list(w, sep, '"cnames":', d.cnames);
    if (d.observation_source) sep = str(w, sep, '"observation_source":', d.observation_source);
    if (d.rcode) sep = num(w, sep, '"rcode":', d.rcode);
    if (d.qtypes?.length) sep = list(w, sep, '"qtypes":', d.qtypes);
    if (d.rrtypes?.length) sep = list(w, sep, '"rrtypes":', d.rrtypes);
    return close(w, sep);
  }
  if (x.http) {
    const h = x.http;
    w.ascii(',"http":');
    let sep = 123;
    if (h.code) sep = num(w, sep, '"code":', h.code);
    if (h.method) sep = str(w, sep, '"method":', h.method);
    if (h.url) sep = str(w, sep, '"url":', h.url);
    if (h.protocol) sep = str(w, sep, '"protocol":', h.protocol);
    if (h.headers?.length) {
      w.byte(sep);
      w.ascii('"headers":[');
      for (let i = 0; i < h.headers.length; i++) {
        const { key, value } = h.headers[i];
        if (i) w.byte(44);
        let hs = 123;
        if (key) hs = str(w, hs, '"key":', key);
        if (value) hs = str(w, hs, '"value":', value);
        if (hs === 123) w.byte(123);
        w.byte(125);
      }
      w.byte(93);
      sep = 44;
    }
    return close(w, sep);
  }
  if (x.kafka) {
    const k = x.kafka;
    w.ascii(',"kafka":');
    let sep = 123;
    if (k.error_code) sep = num(w, sep, '"error_code":', k.error_code);
    if (k.api_version) sep = num(w, sep, '"api_version":', k.api_version);
    if (k.api_key) sep = str(w, sep, '"api_key":', k.api_key);
    if (k.correlation_id) sep = num(w, sep, '"correlation_id":', k.correlation_id);
    if (k.topic) sep = str(w, sep, '"topic":', k.topic);
    return close(w, sep);
  }
  return false;
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
  const f = ev.flow;
  if (f !== undefined && supported(f)) {
    if (writeTemplated(ev, w, false)) return;
    w.pos = start;
    if (writeFast(ev, w)) return;
    w.pos = start;
  }
  w.str(encodeEvent(ev));
}

/**
 * writeSimEvent for the events of a FlowGenerator, written as they are generated
 * (simulateChunks): FlowFactory builds every flow from one object literal of known fields and
 * only TCP or UDP l4 records, and nothing else sees the events before they are written, so the
 * per-flow checks for other fields are left out. `src`: the event's stamp (see StampSource).
 */
export function writeGeneratedEvent(ev: FlowEvent, w: ByteWriter, src?: StampSource): void {
  const start = w.pos;
  if (writeTemplated(ev, w, true, src)) return;
  w.pos = start;
  if (src !== undefined) stampText(ev, src);
  if (writeFast(ev, w)) return;
  w.pos = start;
  w.str(encodeEvent(ev));
}

/** `,"verdict"` … `,"IP"`: false (with partial output) when the flow needs encodeEvent. */
function writeHead(f: Flow, w: ByteWriter): boolean {
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
  return true;
}

/** `,"source"` … `,"destination_names"`. */
function writeEndpoints(f: Flow, w: ByteWriter): boolean {
  if (f.source) frag(w, 'source', f.source);
  if (f.destination) frag(w, 'destination', f.destination);
  if (f.Type) {
    if (typeof f.Type !== 'string') return false;
    TYPE.write(w, f.Type);
  }
  if (f.node_name) NODE_NAME.write(w, f.node_name);
  if (f.source_names?.length) frag(w, 'source_names', f.source_names);
  if (f.destination_names?.length) frag(w, 'destination_names', f.destination_names);
  return true;
}

/** `,"reply"` … `,"is_reply"` (the fields between l7 and Summary). */
function writeRest(f: Flow, w: ByteWriter): boolean {
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
  return true;
}

/**
 * The end of the flow object and the wrapper's node name, up to the wrapper's time value when
 * it has one (`evTime`), else to the end of the line.
 */
function writeWrapper(ev: FlowEvent, w: ByteWriter, evTime: boolean): void {
  w.byte(125); // }
  if (ev.node_name) NODE_NAME.write(w, ev.node_name);
  if (evTime) w.ascii(',"time":"');
  else w.byte(125);
}

/** The field-by-field path of writeSimEvent; false (with partial output) when the event needs encodeEvent. */
function writeFast(ev: FlowEvent, w: ByteWriter): boolean {
  const f = ev.flow;
  if (!f || !f.time || ev.node_status || ev.lost_events) return false;
  w.ascii('{"flow":{"time":"');
  w.ascii(f.time);
  if (f.uuid) {
    w.ascii('","uuid":"');
    w.ascii(f.uuid);
  }
  w.byte(34); // "
  if (!writeHead(f, w)) return false;
  if (f.l4) {
    const x = l4Text(f.l4);
    if (x === undefined) return false;
    w.ascii(x);
  }
  if (!writeEndpoints(f, w)) return false;
  if (f.l7 && !writeL7(w, f.l7)) return false;
  if (!writeRest(f, w)) return false;
  if (f.Summary) {
    if (!f.l7) SUMMARY.write(w, f.Summary);
    else {
      w.ascii(',"Summary":');
      jsonString(w, f.Summary);
    }
  }
  writeWrapper(ev, w, !!ev.time);
  if (ev.time) {
    w.ascii(ev.time);
    w.ascii('"}');
  }
  return true;
}

/**
 * A line template: the bytes of a line but for its holes (time, uuid, the two ports and, for
 * L7 flows, the l7 record and Summary), and the values of every other field it was made from.
 *
 *   {"flow":{"time":"<time>","uuid":"<uuid><head><port>,"destination_port":<port><body>
 *   then, without L7: <ev.time>"}  (when the body ends in `,"time":"`)
 *   with L7: ,"l7":{…}<post>"<Summary>"<end><ev.time>"}
 */
class Line {
  constructor(
    readonly event_type: Flow['event_type'],
    readonly flags: TCPFlags | undefined,
    readonly tcp: boolean,
    readonly trace_observation_point: Flow['trace_observation_point'],
    readonly node_name: string | undefined,
    readonly source: Flow['source'],
    readonly destination: Flow['destination'],
    readonly ethernet: Flow['ethernet'],
    readonly verdict: Flow['verdict'],
    readonly drop_reason: number | undefined,
    readonly Type: Flow['Type'],
    readonly source_names: string[] | undefined,
    readonly destination_names: string[] | undefined,
    readonly l7: boolean,
    readonly reply: boolean | undefined,
    readonly source_service: Flow['source_service'],
    readonly destination_service: Flow['destination_service'],
    readonly traffic_direction: Flow['traffic_direction'],
    readonly policy_match_type: number | undefined,
    readonly drop_reason_desc: Flow['drop_reason_desc'],
    readonly is_reply: boolean | undefined,
    /** The Summary of an L3/L4 template (written from the template). */
    readonly Summary: string | undefined,
    /** Whether an L7 template's flow has a Summary (written per flow). */
    readonly hasSummary: boolean,
    readonly evNode: string | undefined,
    readonly evTime: boolean,
    readonly head: Buffer,
    readonly body: Buffer,
    readonly post: Buffer,
    readonly end: Buffer,
  ) {}
}

/** At most this many templates per address pair (a simulated pair needs about 5, at most ~20). */
const MAX_LINES = 48;

/** Room for a timestamp written by TimeWriter, and the length of a UUID. */
const TIME_MAX = 40;
const UUID_LENGTH = 36;
const PREFIX = Buffer.from('{"flow":{"time":"');
const UUID_KEY = Buffer.from('","uuid":"');
const DPORT_KEY = Buffer.from(',"destination_port":');
const TCP_OPEN = ',"l4":{"TCP":{"source_port":';
const UDP_OPEN = ',"l4":{"UDP":{"source_port":';
const EMPTY = Buffer.alloc(0);

/** Whether `v` is absent or a frozen object (whose JSON cannot change under a template). */
function fixed(v: object | undefined): boolean {
  return v === undefined || Object.isFrozen(v);
}

/** The template of `f` and `ev` (whose l4 is TCP when `tcp`, else UDP), or undefined if it has none. */
function makeLine(
  f: Flow,
  ev: FlowEvent,
  evTime: boolean,
  tcp: boolean,
  fl: TCPFlags | undefined,
): Line | undefined {
  if (
    !fixed(f.ethernet) ||
    !fixed(f.source) ||
    !fixed(f.destination) ||
    !fixed(f.source_names) ||
    !fixed(f.destination_names) ||
    !fixed(f.event_type) ||
    !fixed(f.source_service) ||
    !fixed(f.destination_service) ||
    !fixed(fl)
  )
    return undefined;
  const s = new ByteWriter(1024);
  s.byte(34); // closes the uuid
  if (!writeHead(f, s)) return undefined;
  s.ascii(tcp ? TCP_OPEN : UDP_OPEN);
  const head = s.take();
  if (fl) s.ascii(',"flags":' + flags(fl));
  s.ascii('}}');
  if (!writeEndpoints(f, s)) return undefined;
  const l7 = !!f.l7;
  let body: Buffer;
  let post: Buffer = EMPTY;
  let end: Buffer = EMPTY;
  if (l7) {
    body = s.take();
    if (!writeRest(f, s)) return undefined;
    if (f.Summary) s.ascii(',"Summary":');
    post = s.take();
    writeWrapper(ev, s, evTime);
    end = s.take();
  } else {
    if (!writeRest(f, s)) return undefined;
    if (f.Summary) SUMMARY.write(s, f.Summary);
    writeWrapper(ev, s, evTime);
    body = s.take();
  }
  return new Line(
    f.event_type,
    fl,
    tcp,
    f.trace_observation_point,
    f.node_name,
    f.source,
    f.destination,
    f.ethernet,
    f.verdict,
    f.drop_reason,
    f.Type,
    f.source_names,
    f.destination_names,
    l7,
    f.reply,
    f.source_service,
    f.destination_service,
    f.traffic_direction,
    f.policy_match_type,
    f.drop_reason_desc,
    f.is_reply,
    l7 ? undefined : f.Summary,
    !!f.Summary,
    ev.node_name,
    evTime,
    head,
    body,
    post,
    end,
  );
}

/** Whether template `t` was made from the values of `f` and `ev` (but for the holes). */
function matches(
  t: Line,
  f: Flow,
  ev: FlowEvent,
  evTime: boolean,
  tcp: boolean,
  fl: TCPFlags | undefined,
): boolean {
  return (
    t.event_type === f.event_type &&
    t.flags === fl &&
    t.tcp === tcp &&
    t.trace_observation_point === f.trace_observation_point &&
    t.node_name === f.node_name &&
    t.source === f.source &&
    t.destination === f.destination &&
    t.ethernet === f.ethernet &&
    t.verdict === f.verdict &&
    t.drop_reason === f.drop_reason &&
    t.Type === f.Type &&
    t.source_names === f.source_names &&
    t.destination_names === f.destination_names &&
    t.l7 === !!f.l7 &&
    t.reply === f.reply &&
    t.source_service === f.source_service &&
    t.destination_service === f.destination_service &&
    t.traffic_direction === f.traffic_direction &&
    t.policy_match_type === f.policy_match_type &&
    t.drop_reason_desc === f.drop_reason_desc &&
    t.is_reply === f.is_reply &&
    (t.l7 ? t.hasSummary === !!f.Summary : t.Summary === f.Summary) &&
    t.evNode === ev.node_name &&
    t.evTime === evTime
  );
}

function copyBytes(b: Buffer, p: number, x: Buffer): number {
  b.set(x, p);
  return p + x.length;
}

/**
 * Where the stamps of generated events are (simulateChunks): `stamps` is the Run.stamps of the
 * event's run and `at` the index of the event's stamp there. A stamped event of a stamping
 * FlowFactory has no time or uuid strings: its stamp holds them as numbers, written straight
 * into the line by `time` and writeUuid, and made strings only for the slower paths (stampText).
 */
export interface StampSource {
  time: TimeWriter;
  stamps: number[] | undefined;
  at: number;
}

/** Gives a stamped event its time and uuid strings (as a FlowFactory without stamps makes them). */
function stampText(ev: FlowEvent, src: StampSource): void {
  const st = src.stamps;
  const k = src.at;
  const f = ev.flow;
  if (st === undefined || st[k] !== st[k] || f === undefined) return;
  if (f.time === undefined) f.time = src.time.clock.format(st[k]);
  if (f.uuid === undefined) f.uuid = uuidText(st[k + 1], st[k + 2], st[k + 3], st[k + 4]);
  if (ev.time === undefined) ev.time = f.time;
}

/** Whether an l4 record has nothing but one TCP or UDP record (as the simulator's have). */
function tcpOrUdpOnly(x: Layer4): boolean {
  return (
    (x.TCP === undefined) !== (x.UDP === undefined) &&
    x.ICMPv4 === undefined &&
    x.ICMPv6 === undefined &&
    x.SCTP === undefined &&
    x.VRRP === undefined &&
    x.IGMP === undefined
  );
}

/**
 * Writes the event from a template of its IP record, making the template on first sight;
 * false (with partial output) when the event has no template. `trusted`: the event is the
 * simulator's own (l4 records are TCP or UDP only). `src`: the event's stamp, if any.
 */
function writeTemplated(ev: FlowEvent, w: ByteWriter, trusted: boolean, src?: StampSource): boolean {
  const f = ev.flow;
  if (f === undefined || ev.node_status !== undefined || ev.lost_events !== undefined) return false;
  const ip = f.IP;
  const x = f.l4;
  if (ip === undefined || x === undefined) return false;
  const lines = (ip as WithLines)[LINES];
  if (lines === undefined || (!trusted && !tcpOrUdpOnly(x))) return false;
  const time = f.time;
  const uuid = f.uuid;
  const evTime = ev.time;
  // A stamped event's time and uuid are its stamp's (see StampSource).
  const stamps = src?.stamps;
  const k = src !== undefined ? src.at : 0;
  const tNs = stamps !== undefined ? stamps[k] : NaN;
  const stamped = tNs === tNs && time === undefined && uuid === undefined && evTime === undefined;
  if (!stamped && (!time || !uuid)) return false;
  const hasEvTime = stamped || !!evTime;
  const tcpRec = x.TCP;
  const p = tcpRec ?? x.UDP;
  if (p === undefined) return false;
  const sp = p.source_port;
  const dp = p.destination_port;
  if (!(sp! > 0 && sp! <= 0xffff && (sp! | 0) === sp && dp! > 0 && dp! <= 0xffff && (dp! | 0) === dp))
    return false;
  const tcp = tcpRec !== undefined;
  const fl = tcpRec?.flags;
  let t: Line | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (matches(lines[i], f, ev, hasEvTime, tcp, fl)) {
      t = lines[i];
      break;
    }
  }
  if (t === undefined) {
    if (lines.length >= MAX_LINES) return false;
    t = makeLine(f, ev, hasEvTime, tcp, fl);
    if (t === undefined) return false;
    lines.push(t);
  }
  const n =
    PREFIX.length +
    (stamped ? 2 * TIME_MAX + UUID_LENGTH : time!.length + uuid!.length + (evTime ? evTime.length : 0)) +
    UUID_KEY.length +
    t.head.length +
    DPORT_KEY.length +
    t.body.length +
    t.post.length +
    t.end.length +
    14;
  if (w.pos + n > w.buf.length) w.reserve(n);
  let b: Buffer = w.buf;
  const t0 = copyBytes(b, w.pos, PREFIX);
  let q = stamped ? src!.time.write(b, t0, tNs) : t0 + b.latin1Write(time!, t0);
  if (q < 0) return false; // not a whole number of nanoseconds
  const t1 = q;
  q = copyBytes(b, q, UUID_KEY);
  if (stamped) q = writeUuid(b, q, stamps![k + 1], stamps![k + 2], stamps![k + 3], stamps![k + 4]);
  else q += b.latin1Write(uuid!, q);
  q = copyBytes(b, q, t.head);
  w.pos = q;
  w.uint(sp!);
  q = copyBytes(b, w.pos, DPORT_KEY);
  w.pos = q;
  w.uint(dp!);
  q = copyBytes(b, w.pos, t.body);
  if (t.l7) {
    w.pos = q;
    if (!writeL7(w, f.l7!)) return false;
    w.bytes(t.post);
    if (t.hasSummary) jsonString(w, f.Summary!);
    w.bytes(t.end);
    if (hasEvTime) w.reserve(t1 - t0 + 2);
    b = w.buf;
    q = w.pos;
  }
  if (hasEvTime) {
    // The wrapper's time: the flow's again (copied) or its own.
    if (stamped || evTime === time) {
      b.copyWithin(q, t0, t1);
      q += t1 - t0;
    } else q += b.latin1Write(evTime!, q);
    b[q++] = 34; // "
    b[q++] = 125; // }
  }
  w.pos = q;
  return true;
}
