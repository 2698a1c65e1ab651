/**
 * gRPC message framing over HTTP/2 DATA: every message is a 1-byte compressed flag, a 4-byte
 * big-endian length and the protobuf bytes ("Length-Prefixed-Message" in the gRPC HTTP/2 spec).
 */
import { gunzipSync } from 'node:zlib';
import type { ProtoWriter } from './proto-writer.js';

/** A framing violation (too large, compressed without an encoding, ...). */
export class FramingError extends Error {
  readonly code = 'GRPC_FRAMING';
  constructor(
    message: string,
    /** gRPC status code to answer with. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'FramingError';
  }
}

/** Frames one message. */
export function frame(msg: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + msg.length);
  new DataView(out.buffer).setUint32(1, msg.length);
  out.set(msg, 5);
  return out;
}

/** Starts a framed message in a writer; pass the mark to {@link endFrame}. */
export function beginFrame(w: ProtoWriter): number {
  w.ensure(5);
  const mark = w.pos;
  w.buf[mark] = 0;
  w.pos += 5;
  return mark;
}

/** Writes the length of the message started at mark. */
export function endFrame(w: ProtoWriter, mark: number): void {
  const len = w.pos - mark - 5;
  const b = w.buf;
  b[mark + 1] = len >>> 24;
  b[mark + 2] = (len >>> 16) & 0xff;
  b[mark + 3] = (len >>> 8) & 0xff;
  b[mark + 4] = len & 0xff;
}

/**
 * Splits a byte stream into gRPC messages. Bounded: a message longer than `maxBytes` fails
 * before it is buffered.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  constructor(
    private readonly maxBytes: number,
    /** `grpc-encoding` of the stream ("identity" when absent). */
    private readonly encoding = 'identity',
  ) {}

  /** Adds bytes and returns the messages completed by them. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < 5) break;
      const head = this.peek(5);
      const len = ((head[1] << 24) | (head[2] << 16) | (head[3] << 8) | head[4]) >>> 0;
      if (len > this.maxBytes) {
        throw new FramingError(`grpc: received message larger than max (${len} vs. ${this.maxBytes})`, 8);
      }
      if (this.buffered < 5 + len) break;
      const all = this.take(5 + len);
      let msg = all.subarray(5);
      if (head[0] === 1) {
        if (this.encoding !== 'gzip') {
          throw new FramingError(`grpc: compressed message with unsupported encoding "${this.encoding}"`, 12);
        }
        msg = gunzipSync(msg, { maxOutputLength: this.maxBytes });
      } else if (head[0] !== 0) {
        throw new FramingError(`grpc: invalid compressed flag ${head[0]}`, 13);
      }
      out.push(msg);
    }
    return out;
  }

  /** Bytes held for an incomplete message. */
  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Uint8Array {
    if (this.chunks[0].length >= n) return this.chunks[0];
    return this.concat(n, false);
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first.length === n) {
      this.chunks.shift();
      this.buffered -= n;
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    return this.concat(n, true);
  }

  private concat(n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let off = 0;
    let i = 0;
    while (off < n) {
      const c = this.chunks[i];
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (consume) {
        if (k === c.length) {
          this.chunks.shift();
          continue;
        }
        this.chunks[0] = c.subarray(k);
      }
      i++;
    }
    if (consume) this.buffered -= n;
    return out;
  }
}
