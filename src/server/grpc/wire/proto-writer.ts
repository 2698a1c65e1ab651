/**
 * A small, fast protobuf binary writer: one growable buffer, varints, fixed64, UTF-8 strings and
 * length-delimited sub-messages written in place.
 *
 * Why not protobuf-es `toBinary`: it needs message objects (a second shape to build per flow) and
 * measured far below the 150k flows/s that GetFlows must stream (see docs/serve.md). Sub-messages
 * reserve one length byte and shift their body when it turns out longer than 127 bytes, which is
 * cheap because flows are small and most nested messages are short.
 */

const encoder = new TextEncoder();

/** Encoded UTF-8 of frequently repeated strings (labels, pod names): bounded, cleared when full. */
const STRING_CACHE_MAX = 20_000;

/** A growable protobuf writer; reuse one per stream and call {@link ProtoWriter.reset} between uses. */
export class ProtoWriter {
  buf: Uint8Array;
  pos = 0;
  private readonly cache = new Map<string, Uint8Array>();

  constructor(initialSize = 64 * 1024) {
    this.buf = new Uint8Array(initialSize);
  }

  /** Forgets the written bytes (keeps the buffer). */
  reset(): void {
    this.pos = 0;
  }

  /** Makes room for n more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Writes one byte (a field tag below 128, a small length). */
  byte(v: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Writes an unsigned varint of at most 32 bits. */
  uint32(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    v >>>= 0;
    while (v > 0x7f) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Writes a signed 32-bit value as protobuf int32 does (negative: 10-byte sign extension). */
  int32(v: number): void {
    if (v >= 0) this.uint32(v);
    else this.uint64Parts(v >>> 0, 0xffffffff);
  }

  /** Writes a non-negative integer below 2^53 as a varint. */
  uint53(v: number): void {
    if (v <= 0xffffffff) this.uint32(v);
    else this.uint64Parts(v >>> 0, Math.floor(v / 4294967296) >>> 0);
  }

  /** Writes a 64-bit varint from its low and high 32-bit halves. */
  uint64Parts(lo: number, hi: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (hi > 0 || lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
  }

  /** Writes a 64-bit integer given as a decimal string (uint64 or int64). */
  int64String(s: string): void {
    if (s.length <= 15 && s[0] !== '-') {
      this.uint53(Number(s));
      return;
    }
    let v = BigInt(s);
    if (v < 0n) v += 1n << 64n;
    this.uint64Parts(Number(v & 0xffffffffn), Number(v >> 32n));
  }

  /** Writes a field tag. */
  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  /** Writes a little-endian IEEE double. */
  double(v: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).setFloat64(0, v, true);
    this.pos += 8;
  }

  /** Writes a length-prefixed UTF-8 string. */
  string(s: string): void {
    const n = s.length;
    if (n < 48) {
      // Short strings: inline ASCII copy, the common case for names, IPs and enum-like text.
      this.ensure(n * 3 + 5);
      const b = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        b[start] = n;
        this.pos = p;
        return;
      }
    }
    let bytes = this.cache.get(s);
    if (bytes === undefined) {
      bytes = encoder.encode(s);
      if (this.cache.size >= STRING_CACHE_MAX) this.cache.clear();
      this.cache.set(s, bytes);
    }
    this.bytes(bytes);
  }

  /** Writes length-prefixed raw bytes. */
  bytes(v: Uint8Array): void {
    this.uint32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Writes raw bytes without a length prefix. */
  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /**
   * Starts a length-delimited sub-message; returns the mark to pass to {@link join}.
   * `reserve` length bytes are set aside (2 for messages that are usually 128 B-16 KiB, like
   * a Flow), so join() rarely has to move the body.
   */
  fork(reserve = 1): number {
    this.ensure(reserve);
    const mark = this.pos;
    this.pos += reserve;
    this.buf[mark] = reserve; // remembered in the first reserved byte until join()
    return mark;
  }

  /** Ends the sub-message started at mark: writes its length, moving the body if needed. */
  join(mark: number): void {
    const b = this.buf;
    const reserve = b[mark];
    const start = mark + reserve;
    const len = this.pos - start;
    let need = 1;
    while (need < 5 && len >= 2 ** (7 * need)) need++;
    if (need !== reserve) {
      this.ensure(need - reserve);
      this.buf.copyWithin(mark + need, start, this.pos);
      this.pos += need - reserve;
    }
    const out = this.buf;
    let v = len;
    let p = mark;
    while (v > 0x7f) {
      out[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[p] = v;
  }
}
