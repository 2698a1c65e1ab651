/**
 * Feeds JSON lines into a DiagnosisAccumulator as fast as V8 allows: chunks that are pure ASCII
 * (almost all Hubble output) are decoded as latin1, which is several times faster than UTF-8
 * decoding; lines that are already canonical FlowEvents (an exact, allocation-free check generated
 * from the same descriptors as the decoder: `isCanonicalEvent`) are used as JSON.parse returns
 * them; everything else goes through decodeEvent like the flow-log reader does.
 */
import { decodeEvent, FlowLineParser, isCanonicalEvent, type FlowEvent } from '../../flow/index.js';
import { LineSplitter, type LineSink } from '../../sources/jsonl/line-splitter.js';
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

/**
 * Decode piece: 128 KiB measured best here (256 KiB doubled the system time). A multi-megabyte
 * string is allocated outside the V8 heap and read from memory rather than cache, which made
 * every JSON.parse of its slices about a third slower.
 */
const PIECE = 128 * 1024;

/** Splits byte chunks into lines (sources/jsonl/line-splitter.ts) and folds each into the accumulator. */
export class LineFeeder implements LineSink {
  readonly stats = newLineStats();
  readonly #splitter: LineSplitter;
  /** Parses each pod's endpoint text once (src/flow/line-parser.ts). */
  readonly #parser = new FlowLineParser();

  constructor(
    private readonly acc: DiagnosisAccumulator,
    maxLineBytes = 16 * 1024 * 1024,
    /** Called with what is wrong and the line's number (counted from 1 by this feeder). */
    private readonly warn: (msg: string, line: number) => void = () => {},
  ) {
    this.#splitter = new LineSplitter(this, { maxLineBytes, regionBytes: PIECE });
  }

  /** Feeds the next chunk. */
  push(chunk: Buffer): void {
    this.#splitter.push(chunk);
  }

  /** True while part of a line (or of a skipped over-long line) waits for its newline. */
  get midLine(): boolean {
    return this.#splitter.midLine;
  }

  /** Feeds the final line (one without a trailing newline). */
  end(): void {
    this.#splitter.end();
  }

  /** LineSink: nothing to do per region. */
  region(): void {}

  /** LineSink: not called (UTF-8 is not checked; bad sequences become U+FFFD). */
  badUtf8(): void {}

  /** LineSink: an over-long line, skipped. */
  tooLong(lineNo: number): void {
    this.stats.lines++;
    this.stats.tooLong++;
    this.warn('line too long, skipped', lineNo);
  }

  /** LineSink: one line. */
  line(text: string, start: number, end: number, lineNo: number): void {
    const st = this.stats;
    st.lines++;
    if (end === start) return;
    const line = text.slice(start, end);
    if (line.charCodeAt(0) !== 123 /* { */ && line.trim() === '') return;
    let value: unknown;
    try {
      value = this.#parser.parse(line);
    } catch (err) {
      st.invalid++;
      this.warn(`invalid JSON: ${(err as Error).message}`, lineNo);
      return;
    }
    let ev: FlowEvent;
    try {
      ev = this.event(value);
    } catch (err) {
      st.invalid++;
      this.warn(`not a flow: ${(err as Error).message}`, lineNo);
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
