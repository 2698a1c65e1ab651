/**
 * Protobuf binary encoders and decoders for messages in their proto-JSON in-memory shape (the
 * shape of `src/flow/types.ts`: proto field names, enum names, 64-bit integers as decimal
 * strings, RFC 3339 timestamps, zero values absent), generated once per message type from the
 * protobuf-es descriptors, like src/flow/json-codec.ts does for JSON.
 *
 * Straight-line generated code per message keeps V8's property accesses monomorphic; it encodes
 * a realistic flow several times faster than `fromJson` + `toBinary` (bench/grpc.ts). Fields of
 * type `google.protobuf.Any` (Flow.extensions) are not converted: without a type registry their
 * JSON form cannot be mapped, so they are left out on both paths.
 */
import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { readEndpoint } from './endpoint-cache.js';
import { ProtoReader } from './proto-reader.js';
import { ProtoWriter } from './proto-writer.js';
import { timestampParts, timestampText } from './timestamp.js';

type Obj = Record<string, unknown>;
/** Writes the body (no tag or length) of one message. */
export type BinaryEncoder = (w: ProtoWriter, obj: Obj) => void;
/** Reads one message body between the reader's position and `end`. */
export type BinaryDecoder = (r: ProtoReader, end: number) => Obj;

type Kind =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'u32'
  | 'i32'
  | 's32'
  | 'u64'
  | 'i64'
  | 'double'
  | 'float'
  | 'fixed32'
  | 'enum'
  | 'message'
  | 'timestamp'
  | 'boolvalue'
  | 'u32value'
  | 'i32value'
  | 'fieldmask'
  | 'skip';

interface Field {
  name: string;
  no: number;
  kind: Kind;
  repeated: boolean;
  oneof: boolean;
  desc?: DescMessage;
  names?: Record<number, string>;
  numbers?: Record<string, number>;
}

const WKT: Record<string, Kind> = {
  'google.protobuf.Timestamp': 'timestamp',
  'google.protobuf.BoolValue': 'boolvalue',
  'google.protobuf.UInt32Value': 'u32value',
  'google.protobuf.Int32Value': 'i32value',
  'google.protobuf.FieldMask': 'fieldmask',
  'google.protobuf.Any': 'skip',
};

function scalarKind(t: ScalarType): Kind {
  switch (t) {
    case ScalarType.STRING:
      return 'string';
    case ScalarType.BYTES:
      return 'bytes';
    case ScalarType.BOOL:
      return 'bool';
    case ScalarType.UINT32:
      return 'u32';
    case ScalarType.INT32:
      return 'i32';
    case ScalarType.SINT32:
      return 's32';
    case ScalarType.FIXED32:
      return 'fixed32';
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return 'u64';
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return 'i64';
    case ScalarType.FLOAT:
      return 'float';
    default:
      return 'double';
  }
}

function enumTables(e: DescEnum): Pick<Field, 'names' | 'numbers'> {
  const names: Record<number, string> = {};
  const numbers: Record<string, number> = {};
  for (const v of e.values) {
    names[v.number] = v.name;
    numbers[v.name] = v.number;
  }
  return { names, numbers };
}

function fieldOf(f: DescField): Field {
  const base = { name: f.name, no: f.number, oneof: f.oneof !== undefined };
  switch (f.fieldKind) {
    case 'scalar':
      return { ...base, kind: scalarKind(f.scalar), repeated: false };
    case 'enum':
      return { ...base, kind: 'enum', repeated: false, ...enumTables(f.enum) };
    case 'message': {
      const wkt = WKT[f.message.typeName];
      if (wkt) return { ...base, kind: wkt, repeated: false };
      return { ...base, kind: 'message', repeated: false, desc: f.message };
    }
    case 'list':
      if (f.listKind === 'scalar') return { ...base, kind: scalarKind(f.scalar), repeated: true };
      if (f.listKind === 'enum') return { ...base, kind: 'enum', repeated: true, ...enumTables(f.enum) };
      return { ...base, kind: WKT[f.message.typeName] ?? 'message', repeated: true, desc: f.message };
    default:
      return { ...base, kind: 'skip', repeated: false };
  }
}

/** Message types whose frozen instances get their encoding cached (see encodeField). */
const CACHEABLE = new Set([
  'flow.Endpoint',
  'flow.Layer7',
  'flow.Service',
  'flow.Layer4',
  'flow.IP',
  'flow.Ethernet',
  'flow.Workload',
]);

/** Shared helpers referenced by the generated code. */
const H = {
  timestamp(w: ProtoWriter, s: string): void {
    const t = timestampParts(s);
    if (!t) return;
    if (t.seconds !== 0) {
      w.uint32(8);
      if (t.seconds < 0) w.int64String(String(t.seconds));
      else w.uint53(t.seconds);
    }
    if (t.nanos !== 0) {
      w.uint32(16);
      w.uint32(t.nanos);
    }
  },
  readTimestamp(r: ProtoReader, end: number): string {
    let seconds = 0;
    let nanos = 0;
    while (r.pos < end) {
      const t = r.uint32();
      if (t === 8) seconds = r.int64Number();
      else if (t === 16) nanos = r.int32();
      else r.skip(t & 7);
    }
    return timestampText(seconds, nanos);
  },
  base64(v: string): Uint8Array {
    return Buffer.from(v, 'base64');
  },
  toBase64(v: Uint8Array): string {
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  },
  /**
   * FieldMask in the in-memory shape: proto paths joined by commas, kept as they are. (protojson
   * would camel-case them, which cannot round-trip Hubble's upper-case names such as `l4.TCP`.)
   */
  maskPaths(v: string): string[] {
    return v === '' ? [] : v.split(',');
  },
  maskText(paths: string[]): string {
    return paths.join(',');
  },
  enumName(names: Record<number, string>, n: number): string | number {
    return names[n] ?? n;
  },
  zigzag(v: number): number {
    return ((v << 1) ^ (v >> 31)) >>> 0;
  },
  unzigzag(v: number): number {
    return (v >>> 1) ^ -(v & 1);
  },
  float(w: ProtoWriter, v: number): void {
    w.ensure(4);
    new DataView(w.buf.buffer, w.buf.byteOffset + w.pos, 4).setFloat32(0, v, true);
    w.pos += 4;
  },
  fixed32(w: ProtoWriter, v: number): void {
    w.ensure(4);
    const b = w.buf;
    const p = w.pos;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = (v >>> 16) & 0xff;
    b[p + 3] = (v >>> 24) & 0xff;
    w.pos += 4;
  },
};

/** Code writing a constant tag: one byte when it fits. */
function tagw(tag: number): string {
  return tag < 0x80 ? `w.byte(${tag})` : `w.uint32(${tag})`;
}

const WIRE: Record<Kind, number> = {
  string: 2,
  bytes: 2,
  bool: 0,
  u32: 0,
  i32: 0,
  s32: 0,
  u64: 0,
  i64: 0,
  double: 1,
  float: 5,
  fixed32: 5,
  enum: 0,
  message: 2,
  timestamp: 2,
  boolvalue: 2,
  u32value: 2,
  i32value: 2,
  fieldmask: 2,
  skip: 2,
};

/** Expression writing one scalar value `v` (no tag). */
function writeScalar(f: Field, v: string, dep: (x: unknown) => string): string {
  switch (f.kind) {
    case 'string':
      return `w.string(${v});`;
    case 'bytes':
      return `w.bytes(H.base64(${v}));`;
    case 'bool':
      return `w.uint32(${v} ? 1 : 0);`;
    case 'u32':
      return `w.uint32(${v});`;
    case 'i32':
      return `w.int32(${v});`;
    case 's32':
      return `w.uint32(H.zigzag(${v}));`;
    case 'u64':
    case 'i64':
      return `if (typeof ${v} === 'number') w.int64String(String(${v})); else w.int64String(${v});`;
    case 'double':
      return `w.double(${v});`;
    case 'float':
      return `H.float(w, ${v});`;
    case 'fixed32':
      return `H.fixed32(w, ${v});`;
    case 'enum':
      return `w.int32(typeof ${v} === 'number' ? ${v} : (${dep(f.numbers)}[${v}] ?? 0));`;
    default:
      throw new Error(`not a scalar: ${f.kind}`);
  }
}

/** JS condition: "value v is not proto3's default" (for implicit-presence scalars). */
function notDefault(f: Field, v: string, dep: (x: unknown) => string): string {
  switch (f.kind) {
    case 'string':
    case 'bytes':
      return `${v} !== undefined && ${v} !== ''`;
    case 'bool':
      return `${v} === true`;
    case 'u64':
    case 'i64':
      return `${v} !== undefined && ${v} !== '0' && ${v} !== 0`;
    case 'enum':
      return `${v} !== undefined && ${v} !== 0 && ${dep(f.numbers)}[${v}] !== 0`;
    default:
      return `${v} !== undefined && ${v} !== 0`;
  }
}

function encodeField(f: Field, dep: (x: unknown) => string): string {
  const tag = (f.no << 3) | WIRE[f.kind];
  const v = `o[${JSON.stringify(f.name)}]`;
  if (f.kind === 'skip') return '';
  let s = `v = ${v};\n`;
  if (
    f.kind === 'message' ||
    f.kind === 'timestamp' ||
    f.kind === 'boolvalue' ||
    f.kind === 'u32value' ||
    f.kind === 'i32value' ||
    f.kind === 'fieldmask'
  ) {
    const body = (x: string): string => {
      switch (f.kind) {
        case 'message':
          return `${dep(encoderOf(f.desc!))}(w, ${x});`;
        case 'timestamp':
          return `H.timestamp(w, ${x});`;
        case 'boolvalue':
          return `if (${x}) { w.uint32(8); w.uint32(1); }`;
        case 'u32value':
          return `if (${x}) { w.uint32(8); w.uint32(${x}); }`;
        case 'i32value':
          return `if (${x}) { w.uint32(8); w.int32(${x}); }`;
        default:
          return `for (const p of H.maskPaths(${x})) { w.uint32(10); w.string(p); }`;
      }
    };
    if (f.repeated) {
      return (
        s +
        `if (v !== undefined && v !== null) for (let i = 0; i < v.length; i++) { ${tagw(tag)}; const m = w.fork(); ${body('v[i]')} w.join(m); }\n`
      );
    }
    if (f.kind === 'message' && CACHEABLE.has(f.desc!.typeName)) {
      // Frozen sub-objects are shared by many flows (the store's interned fragments): their
      // encoded bytes (tag, length and body) are cached per object.
      // One cache per field: the cached bytes include this field's tag.
      const C = dep(new WeakMap<object, Uint8Array>());
      return (
        s +
        `if (v !== undefined && v !== null) { const c = ${C}.get(v); if (c !== undefined) w.raw(c); else { const st = w.pos; ${tagw(tag)}; const m = w.fork(); ${body('v')} w.join(m); if (Object.isFrozen(v)) ${C}.set(v, w.buf.slice(st, w.pos)); } }\n`
      );
    }
    // Flows are 128 B-16 KiB: two length bytes up front avoid moving the body in join().
    const reserve = f.kind === 'message' && f.desc!.typeName === 'flow.Flow' ? 2 : 1;
    return (
      s +
      `if (v !== undefined && v !== null) { ${tagw(tag)}; const m = w.fork(${reserve}); ${body('v')} w.join(m); }\n`
    );
  }
  if (f.repeated) {
    if (f.kind === 'string' || f.kind === 'bytes') {
      return (
        s +
        `if (v !== undefined && v !== null) for (let i = 0; i < v.length; i++) { ${tagw(tag)}; ${writeScalar(f, 'v[i]', dep)} }\n`
      );
    }
    // proto3 packs repeated numeric fields.
    const packed = (f.no << 3) | 2;
    return (
      s +
      `if (v !== undefined && v !== null && v.length > 0) { ${tagw(packed)}; const m = w.fork(); for (let i = 0; i < v.length; i++) { const e = v[i]; ${writeScalar(f, 'e', dep)} } w.join(m); }\n`
    );
  }
  const cond = f.oneof ? 'v !== undefined && v !== null' : notDefault(f, 'v', dep);
  s += `if (${cond}) { ${tagw(tag)}; ${writeScalar(f, 'v', dep)} }\n`;
  return s;
}

const encoders = new Map<string, BinaryEncoder>();

/** The (generated, cached) binary encoder of a message type. */
export function encoderOf(desc: DescMessage): BinaryEncoder {
  let e = encoders.get(desc.typeName);
  if (e) return e;
  const holder: { fn?: BinaryEncoder } = {};
  encoders.set(desc.typeName, (w, o) => holder.fn!(w, o));
  const deps: unknown[] = [];
  const dep = (x: unknown) => {
    deps.push(x);
    return `D[${deps.length - 1}]`;
  };
  const fields = desc.fields.map(fieldOf).sort((a, b) => a.no - b.no);
  const body = 'let v;\n' + fields.map((f) => encodeField(f, dep)).join('');
  const name = desc.typeName.replace(/\W/g, '_');
  e = new Function('D', 'H', `return function enc_${name}(w, o) {\n${body}};`)(deps, H) as BinaryEncoder;
  holder.fn = e;
  encoders.set(desc.typeName, e);
  return e;
}

/** Expression reading one scalar value of field f. */
function readScalar(f: Field, dep: (x: unknown) => string): string {
  switch (f.kind) {
    case 'string':
      return 'r.string()';
    case 'bytes':
      return 'H.toBase64(r.bytes())';
    case 'bool':
      return 'r.bool()';
    case 'u32':
      return 'r.uint32()';
    case 'i32':
      return 'r.int32()';
    case 's32':
      return 'H.unzigzag(r.uint32())';
    case 'u64':
      return 'r.uint64String()';
    case 'i64':
      return 'r.int64String()';
    case 'double':
      return 'r.double()';
    case 'float':
      return 'r.float()';
    case 'fixed32':
      return 'r.fixed32()';
    case 'enum': {
      return `H.enumName(${dep(f.names)}, r.int32())`;
    }
    default:
      throw new Error(`not a scalar: ${f.kind}`);
  }
}

function isDefaultExpr(f: Field, x: string): string {
  switch (f.kind) {
    case 'string':
    case 'bytes':
      return `${x} === ''`;
    case 'bool':
      return `${x} === false`;
    case 'u64':
    case 'i64':
      return `${x} === '0'`;
    case 'enum':
      return `${x} === ${JSON.stringify(f.names?.[0] ?? 0)}`;
    default:
      return `${x} === 0`;
  }
}

function decodeField(f: Field, dep: (x: unknown) => string): string {
  const key = JSON.stringify(f.name);
  const wt = WIRE[f.kind];
  let s = `case ${f.no}: {\n`;
  if (f.kind === 'skip') return s + 'r.skip(t & 7); break;\n}\n';
  if (wt === 2 && f.kind !== 'string' && f.kind !== 'bytes') {
    let read: string;
    switch (f.kind) {
      case 'message':
        read =
          f.desc!.typeName === 'flow.Endpoint'
            ? `${dep(readEndpoint)}(r, e, ${dep(decoderOf(f.desc!))})`
            : `${dep(decoderOf(f.desc!))}(r, e)`;
        break;
      case 'timestamp':
        read = 'H.readTimestamp(r, e)';
        break;
      case 'fieldmask':
        read =
          'H.maskText(((x) => { const p = []; while (r.pos < e) { const t2 = r.uint32(); if (t2 === 10) p.push(r.string()); else r.skip(t2 & 7); } return p; })())';
        break;
      default: {
        const rd = f.kind === 'boolvalue' ? 'r.bool()' : f.kind === 'u32value' ? 'r.uint32()' : 'r.int32()';
        const zero = f.kind === 'boolvalue' ? 'false' : '0';
        read = `((x) => { let val = ${zero}; while (r.pos < e) { const t2 = r.uint32(); if (t2 === 8) val = ${rd}; else r.skip(t2 & 7); } return val; })()`;
      }
    }
    s += `if ((t & 7) !== 2) { r.skip(t & 7); break; }\nconst e = r.delimited();\nconst val = ${read};\nr.pos = e;\n`;
    s += f.repeated ? `(out[${key}] ??= []).push(val);\n` : `out[${key}] = val;\n`;
    return s + 'break;\n}\n';
  }
  if (f.repeated) {
    const read = readScalar(f, dep);
    if (wt !== 2) {
      s += `const arr = (out[${key}] ??= []);\nif ((t & 7) === 2) { const e = r.delimited(); while (r.pos < e) arr.push(${read}); }\n`;
      s += `else if ((t & 7) === ${wt}) arr.push(${read}); else r.skip(t & 7);\n`;
    } else {
      s += `if ((t & 7) !== 2) { r.skip(t & 7); break; }\n(out[${key}] ??= []).push(${read});\n`;
    }
    return s + 'break;\n}\n';
  }
  s += `if ((t & 7) !== ${wt}) { r.skip(t & 7); break; }\nconst val = ${readScalar(f, dep)};\n`;
  s += f.oneof
    ? `out[${key}] = val;\n`
    : `if (${isDefaultExpr(f, 'val')}) delete out[${key}]; else out[${key}] = val;\n`;
  return s + 'break;\n}\n';
}

const decoders = new Map<string, BinaryDecoder>();

/** Fields of a decoded message kept inside the object (see decoderOf). */
const IN_OBJECT = 20;

/** The (generated, cached) binary decoder of a message type. Unknown fields are skipped. */
export function decoderOf(desc: DescMessage): BinaryDecoder {
  let d = decoders.get(desc.typeName);
  if (d) return d;
  const holder: { fn?: BinaryDecoder } = {};
  decoders.set(desc.typeName, (r, e) => holder.fn!(r, e));
  const deps: unknown[] = [];
  const dep = (x: unknown) => {
    deps.push(x);
    return `D[${deps.length - 1}]`;
  };
  const fields = desc.fields.map(fieldOf);
  // Plain objects made by a constructor function that V8 sizes for the message's first
  // IN_OBJECT fields (it counts the `this.x =` assignments of the source, even unreached ones,
  // and after a few instances keeps the room they used): so a flow's fields stay inside the
  // object, as in JSON.parse's objects. An object literal `{}` has room for four; further
  // fields go to a separate array, one more memory read each.
  const sized = fields.filter((f) => /^[A-Za-z_]\w*$/.test(f.name)).slice(0, IN_OBJECT);
  const Plain = new Function(
    `if (false) {${sized.map((f) => `this.${f.name} = 0;`).join('')}}`,
  ) as unknown as new () => Record<string, unknown>;
  Plain.prototype = Object.prototype;
  for (let i = 0; i < 8; i++) {
    const o = new Plain();
    for (const f of sized) o[f.name] = 0;
  }
  let body = `const out = new ${dep(Plain)}();\nwhile (r.pos < end) {\nconst t = r.uint32();\nswitch (t >>> 3) {\n`;
  body += fields.map((f) => decodeField(f, dep)).join('');
  body += 'default: r.skip(t & 7);\n}\n}\nreturn out;\n';
  const name = desc.typeName.replace(/\W/g, '_');
  d = new Function('D', 'H', `return function dec_${name}(r, end) {\n${body}};`)(deps, H) as BinaryDecoder;
  holder.fn = d;
  decoders.set(desc.typeName, d);
  return d;
}

/** Encodes a proto-JSON-shaped object of the given type to bytes. */
export function encodeMessage(desc: DescMessage, obj: object, w = new ProtoWriter(1024)): Uint8Array {
  w.reset();
  encoderOf(desc)(w, obj as Obj);
  return w.finish();
}

/** Decodes bytes of the given type into its proto-JSON-shaped object. */
export function decodeMessage<T = Obj>(
  desc: DescMessage,
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
): T {
  const r = new ProtoReader(bytes, start, end);
  return decoderOf(desc)(r, end) as T;
}
