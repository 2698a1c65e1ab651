/**
 * Hubble's JSON codec, driven by the descriptors generated from our .proto files.
 *
 * Decoding normalises any protojson spelling (proto or lowerCamelCase keys, enum names or
 * numbers, 64-bit integers as numbers or strings, timestamps with offsets, nulls) into the
 * canonical in-memory shape of `types.ts`. Encoding writes exactly what `hubble observe -o json`
 * (v0.12.3) writes: proto names in declaration order, zero values omitted, enum names, 64-bit
 * integers as strings, canonical timestamps, Go's HTML-safe string escaping.
 *
 * We do not use protobuf-es `fromJson`/`toJson` on this path: they produce message objects (a
 * second shape to convert), do not know the v0.12.3 field subset or Go's escaping, and measured
 * about 6x slower on these flows (bench/codec.ts).
 */
import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { FlowSchema, FlowFilterSchema, LostEventSchema } from '../gen/flow/flow_pb.js';
import { GetFlowsResponseSchema } from '../gen/observer/observer_pb.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { canonicalTime, isCanonicalTime } from './time.js';

/** A decoding error: the line is skipped and reported. */
export class FlowDecodeError extends Error {
  readonly code = 'FLOW_DECODE';
  constructor(message: string) {
    super(message);
    this.name = 'FlowDecodeError';
  }
}

/** Collects the unknown field paths met while decoding (for the one-time warning). */
export interface DecodeContext {
  unknownFields?: string[];
  /**
   * Set to true by the decoder when the input differs from what the (v0.12.3) encoder would
   * write: other key names or order, defaults or nulls present, numbers for named enums, unknown
   * or newer fields, non-canonical numbers or timestamps. Callers reset it before each decode.
   */
  nonCanonical?: boolean;
}

type Kind =
  | 'string'
  | 'bool'
  | 'u32'
  | 'i32'
  | 'u64'
  | 'i64'
  | 'double'
  | 'bytes'
  | 'enum'
  | 'message'
  | 'timestamp'
  | 'boolvalue'
  | 'u32value'
  | 'i32value'
  | 'any'
  | 'fieldmask';

interface EnumCodec {
  byName: Map<string, number>;
  byNumber: Map<number, string>;
  /** Numbers whose names the v0.12.3 CLI does not know: written as numbers. */
  legacyUnnamed: Set<number>;
}

interface FieldCodec {
  name: string;
  jsonName: string;
  kind: Kind;
  repeated: boolean;
  oneof?: string;
  enumCodec?: EnumCodec;
  message?: MessageCodec;
  /** Not part of the v0.12.3 schema: decoded and kept, but not written in compat mode. */
  newerThanLegacy: boolean;
}

interface MessageCodec {
  typeName: string;
  fields: FieldCodec[];
  byKey: Map<string, FieldCodec>;
}

/** Fields that Hubble CLI v0.12.3 does not know (hubble-flow.md §1.2). */
const LEGACY_UNKNOWN_FIELDS = new Set([
  'flow.Flow.emitter',
  'flow.Flow.tunnel',
  'flow.Flow.node_labels',
  'flow.Flow.trace_reason',
  'flow.Flow.file',
  'flow.Flow.ip_trace_id',
  'flow.Flow.extensions',
  'flow.Flow.egress_allowed_by',
  'flow.Flow.ingress_allowed_by',
  'flow.Flow.egress_denied_by',
  'flow.Flow.ingress_denied_by',
  'flow.Flow.policy_log',
  'flow.Flow.aggregate',
  'flow.Endpoint.cluster_name',
  'flow.IP.source_xlated',
  'flow.Layer4.VRRP',
  'flow.Layer4.IGMP',
  'flow.LostEvent.first',
  'flow.LostEvent.last',
]);

/** Enum numbers whose names v0.12.3 does not know. */
const LEGACY_UNNAMED: Record<string, number[]> = {
  'flow.DropReason': [195, 198, 199, 200, 201, 202, 203, 204, 205],
  'flow.TraceObservationPoint': [12, 13],
};

const enumCache = new Map<string, EnumCodec>();

function enumCodec(e: DescEnum): EnumCodec {
  let c = enumCache.get(e.typeName);
  if (!c) {
    c = {
      byName: new Map(e.values.map((v) => [v.name, v.number])),
      byNumber: new Map(e.values.map((v) => [v.number, v.name])),
      legacyUnnamed: new Set(LEGACY_UNNAMED[e.typeName] ?? []),
    };
    enumCache.set(e.typeName, c);
  }
  return c;
}

function scalarKind(t: ScalarType): Kind {
  switch (t) {
    case ScalarType.STRING:
      return 'string';
    case ScalarType.BOOL:
      return 'bool';
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return 'u32';
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return 'i32';
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return 'u64';
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return 'i64';
    case ScalarType.BYTES:
      return 'bytes';
    default:
      return 'double';
  }
}

const WKT: Record<string, Kind> = {
  'google.protobuf.Timestamp': 'timestamp',
  'google.protobuf.BoolValue': 'boolvalue',
  'google.protobuf.UInt32Value': 'u32value',
  'google.protobuf.Int32Value': 'i32value',
  'google.protobuf.Any': 'any',
  'google.protobuf.FieldMask': 'fieldmask',
};

const messageCache = new Map<string, MessageCodec>();

/** Builds (once) the codec of a message from its descriptor. */
function messageCodec(desc: DescMessage): MessageCodec {
  const cached = messageCache.get(desc.typeName);
  if (cached) return cached;
  const codec: MessageCodec = { typeName: desc.typeName, fields: [], byKey: new Map() };
  messageCache.set(desc.typeName, codec);
  for (const f of desc.fields) {
    const fc = fieldCodec(desc, f);
    codec.fields.push(fc);
    codec.byKey.set(fc.name, fc);
    codec.byKey.set(fc.jsonName, fc);
  }
  return codec;
}

function fieldCodec(parent: DescMessage, f: DescField): FieldCodec {
  const base = {
    name: f.name,
    jsonName: f.jsonName,
    oneof: f.oneof?.name,
    newerThanLegacy: LEGACY_UNKNOWN_FIELDS.has(`${parent.typeName}.${f.name}`),
  };
  switch (f.fieldKind) {
    case 'scalar':
      return { ...base, kind: scalarKind(f.scalar), repeated: false };
    case 'enum':
      return { ...base, kind: 'enum', repeated: false, enumCodec: enumCodec(f.enum) };
    case 'message': {
      const wkt = WKT[f.message.typeName];
      if (wkt) return { ...base, kind: wkt, repeated: false };
      return { ...base, kind: 'message', repeated: false, message: messageCodec(f.message) };
    }
    case 'list':
      if (f.listKind === 'scalar') return { ...base, kind: scalarKind(f.scalar), repeated: true };
      if (f.listKind === 'enum')
        return { ...base, kind: 'enum', repeated: true, enumCodec: enumCodec(f.enum) };
      return { ...base, kind: 'message', repeated: true, message: messageCodec(f.message) };
    default:
      throw new Error(`map fields are not supported (${parent.typeName}.${f.name})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(path: string, msg: string): never {
  throw new FlowDecodeError(`${path}: ${msg}`);
}

const DECIMAL = /^-?\d+$/;
const EXPONENT = /^-?\d+(\.\d+)?[eE][+-]?\d+$/;

function decodeInt(v: unknown, path: string, min: number, max: number): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && (DECIMAL.test(v) || EXPONENT.test(v))) n = Number(v);
  else return fail(path, `invalid value for integer: ${JSON.stringify(v)}`);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(path, `invalid value for integer: ${JSON.stringify(v)}`);
  return n;
}

function decodeInt64(v: unknown, path: string, unsigned: boolean): string {
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) fail(path, `invalid value for 64-bit integer: ${v}`);
    s = BigInt(v).toString();
  } else if (typeof v === 'string' && DECIMAL.test(v)) {
    s = BigInt(v).toString();
  } else if (typeof v === 'string' && EXPONENT.test(v) && Number.isInteger(Number(v))) {
    s = BigInt(Number(v)).toString();
  } else {
    return fail(path, `invalid value for 64-bit integer: ${JSON.stringify(v)}`);
  }
  const b = BigInt(s);
  if (unsigned ? b < 0n || b > 0xffffffffffffffffn : b < -(2n ** 63n) || b >= 2n ** 63n) {
    fail(path, `64-bit integer out of range: ${s}`);
  }
  return s;
}

function decodeEnum(v: unknown, ec: EnumCodec, path: string): string | number {
  if (typeof v === 'string') {
    const n = ec.byName.get(v);
    if (n === undefined) fail(path, `invalid value for enum type: ${JSON.stringify(v)}`);
    return v;
  }
  const n = decodeInt(v, path, -2147483648, 2147483647);
  return ec.byNumber.get(n) ?? n;
}

function decodeMessageInto(
  codec: MessageCodec,
  value: unknown,
  path: string,
  ctx: DecodeContext | undefined,
): JsonObject {
  return decoderOf(codec)(value, path, ctx);
}

type Decoder = (value: unknown, path: string, ctx: DecodeContext | undefined) => JsonObject;
const decoders = new Map<MessageCodec, Decoder>();

function decoderOf(codec: MessageCodec): Decoder {
  let d = decoders.get(codec);
  if (!d) {
    // Register a trampoline first so recursive message types resolve.
    const holder: { fn?: Decoder } = {};
    decoders.set(codec, (v, p, c) => holder.fn!(v, p, c));
    holder.fn = compileDecoder(codec);
    decoders.set(codec, holder.fn);
    d = holder.fn;
  }
  return d;
}

/**
 * Generates a specialised decoder for one message type: a `switch` over its JSON keys with the
 * checks of each field inlined. About 3x faster than a generic descriptor walk (bench/codec.ts).
 */
function compileDecoder(codec: MessageCodec): Decoder {
  const deps: unknown[] = [];
  const dep = (x: unknown) => {
    deps.push(x);
    return `D[${deps.length - 1}]`;
  };
  const H = dep(helpers);
  let body = `if (typeof value !== 'object' || value === null || Array.isArray(value)) ${H}.fail(path, 'expected an object for ${codec.typeName}');\n`;
  body += 'const out = {};\n';
  const oneofs = [...new Set(codec.fields.filter((f) => f.oneof).map((f) => f.oneof!))];
  for (const o of oneofs) body += `let oneof_${o};\n`;
  body += 'let last = -1;\n';
  const NC = 'if (ctx !== undefined) ctx.nonCanonical = true;';
  body += 'for (const k in value) {\nconst v = value[k];\nswitch (k) {\n';
  codec.fields.forEach((f, index) => {
    const keys = f.jsonName !== f.name ? [f.name, f.jsonName] : [f.name];
    body += keys.map((k) => `case ${JSON.stringify(k)}:`).join(' ') + ' {\n';
    body += `if (v === null) { ${NC} break; }\n`;
    body += `if (last >= ${index}${f.jsonName !== f.name ? ` || k !== ${JSON.stringify(f.name)}` : ''}${f.newerThanLegacy ? ' || true' : ''}) { ${NC} }\nlast = ${index};\n`;
    body += `if (out[${JSON.stringify(f.name)}] !== undefined) ${H}.fail(path, 'duplicate field ${f.name}');\n`;
    if (f.oneof) {
      body += `if (oneof_${f.oneof} !== undefined) ${H}.fail(path, 'oneof ${codec.typeName}.${f.oneof} is already set by ' + oneof_${f.oneof});\n`;
      body += `oneof_${f.oneof} = ${JSON.stringify(f.name)};\n`;
    }
    const fp = `${H}.join(path, ${JSON.stringify(f.name)})`;
    const target = `out[${JSON.stringify(f.name)}]`;
    if (f.repeated) {
      body += `if (!Array.isArray(v)) ${H}.fail(${fp}, 'expected an array');\n`;
      body += `if (v.length === 0) { ${NC} break; }\nconst arr = new Array(v.length);\n`;
      body += 'for (let i = 0; i < v.length; i++) {\nconst e = v[i];\n';
      body += `if (e === null) ${H}.fail(${fp}, 'null in repeated field');\n`;
      body += `const d = ${elementExpr(f, 'e', fp, dep, H)};\n`;
      if (f.kind !== 'message') body += `if (d !== e${legacyUnnamedTest(f, 'd', dep)}) { ${NC} }\n`;
      body += `arr[i] = d;\n}\n${target} = arr;\n`;
    } else if (f.kind === 'message') {
      body += `${target} = ${dep(decoderOf(f.message!))}(v, ${fp}, ctx);\n`;
    } else {
      body += `const d = ${elementExpr(f, 'v', fp, dep, H)};\n`;
      body += `if (d !== v${f.kind === 'any' ? ' || true' : ''}${legacyUnnamedTest(f, 'd', dep)}) { ${NC} }\n`;
      const def = defaultTest(f, 'd', dep);
      body += def ? `if (!(${def})) ${target} = d; else { ${NC} }\n` : `${target} = d;\n`;
    }
    body += 'break;\n}\n';
  });
  body += `default: ${NC} if (ctx !== undefined && ctx.unknownFields !== undefined) ctx.unknownFields.push(${H}.join(path, k));\n`;
  body += '}\n}\nreturn out;\n';
  const factory = new Function(
    'D',
    `return function decode_${codec.typeName.replace(/\W/g, '_')}(value, path, ctx) {\n${body}};`,
  );
  return factory(deps) as Decoder;
}

/** Expression decoding one (non-null) element `v` of field f. */
function elementExpr(f: FieldCodec, v: string, fp: string, dep: (x: unknown) => string, H: string): string {
  switch (f.kind) {
    case 'string':
    case 'bytes':
    case 'fieldmask':
      return `(typeof ${v} === 'string' ? ${v} : ${H}.badType(${fp}, ${v}, '${f.kind}'))`;
    case 'bool':
    case 'boolvalue':
      return `(typeof ${v} === 'boolean' ? ${v} : ${H}.badType(${fp}, ${v}, 'bool'))`;
    case 'u32':
    case 'u32value':
      return `(typeof ${v} === 'number' && (${v} >>> 0) === ${v} ? ${v} : ${H}.int(${v}, ${fp}, 0, 4294967295))`;
    case 'i32':
    case 'i32value':
      return `(typeof ${v} === 'number' && (${v} | 0) === ${v} ? ${v} : ${H}.int(${v}, ${fp}, -2147483648, 2147483647))`;
    case 'u64':
      return `${H}.int64(${v}, ${fp}, true)`;
    case 'i64':
      return `${H}.int64(${v}, ${fp}, false)`;
    case 'double':
      return `${H}.double(${v}, ${fp})`;
    case 'enum':
      return `(typeof ${v} === 'string' && ${dep(f.enumCodec!.byName)}.has(${v}) ? ${v} : ${H}.enumValue(${v}, ${dep(f.enumCodec!)}, ${fp}))`;
    case 'timestamp':
      return `${H}.timestamp(${v}, ${fp})`;
    case 'any':
      return `${H}.any(${v}, ${fp})`;
    case 'message':
      return `${dep(decoderOf(f.message!))}(${v}, ${fp}, ctx)`;
  }
}

/** Extra JS condition (prefixed with ||) true when an enum name is one v0.12.3 writes as a number. */
function legacyUnnamedTest(f: FieldCodec, d: string, dep: (x: unknown) => string): string {
  if (f.kind !== 'enum' || f.enumCodec!.legacyUnnamed.size === 0) return '';
  const names = new Set([...f.enumCodec!.legacyUnnamed].map((n) => f.enumCodec!.byNumber.get(n)!));
  return ` || ${dep(names)}.has(${d})`;
}

/** JS test for "decoded value d is proto3's default" (undefined: the field has presence). */
function defaultTest(f: FieldCodec, d: string, dep: (x: unknown) => string): string | undefined {
  switch (f.kind) {
    case 'string':
    case 'bytes':
    case 'fieldmask':
      return `${d} === ''`;
    case 'bool':
      return `${d} === false`;
    case 'u32':
    case 'i32':
    case 'double':
      return `${d} === 0`;
    case 'u64':
    case 'i64':
      return `${d} === '0'`;
    case 'enum': {
      const zero = f.enumCodec!.byNumber.get(0);
      return zero ? `(${d} === 0 || ${d} === ${JSON.stringify(zero)})` : `${d} === 0`;
    }
    default:
      void dep;
      return undefined;
  }
}

const helpers = {
  fail,
  join: (path: string, key: string) => (path ? `${path}.${key}` : key),
  badType(path: string, v: unknown, kind: string): never {
    return fail(path, `invalid value for ${kind} field: ${JSON.stringify(v)}`);
  },
  int: decodeInt,
  int64(v: unknown, path: string, unsigned: boolean): string {
    if (typeof v === 'string' && FAST_U64.test(v)) return v;
    return decodeInt64(v, path, unsigned);
  },
  double(v: unknown, path: string): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    return fail(path, `invalid value for double field: ${JSON.stringify(v)}`);
  },
  enumValue: decodeEnum,
  timestamp(v: unknown, path: string): string {
    const t = typeof v === 'string' ? canonicalTime(v) : undefined;
    if (t === undefined) fail(path, `invalid google.protobuf.Timestamp value ${JSON.stringify(v)}`);
    return t;
  },
  any(v: unknown, path: string): unknown {
    if (!isObject(v)) fail(path, 'invalid google.protobuf.Any value');
    return v;
  },
};

/** A canonical uint64 decimal string that cannot overflow (up to 15 digits, no leading zero). */
const FAST_U64 = /^(?:0|[1-9]\d{0,14})$/;

const flowCodec = messageCodec(FlowSchema);
const eventCodec = messageCodec(GetFlowsResponseSchema);
const filterCodec = messageCodec(FlowFilterSchema);
const lostCodec = messageCodec(LostEventSchema);

/** Flow keys that never appear at the top of a GetFlowsResponse: they mark a bare Flow line. */
function looksLikeBareFlow(obj: JsonObject): boolean {
  for (const k in obj) {
    if (
      k !== 'time' &&
      k !== 'node_name' &&
      k !== 'nodeName' &&
      !eventCodec.byKey.has(k) &&
      flowCodec.byKey.has(k)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Decodes one parsed JSON value (a line of a flow log) into a FlowEvent. Accepts the wrapped
 * GetFlowsResponse/ExportEvent form and bare Flow objects (older logs); a bare flow gets the
 * wrapper's `time`/`node_name` copied from it, as a Hubble server would set them.
 */
export function decodeEvent(value: unknown, ctx?: DecodeContext): import('./types.js').FlowEvent {
  if (!isObject(value)) throw new FlowDecodeError('expected a JSON object');
  if (looksLikeBareFlow(value)) {
    if (ctx) ctx.nonCanonical = true;
    const flow = decodeMessageInto(flowCodec, value, '', ctx) as import('./types.js').Flow;
    const ev: import('./types.js').FlowEvent = { flow };
    if (flow.node_name) ev.node_name = flow.node_name;
    if (flow.time) ev.time = flow.time;
    return ev;
  }
  // agent_event / debug_event lines of exporter files are not flows: recognised, ignored.
  const rest: JsonObject = {};
  for (const k in value) {
    if (k === 'agent_event' || k === 'debug_event' || k === 'agentEvent' || k === 'debugEvent') {
      if (ctx) ctx.nonCanonical = true;
      continue;
    }
    rest[k] = value[k];
  }
  return decodeMessageInto(eventCodec, rest, '', ctx) as import('./types.js').FlowEvent;
}

/** Decodes a flow object (bare Flow JSON). */
export function decodeFlow(value: unknown, ctx?: DecodeContext): import('./types.js').Flow {
  return decodeMessageInto(flowCodec, value, '', ctx) as import('./types.js').Flow;
}

/** Decodes a FlowFilter JSON object (unknown fields are errors, as in the hubble CLI). */
export function decodeFilter(value: unknown): import('../filter/types.js').FlowFilter {
  const ctx: DecodeContext = { unknownFields: [] };
  const f = decodeMessageInto(filterCodec, value, '', ctx);
  if (ctx.unknownFields!.length > 0)
    throw new FlowDecodeError(`unknown field ${JSON.stringify(ctx.unknownFields![0])}`);
  return f as import('../filter/types.js').FlowFilter;
}

// ---------------------------------------------------------------------------------------------
// Canonical check

type Checker = (value: unknown) => boolean;

const ENDPOINT_TYPE = 'flow.Endpoint';
/** Frozen endpoints known to be canonical (see trustCanonicalEndpoint). */
const trustedEndpoints = new WeakSet<object>();
const checkers = new Map<MessageCodec, Checker>();

function checkerOf(codec: MessageCodec): Checker {
  let c = checkers.get(codec);
  if (!c) {
    const holder: { fn?: Checker } = {};
    checkers.set(codec, (v) => holder.fn!(v));
    holder.fn = compileChecker(codec);
    checkers.set(codec, holder.fn);
    c = holder.fn;
  }
  return c;
}

/**
 * Generates a validating pass for one message type that allocates nothing: it returns true only
 * when the decoder would accept the value without error, without setting `nonCanonical`, and
 * return a deep copy of it (proto names in declaration order, no nulls or defaults, named
 * enums, canonical 64-bit strings and timestamps, no unknown or newer fields). It may return
 * false for values the decoder accepts; callers then decode. Its field rules mirror
 * compileDecoder's and are cross-checked against it in json-codec.test.ts.
 */
function compileChecker(codec: MessageCodec): Checker {
  const deps: unknown[] = [];
  const dep = (x: unknown) => {
    deps.push(x);
    return `D[${deps.length - 1}]`;
  };
  let body = `if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;\n`;
  // Endpoints shared by FlowLineParser were checked once when they were admitted (and frozen).
  if (codec.typeName === ENDPOINT_TYPE) body += `if (${dep(trustedEndpoints)}.has(value)) return true;\n`;
  const oneofs = [...new Set(codec.fields.filter((f) => f.oneof).map((f) => f.oneof!))];
  for (const o of oneofs) body += `let oneof_${o} = false;\n`;
  body += 'let last = -1;\nfor (const k in value) {\nconst v = value[k];\nswitch (k) {\n';
  codec.fields.forEach((f, index) => {
    // Newer fields and `any` values always make the decoder mark the input non-canonical.
    if (f.newerThanLegacy || f.kind === 'any') return;
    body += `case ${JSON.stringify(f.name)}: {\nif (last >= ${index}) return false;\nlast = ${index};\n`;
    if (f.oneof) body += `if (oneof_${f.oneof}) return false;\noneof_${f.oneof} = true;\n`;
    if (f.repeated) {
      body += 'if (!Array.isArray(v) || v.length === 0) return false;\n';
      body += `for (let i = 0; i < v.length; i++) { const e = v[i]; if (!(${checkExpr(f, 'e', dep)})) return false; }\n`;
    } else {
      const def = defaultTest(f, 'v', dep);
      body += `if (!(${checkExpr(f, 'v', dep)})${def ? ` || ${def}` : ''}) return false;\n`;
    }
    body += 'break;\n}\n';
  });
  body += 'default: return false;\n}\n}\nreturn true;\n';
  const factory = new Function(
    'D',
    `return function check_${codec.typeName.replace(/\W/g, '_')}(value) {\n${body}};`,
  );
  return factory(deps) as Checker;
}

/** JS test: the decoder returns element `v` of field f unchanged and without marking it. */
function checkExpr(f: FieldCodec, v: string, dep: (x: unknown) => string): string {
  switch (f.kind) {
    case 'string':
    case 'bytes':
    case 'fieldmask':
      return `typeof ${v} === 'string'`;
    case 'bool':
    case 'boolvalue':
      return `typeof ${v} === 'boolean'`;
    case 'u32':
    case 'u32value':
      return `typeof ${v} === 'number' && (${v} >>> 0) === ${v}`;
    case 'i32':
    case 'i32value':
      return `typeof ${v} === 'number' && (${v} | 0) === ${v}`;
    case 'u64':
    case 'i64':
      return `typeof ${v} === 'string' && ${dep(FAST_U64)}.test(${v})`;
    case 'double':
      return `typeof ${v} === 'number'`;
    case 'enum': {
      const ec = f.enumCodec!;
      const unnamed = [...ec.legacyUnnamed].map((n) => ec.byNumber.get(n)!);
      const named = new Set([...ec.byName.keys()].filter((n) => !unnamed.includes(n)));
      return `typeof ${v} === 'string' && ${dep(named)}.has(${v})`;
    }
    case 'timestamp':
      return `typeof ${v} === 'string' && ${dep(isCanonicalTime)}(${v})`;
    case 'message':
      return `${dep(checkerOf(f.message!))}(${v})`;
    case 'any':
      return 'false';
  }
}

const checkCanonicalEvent = checkerOf(eventCodec);

/**
 * Checks a parsed Endpoint object like isCanonicalEvent checks a whole event and, when it is
 * canonical, deep-freezes it and remembers it, so that the check of any event holding this very
 * object skips it. For FlowLineParser, which shares one endpoint object among the events of
 * many lines; frozen, so that no consumer can change it under the others.
 */
export function trustCanonicalEndpoint(ep: unknown): boolean {
  if (typeof ep !== 'object' || ep === null) return false;
  if (trustedEndpoints.has(ep)) return true;
  if (!checkerOf(messageCache.get(ENDPOINT_TYPE)!)(ep)) return false;
  deepFreeze(ep);
  trustedEndpoints.add(ep);
  return true;
}

/** True for an endpoint object trustCanonicalEndpoint accepted (deep-frozen, canonical). */
export function isSharedEndpoint(ep: unknown): boolean {
  return typeof ep === 'object' && ep !== null && trustedEndpoints.has(ep);
}

/**
 * True when `value` (a parsed JSON line) is already a FlowEvent in canonical form:
 * `decodeEvent(value)` would accept it, leave `nonCanonical` unset, report no unknown field and
 * return a deep-equal copy. Such a value can be used as the event directly, skipping the
 * decoder's copy (about a third of the cost of reading a line). False means "decode it".
 */
export function isCanonicalEvent(value: unknown): value is import('./types.js').FlowEvent {
  return checkCanonicalEvent(value);
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Which schema the writer follows. */
export type JsonSchemaMode = 'legacy' | 'full';

const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029]/;
const HTML_CHARS = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Go encoding/json string escaping: JSON.stringify plus HTML-safe escapes. */
export function quoteJson(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  return JSON.stringify(s).replace(HTML_CHARS, (c) => HTML_ESCAPES[c]);
}

type Encoder = (obj: JsonObject) => string;
const encoders = new Map<MessageCodec, [Encoder | undefined, Encoder | undefined]>();

function encodeMessage(codec: MessageCodec, obj: JsonObject, legacy: boolean): string {
  return encoderOf(codec, legacy)(obj);
}

function encoderOf(codec: MessageCodec, legacy: boolean): Encoder {
  let pair = encoders.get(codec);
  if (!pair) {
    pair = [undefined, undefined];
    encoders.set(codec, pair);
  }
  const i = legacy ? 1 : 0;
  if (!pair[i]) {
    const holder: { fn?: Encoder } = {};
    pair[i] = (o) => holder.fn!(o);
    holder.fn = compileEncoder(codec, legacy);
    pair[i] = holder.fn;
  }
  return pair[i]!;
}

/**
 * Generates a specialised encoder: straight-line code over the fields in declaration order,
 * skipping absent and default values, in Hubble's exact output form.
 */
function compileEncoder(codec: MessageCodec, legacy: boolean): Encoder {
  const deps: unknown[] = [quoteJson];
  const dep = (x: unknown) => {
    deps.push(x);
    return `D[${deps.length - 1}]`;
  };
  let body = "let o = '{', s = '\"', v;\n";
  for (const f of codec.fields) {
    if (legacy && f.newerThanLegacy) continue;
    body += `v = obj[${JSON.stringify(f.name)}];\n`;
    const key = JSON.stringify(f.name + '":');
    if (f.repeated) {
      body += `if (v !== undefined && v !== null && v.length > 0) {\nlet a = '[' + ${valueExpr(f, 'v[0]', legacy, dep)};\n`;
      body += `for (let i = 1; i < v.length; i++) a += ',' + ${valueExpr(f, 'v[i]', legacy, dep)};\n`;
      body += `o += s + ${key} + a + ']'; s = ',"';\n}\n`;
    } else {
      const def = defaultTest(f, 'v', dep);
      const cond = def ? `v !== undefined && v !== null && !(${def})` : 'v !== undefined && v !== null';
      body += `if (${cond}) { o += s + ${key} + ${valueExpr(f, 'v', legacy, dep)}; s = ',"'; }\n`;
    }
  }
  body += "return o + '}';\n";
  const factory = new Function(
    'D',
    `const q = D[0];\nreturn function encode_${codec.typeName.replace(/\W/g, '_')}(obj) {\n${body}};`,
  );
  return factory(deps) as Encoder;
}

function valueExpr(f: FieldCodec, v: string, legacy: boolean, dep: (x: unknown) => string): string {
  switch (f.kind) {
    case 'string':
    case 'bytes':
    case 'fieldmask':
    case 'timestamp':
      return `q(${v})`;
    case 'u64':
    case 'i64':
      return `('"' + ${v} + '"')`;
    case 'bool':
    case 'boolvalue':
      return `(${v} ? 'true' : 'false')`;
    case 'enum': {
      const unnamed: Record<string, number> = {};
      if (legacy) for (const n of f.enumCodec!.legacyUnnamed) unnamed[f.enumCodec!.byNumber.get(n)!] = n;
      const L = dep(unnamed);
      return legacy && f.enumCodec!.legacyUnnamed.size > 0
        ? `(typeof ${v} === 'number' ? '' + ${v} : ${L}[${v}] !== undefined ? '' + ${L}[${v}] : q(${v}))`
        : `(typeof ${v} === 'number' ? '' + ${v} : q(${v}))`;
    }
    case 'any':
      return `JSON.stringify(${v})`;
    case 'message':
      return `${dep(encoderOf(f.message!, legacy))}(${v})`;
    default:
      return `('' + ${v})`;
  }
}

/** Encodes a flow as Hubble's compact JSON (no trailing newline). */
export function encodeFlow(flow: import('./types.js').Flow, mode: JsonSchemaMode = 'legacy'): string {
  return encodeMessage(flowCodec, flow as JsonObject, mode === 'legacy');
}

/** Encodes an event (GetFlowsResponse) as one JSON line without the trailing newline. */
export function encodeEvent(ev: import('./types.js').FlowEvent, mode: JsonSchemaMode = 'legacy'): string {
  return encodeMessage(eventCodec, ev as JsonObject, mode === 'legacy');
}

/** Encodes a FlowFilter as hubble prints it with --print-raw-filters. */
export function encodeFilter(f: import('../filter/types.js').FlowFilter): string {
  return encodeMessage(filterCodec, f as JsonObject, false);
}

/** Encodes a LostEvent. */
export function encodeLostEvent(l: import('./types.js').LostEvent): string {
  return encodeMessage(lostCodec, l as JsonObject, true);
}

/** Enum helpers derived from the descriptors. */
export function enumNumber(typeName: string, name: string | number | undefined): number {
  if (name === undefined) return 0;
  if (typeof name === 'number') return name;
  return enumCache.get(typeName)?.byName.get(name) ?? 0;
}
