/**
 * A small protobuf binary reader over one Uint8Array: varints (32-bit fast path, 64-bit as
 * decimal strings), fixed-width values, strings and skipping of unknown fields.
 */

const decoder = new TextDecoder('utf-8', { fatal: false });
/** Node's native Latin-1 decoder; it takes any Uint8Array. */
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, s: number, e: number) => string }
).latin1Slice;
/** Longest string built by concatenation (V8 makes flat strings below 13 characters). */
const SHORT = 8;

/** A malformed protobuf message. */
export class ProtoDecodeError extends Error {
  readonly code = 'PROTO_DECODE';
  constructor(message: string) {
    super(message);
    this.name = 'ProtoDecodeError';
  }
}

/** Reads protobuf wire format from a byte range. */
export class ProtoReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** True while bytes remain. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads a varint that must fit in 32 bits (higher bits are read and dropped). */
  uint32(): number {
    const b = this.buf;
    let p = this.pos;
    let v = 0;
    let shift = 0;
    for (;;) {
      if (p >= this.end) throw new ProtoDecodeError('truncated varint');
      const c = b[p++];
      if (shift < 32) v |= (c & 0x7f) << shift;
      if (c < 0x80) break;
      shift += 7;
      if (shift > 63) throw new ProtoDecodeError('varint too long');
    }
    this.pos = p;
    return v >>> 0;
  }

  /** Reads an int32 (negative values are sign-extended 64-bit varints). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** Reads a 64-bit varint as its low/high halves. */
  private parts(): [number, number] {
    const b = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (p >= this.end) throw new ProtoDecodeError('truncated varint');
      const c = b[p++];
      if (shift < 28) lo |= (c & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (c & 0x0f) << 28;
        hi |= (c & 0x7f) >>> 4;
      } else hi |= (c & 0x7f) << (shift - 32);
      if (c < 0x80) break;
      shift += 7;
      if (shift > 63) throw new ProtoDecodeError('varint too long');
    }
    this.pos = p;
    return [lo >>> 0, hi >>> 0];
  }

  /** Reads a uint64 as a decimal string. */
  uint64String(): string {
    const [lo, hi] = this.parts();
    if (hi < 0x200000) return String(hi * 4294967296 + lo);
    return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  /** Reads an int64 as a decimal string. */
  int64String(): string {
    const [lo, hi] = this.parts();
    if (hi < 0x200000) return String(hi * 4294967296 + lo);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  /** Reads a uint64 as a number (precise below 2^53). */
  uint64Number(): number {
    const [lo, hi] = this.parts();
    return hi * 4294967296 + lo;
  }

  /** Reads an int64 as a number (precise within ±2^53). */
  int64Number(): number {
    const [lo, hi] = this.parts();
    return hi >= 0x80000000 ? -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1) : hi * 4294967296 + lo;
  }

  /** Reads a boolean varint. */
  bool(): boolean {
    return this.uint32() !== 0;
  }

  /** Reads a little-endian double. */
  double(): number {
    this.need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** Reads a little-endian float. */
  float(): number {
    this.need(4);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  /** Reads a fixed32 value. */
  fixed32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** Reads a length prefix and returns the end offset of the delimited range. */
  delimited(): number {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > this.end) throw new ProtoDecodeError('truncated length-delimited field');
    return end;
  }

  /** Reads a length-prefixed UTF-8 string. */
  string(): string {
    const end = this.delimited();
    const b = this.buf;
    let p = this.pos;
    const n = end - p;
    if (n <= SHORT) {
      // Concatenating up to 12 characters makes flat strings (longer ones become trees of
      // parts, which cost memory and a flattening copy at every first read).
      let s = '';
      for (; p < end; p++) {
        const c = b[p];
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (p === end) {
        this.pos = end;
        return s;
      }
    } else if (n < 1024) {
      // ASCII (IPs, times, names, URLs): a native Latin-1 copy, several times cheaper than
      // TextDecoder for short strings.
      for (; p < end; p++) if (b[p] >= 0x80) break;
      if (p === end) {
        const s = latin1Slice.call(b, this.pos, end);
        this.pos = end;
        return s;
      }
    }
    const s = decoder.decode(b.subarray(this.pos, end));
    this.pos = end;
    return s;
  }

  /** Reads length-prefixed bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const end = this.delimited();
    const v = this.buf.subarray(this.pos, end);
    this.pos = end;
    return v;
  }

  /** Skips one field value of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.uint32();
        return;
      case 1:
        this.need(8);
        this.pos += 8;
        return;
      case 2:
        this.pos = this.delimited();
        return;
      case 5:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wireType}`);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtoDecodeError('truncated fixed-width field');
  }
}
