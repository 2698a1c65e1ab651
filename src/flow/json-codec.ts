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
import { canonicalTime } from './time.js';

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
      if (f.listKind === 'enum') return { ...base, kind: 'enum', repeated: true, enumCodec: enumCodec(f.enum) };
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
  if (!Number.isInteger(n) || n < min || n > max) fail(path, `invalid value for integer: ${JSON.stringify(v)}`);
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

/** Whether an enum value is the zero value (omitted on output). */
function enumIsZero(v: string | number, ec: EnumCodec): boolean {
  return typeof v === 'number' ? v === 0 : ec.byName.get(v) === 0;
}

function decodeScalar(f: FieldCodec, v: unknown, path: string): unknown {
  switch (f.kind) {
    case 'string':
      if (typeof v !== 'string') fail(path, `invalid value for string field: ${JSON.stringify(v)}`);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') fail(path, `invalid value for bool field: ${JSON.stringify(v)}`);
      return v;
    case 'u32':
      return decodeInt(v, path, 0, 4294967295);
    case 'i32':
      return decodeInt(v, path, -2147483648, 2147483647);
    case 'u64':
      return decodeInt64(v, path, true);
    case 'i64':
      return decodeInt64(v, path, false);
    case 'double':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      return fail(path, `invalid value for double field: ${JSON.stringify(v)}`);
    case 'bytes':
      if (typeof v !== 'string') fail(path, 'invalid value for bytes field');
      return v;
    case 'enum':
      return decodeEnum(v, f.enumCodec!, path);
    case 'timestamp': {
      if (typeof v !== 'string') fail(path, `invalid google.protobuf.Timestamp value ${JSON.stringify(v)}`);
      const t = canonicalTime(v);
      if (t === undefined) fail(path, `invalid google.protobuf.Timestamp value ${JSON.stringify(v)}`);
      return t;
    }
    case 'boolvalue':
      if (typeof v !== 'boolean') fail(path, `invalid value for google.protobuf.BoolValue: ${JSON.stringify(v)}`);
      return v;
    case 'u32value':
      return decodeInt(v, path, 0, 4294967295);
    case 'i32value':
      return decodeInt(v, path, -2147483648, 2147483647);
    case 'any':
      if (!isObject(v)) fail(path, 'invalid google.protobuf.Any value');
      return v;
    case 'fieldmask':
      if (typeof v !== 'string') fail(path, 'invalid google.protobuf.FieldMask value');
      return v;
    case 'message':
      return decodeMessageInto(f.message!, v, path, undefined);
  }
}

/** True when a decoded singular value is proto3's default (omitted on output). */
function isDefault(f: FieldCodec, v: unknown): boolean {
  switch (f.kind) {
    case 'string':
    case 'bytes':
    case 'fieldmask':
      return v === '';
    case 'bool':
      return v === false;
    case 'u32':
    case 'i32':
    case 'double':
      return v === 0;
    case 'u64':
    case 'i64':
      return v === '0';
    case 'enum':
      return enumIsZero(v as string | number, f.enumCodec!);
    default:
      // Messages and wrappers have presence: written when set, whatever their content.
      return false;
  }
}

function decodeMessageInto(codec: MessageCodec, value: unknown, path: string, ctx: DecodeContext | undefined): JsonObject {
  if (!isObject(value)) fail(path, `expected an object for ${codec.typeName}`);
  const out: JsonObject = {};
  let oneofSeen: Map<string, string> | undefined;
  for (const key in value) {
    const f = codec.byKey.get(key);
    const v = value[key];
    if (!f) {
      ctx?.unknownFields?.push(path ? `${path}.${key}` : key);
      continue;
    }
    if (v === null) continue;
    if (out[f.name] !== undefined) {
      fail(path, `duplicate field ${JSON.stringify(f.name)}`);
    }
    const fpath = path ? `${path}.${f.name}` : f.name;
    if (f.oneof) {
      oneofSeen ??= new Map();
      const prev = oneofSeen.get(f.oneof);
      if (prev !== undefined) fail(path, `oneof ${codec.typeName}.${f.oneof} is already set by ${JSON.stringify(prev)}`);
      oneofSeen.set(f.oneof, f.name);
    }
    if (f.repeated) {
      if (!Array.isArray(v)) fail(fpath, 'expected an array');
      if (v.length === 0) continue;
      const arr = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        if (v[i] === null) fail(`${fpath}[${i}]`, 'null in repeated field');
        arr[i] = f.kind === 'message' ? decodeMessageInto(f.message!, v[i], `${fpath}[${i}]`, ctx) : decodeScalar(f, v[i], fpath);
      }
      out[f.name] = arr;
    } else if (f.kind === 'message') {
      out[f.name] = decodeMessageInto(f.message!, v, fpath, ctx);
    } else {
      const d = decodeScalar(f, v, fpath);
      if (!isDefault(f, d)) out[f.name] = d;
    }
  }
  return out;
}

const flowCodec = messageCodec(FlowSchema);
const eventCodec = messageCodec(GetFlowsResponseSchema);
const filterCodec = messageCodec(FlowFilterSchema);
const lostCodec = messageCodec(LostEventSchema);

/** Flow keys that never appear at the top of a GetFlowsResponse: they mark a bare Flow line. */
function looksLikeBareFlow(obj: JsonObject): boolean {
  for (const k in obj) {
    if (k !== 'time' && k !== 'node_name' && k !== 'nodeName' && !eventCodec.byKey.has(k) && flowCodec.byKey.has(k)) {
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
    const flow = decodeMessageInto(flowCodec, value, '', ctx) as import('./types.js').Flow;
    const ev: import('./types.js').FlowEvent = { flow };
    if (flow.node_name) ev.node_name = flow.node_name;
    if (flow.time) ev.time = flow.time;
    return ev;
  }
  // agent_event / debug_event lines of exporter files are not flows: recognised, ignored.
  const rest: JsonObject = {};
  for (const k in value) {
    if (k === 'agent_event' || k === 'debug_event' || k === 'agentEvent' || k === 'debugEvent') continue;
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
  if (ctx.unknownFields!.length > 0) throw new FlowDecodeError(`unknown field ${JSON.stringify(ctx.unknownFields![0])}`);
  return f as import('../filter/types.js').FlowFilter;
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

function encodeScalar(f: FieldCodec, v: unknown, legacy: boolean): string {
  switch (f.kind) {
    case 'string':
    case 'bytes':
    case 'fieldmask':
    case 'timestamp':
    case 'u64':
    case 'i64':
      return quoteJson(String(v));
    case 'enum': {
      if (typeof v === 'number') return String(v);
      if (legacy) {
        const n = f.enumCodec!.byName.get(v as string)!;
        if (f.enumCodec!.legacyUnnamed.has(n)) return String(n);
      }
      return quoteJson(v as string);
    }
    case 'any':
      return JSON.stringify(v);
    case 'message':
      return encodeMessage(f.message!, v as JsonObject, legacy);
    default:
      return String(v);
  }
}

function encodeMessage(codec: MessageCodec, obj: JsonObject, legacy: boolean): string {
  let out = '{';
  let first = true;
  const fields = codec.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    if (legacy && f.newerThanLegacy) continue;
    let enc: string;
    if (f.repeated) {
      const arr = v as unknown[];
      if (arr.length === 0) continue;
      enc = '[';
      for (let j = 0; j < arr.length; j++) {
        if (j > 0) enc += ',';
        enc += encodeScalar(f, arr[j], legacy);
      }
      enc += ']';
    } else {
      if (isDefault(f, v)) continue;
      enc = encodeScalar(f, v, legacy);
    }
    out += (first ? '"' : ',"') + f.name + '":' + enc;
    first = false;
  }
  return out + '}';
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
