/**
 * Feeds JSON lines into a DiagnosisAccumulator as fast as V8 allows: chunks that are pure ASCII
 * (almost all Hubble output) are decoded as latin1, which is several times faster than UTF-8
 * decoding; lines that are already canonical FlowEvents (an exact, allocation-free check generated
 * from the same descriptors as the decoder: `isCanonicalEvent`) are used as JSON.parse returns
 * them; everything else goes through decodeEvent like the flow-log reader does.
 */
import { isAscii } from 'node:buffer';
import { decodeEvent, isCanonicalEvent, type FlowEvent } from '../../flow/index.js';
import type { DiagnosisAccumulator } from '../accumulator.js';

/** Counters of one read. */
export interface LineStats {
  lines: number;
  events: number;
  invalid: number;
  tooLong: number;
  /** Lines decoded the slow way (not in Hubble's canonical form). */
  decoded: number;
}

/** A new, zeroed LineStats. */
export function newLineStats(): LineStats {
  return { lines: 0, events: 0, invalid: 0, tooLong: 0, decoded: 0 };
}

/** Adds b's counters to a. */
export function addLineStats(a: LineStats, b: LineStats): void {
  a.lines += b.lines;
  a.events += b.events;
  a.invalid += b.invalid;
  a.tooLong += b.tooLong;
  a.decoded += b.decoded;
}

const PIECE = 128 * 1024;

/** Splits byte chunks into lines and folds each into the accumulator. */
export class LineFeeder {
  readonly stats = newLineStats();
  private carry: Buffer[] = [];
  private carryLen = 0;
  private skipping = false;

  constructor(
    private readonly acc: DiagnosisAccumulator,
    private readonly maxLineBytes = 16 * 1024 * 1024,
    /** Called with what is wrong and the line's number (counted from 1 by this feeder). */
    private readonly warn: (msg: string, line: number) => void = () => {},
  ) {}

  /** Feeds the next chunk. */
  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last < 0) {
      this.hold(chunk);
      return;
    }
    let start = 0;
    if (this.carryLen > 0 || this.skipping) {
      const nl = chunk.indexOf(10);
      if (this.skipping || this.carryLen + nl > this.maxLineBytes) this.tooLong();
      else this.text(Buffer.concat([...this.carry, chunk.subarray(0, nl)]));
      this.carry = [];
      this.carryLen = 0;
      this.skipping = false;
      start = nl + 1;
    }
    if (last > start) this.text(chunk.subarray(start, last));
    const rest = chunk.subarray(last + 1);
    if (rest.length > 0) this.hold(Buffer.from(rest));
  }

  /** True while part of a line (or of a skipped over-long line) waits for its newline. */
  get midLine(): boolean {
    return this.carryLen > 0 || this.skipping;
  }

  /** Feeds the final line (one without a trailing newline). */
  end(): void {
    if (this.skipping) this.tooLong();
    else if (this.carryLen > 0) this.text(Buffer.concat(this.carry));
    this.carry = [];
    this.carryLen = 0;
    this.skipping = false;
  }

  private hold(b: Buffer): void {
    if (this.skipping) return;
    if (this.carryLen + b.length > this.maxLineBytes) {
      this.skipping = true;
      this.carry = [];
      this.carryLen = 0;
      return;
    }
    this.carry.push(b);
    this.carryLen += b.length;
  }

  private tooLong(): void {
    this.stats.lines++;
    this.stats.tooLong++;
    this.warn('line too long, skipped', this.stats.lines);
  }

  /** Lines of a region that ends just before a newline (or at the end of input). */
  private text(region: Buffer): void {
    // Decoded in pieces of about PIECE bytes (128 KiB measured best; 256 KiB doubled the system time) (cut at newlines): a multi-megabyte string is
    // allocated outside the V8 heap and read from memory rather than cache, which made every
    // JSON.parse of its slices about a third slower.
    for (let from = 0; from < region.length;) {
      let to = region.length;
      if (to - from > PIECE) {
        const nl = region.lastIndexOf(10, from + PIECE);
        to = nl > from ? nl : region.indexOf(10, from + PIECE);
        if (to < 0) to = region.length;
      }
      this.piece(region.subarray(from, to));
      from = to + 1;
    }
  }

  /** Lines of a piece (no trailing newline). */
  private piece(buf: Buffer): void {
    const s = buf.toString(isAscii(buf) ? 'latin1' : 'utf8');
    let i = 0;
    for (;;) {
      const nl = s.indexOf('\n', i);
      const line = nl < 0 ? s.slice(i) : s.slice(i, nl);
      this.line(line);
      if (nl < 0) break;
      i = nl + 1;
    }
  }

  private line(raw: string): void {
    const st = this.stats;
    if (raw.length > this.maxLineBytes) {
      this.tooLong();
      return;
    }
    st.lines++;
    let line = raw;
    if (line.length === 0) return;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.charCodeAt(0) !== 123 /* { */ && line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      st.invalid++;
      this.warn(`invalid JSON: ${(err as Error).message}`, st.lines);
      return;
    }
    let ev: FlowEvent;
    try {
      ev = this.event(value);
    } catch (err) {
      st.invalid++;
      this.warn(`not a flow: ${(err as Error).message}`, st.lines);
      return;
    }
    st.events++;
    this.acc.add(ev);
  }

  private event(value: unknown): FlowEvent {
    if (isCanonicalEvent(value)) return value;
    this.stats.decoded++;
    return decodeEvent(value);
  }
}
