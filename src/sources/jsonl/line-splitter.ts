/**
 * Splits a byte stream into text lines, bounded: a line longer than `maxLineBytes` is reported
 * and skipped without being buffered whole. CRLF endings are accepted, a final line without a
 * newline is still delivered, and (optionally) lines that are not valid UTF-8 are reported as
 * such. One synchronous core, {@link LineSplitter}, serves every reader of JSON lines: the
 * flow-log reader and `observe` ({@link splitLines}), the followed-file source
 * (sources/file/tail-follower.ts) and the diagnosis input (diagnose/input/lines.ts).
 *
 * Chunks are decoded to text in one go up to their last newline (much faster than decoding line
 * by line), in regions of at most `regionBytes` cut at newlines: pure-ASCII regions (almost all
 * Hubble output) as latin1, several times faster than UTF-8; when UTF-8 is checked, only a region
 * containing invalid UTF-8 is decoded line by line to find the culprit. A newline byte never
 * occurs inside a UTF-8 sequence, so region decoding gives the same text as per-line decoding.
 *
 * splitLines' region pass also finds the characters Go's JSON encoder escapes, so each line says
 * whether it can be reprinted verbatim as far as characters go (see raw-json.ts).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { GO_ESCAPED_CHARS, hasCanonicalEscapes } from '../../flow/raw-json.js';

/** What the splitter hands out for each line. */
export type LineItem =
  /**
   * `plain`: the line contains no backslash (so no JSON escapes). `clean`: it contains none of
   * the characters Go's encoder writes escaped (`<`, `>`, `&`, U+2028, U+2029) nor a tab or
   * carriage return, and each of its escapes is the one Go writes (raw-json.ts,
   * `hasCanonicalChars`). `ascii`: it is pure ASCII (its UTF-8 bytes are its characters).
   */
  | { kind: 'line'; lineNo: number; text: string; plain: boolean; clean: boolean; ascii: boolean }
  | { kind: 'too-long'; lineNo: number; bytes: number }
  | { kind: 'bad-utf8'; lineNo: number };

/** Default maximum line length: 16 MiB (hubble stops at 64 KiB). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const NL = 0x0a;
const CR = 13;

/** Receives what a {@link LineSplitter} finds, in input order. */
export interface LineSink {
  /**
   * A piece of input was decoded: `text` holds the lines given to the next `line` calls (each
   * ends with '\n', except a single line completed from several chunks or by `end`). Lets a sink
   * scan the text once for all its lines.
   */
  region(text: string, ascii: boolean): void;
  /**
   * Line `lineNo` (counted from 1) is `text.slice(start, end)`: without its newline and a CR
   * before it. `ascii`: the text it came from is pure ASCII.
   */
  line(text: string, start: number, end: number, lineNo: number, ascii: boolean): void;
  /** Line `lineNo` had `bytes` bytes, more than maxLineBytes; it was skipped. */
  tooLong(lineNo: number, bytes: number): void;
  /** Line `lineNo` is not valid UTF-8 (only with `checkUtf8`); it was skipped. */
  badUtf8(lineNo: number): void;
}

/** Options of {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Longest line delivered, in bytes (without the newline and, within a chunk, a CR). */
  maxLineBytes?: number;
  /**
   * Largest piece of a chunk decoded to one string, cut at a newline (default 64 KiB). Node
   * makes strings of about 1 MB and more external (malloc'd copies only a GC frees: 40 MB and
   * more were alive at once), and strings over 128 KiB are mapped as large objects page by page
   * (page faults); small ones are allocated in V8's young generation. A line's text also keeps
   * its region alive.
   */
  regionBytes?: number;
  /** Report lines that are not valid UTF-8 (default false: they are decoded with U+FFFD). */
  checkUtf8?: boolean;
}

/**
 * The synchronous splitting core: push byte chunks, then `end()`. Chunks may be reused by their
 * source once `push` returns: the bytes of an unfinished line are copied.
 */
export class LineSplitter {
  /** Lines ended so far (delivered, too long or bad). */
  lineNo = 0;
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Inside an over-long line, discarding until its newline. */
  private skipping = false;
  private skippedBytes = 0;
  private readonly max: number;
  private readonly regionBytes: number;
  private readonly checkUtf8: boolean;

  constructor(
    private readonly sink: LineSink,
    opts: LineSplitterOptions = {},
  ) {
    this.max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.regionBytes = opts.regionBytes ?? 64 * 1024;
    this.checkUtf8 = opts.checkUtf8 ?? false;
  }

  /** True while part of a line (or of a skipped over-long line) waits for its newline. */
  get midLine(): boolean {
    return this.carryLen > 0 || this.skipping;
  }

  /** Splits the next chunk. */
  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(NL);
    if (last < 0) {
      // No newline in this chunk: it all belongs to the current line.
      this.hold(chunk, 0);
      return;
    }
    let start = 0;
    // Finish the line carried over from earlier chunks.
    if (this.carryLen > 0 || this.skipping) {
      const nl = chunk.indexOf(NL);
      const lineNo = ++this.lineNo;
      if (this.skipping || this.carryLen + nl > this.max) {
        this.sink.tooLong(lineNo, this.skippedBytes + this.carryLen + nl);
      } else {
        this.carry.push(chunk.subarray(0, nl));
        this.whole(Buffer.concat(this.carry), lineNo);
      }
      this.reset();
      start = nl + 1;
    }
    const regionBytes = this.regionBytes;
    while (start <= last) {
      let end = last;
      if (end - start >= regionBytes) {
        end = chunk.lastIndexOf(NL, start + regionBytes - 1);
        if (end < start) end = chunk.indexOf(NL, start + regionBytes);
      }
      this.region(chunk, start, end);
      start = end + 1;
    }
    if (start < chunk.length) this.hold(chunk, start);
  }

  /** Ends the input: delivers (or reports) a final line without a newline. */
  end(): void {
    if (this.skipping) this.sink.tooLong(++this.lineNo, this.skippedBytes);
    else if (this.carryLen > 0) this.whole(Buffer.concat(this.carry), ++this.lineNo);
    this.reset();
  }

  /** Drops the unfinished line, if any (the input starts over). */
  reset(): void {
    this.carry = [];
    this.carryLen = 0;
    this.skipping = false;
    this.skippedBytes = 0;
  }

  /** Keeps chunk[from…] (no newline in it) as part of the current line. */
  private hold(chunk: Buffer, from: number): void {
    const len = chunk.length - from;
    if (this.skipping) this.skippedBytes += len;
    else if (this.carryLen + len > this.max) {
      this.skipping = true;
      this.skippedBytes = this.carryLen + len;
      this.carry = [];
      this.carryLen = 0;
    } else {
      // Copy: the source may reuse its chunk buffers.
      this.carry.push(Buffer.from(from === 0 ? chunk : chunk.subarray(from)));
      this.carryLen += len;
    }
  }

  /** The lines of chunk[start, end] (end = index of a newline). */
  private region(chunk: Buffer, start: number, end: number): void {
    const sink = this.sink;
    const max = this.max;
    const region = chunk.subarray(start, end + 1);
    const ascii = isAscii(region);
    let lineNo = this.lineNo;
    if (ascii || !this.checkUtf8 || isUtf8(region)) {
      const text = region.toString(ascii ? 'latin1' : 'utf8');
      sink.region(text, ascii);
      // text ends with '\n', so every line is terminated.
      for (let pos = 0; ;) {
        const nl = text.indexOf('\n', pos);
        if (nl < 0) break;
        lineNo++;
        const e = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
        // Character count bounds byte count from below; count bytes only when it may be long.
        if (e - pos > max || (!ascii && (e - pos) * 3 > max && Buffer.byteLength(text.slice(pos, e)) > max)) {
          sink.tooLong(lineNo, ascii ? e - pos : Buffer.byteLength(text.slice(pos, e)));
        } else {
          sink.line(text, pos, e, lineNo, ascii);
        }
        pos = nl + 1;
      }
      this.lineNo = lineNo;
      return;
    }
    // Invalid UTF-8 somewhere in the region: line by line.
    for (let pos = 0; ;) {
      const nl = region.indexOf(NL, pos);
      if (nl < 0) break;
      lineNo++;
      const bytes = region.subarray(pos, nl);
      if (bytes.length > max) sink.tooLong(lineNo, bytes.length);
      else this.whole(bytes, lineNo);
      pos = nl + 1;
    }
    this.lineNo = lineNo;
  }

  /** One line's bytes (no newline; maybe a CR). */
  private whole(bytes: Buffer, lineNo: number): void {
    if (this.checkUtf8 && !isUtf8(bytes)) {
      this.sink.badUtf8(lineNo);
      return;
    }
    const ascii = isAscii(bytes);
    const text = bytes.toString(ascii ? 'latin1' : 'utf8');
    const e = text.length > 0 && text.charCodeAt(text.length - 1) === CR ? text.length - 1 : text.length;
    this.sink.region(text, ascii);
    this.sink.line(text, 0, e, lineNo, ascii);
  }
}

/** GO_ESCAPED_CHARS without the two that cannot occur in ASCII text; backslash comes first. */
const ASCII_ESCAPED = GO_ESCAPED_CHARS.filter((c) => c.charCodeAt(0) < 128);

/** Collects LineItems, with the flags found once per region. */
class ItemSink implements LineSink {
  out: LineItem[] = [];
  /** The escaped characters looked for in the current region, and their next index in it. */
  private chars: readonly string[] = ASCII_ESCAPED;
  private next: number[] = [];

  region(text: string, ascii: boolean): void {
    // The escaped characters are rare: find each once per region, not once per line.
    const chars = ascii ? ASCII_ESCAPED : GO_ESCAPED_CHARS;
    this.chars = chars;
    this.next = chars.map((c) => nextIndex(text, c, 0));
  }

  line(text: string, pos: number, e: number, lineNo: number, ascii: boolean): void {
    const next = this.next;
    const chars = this.chars;
    for (let c = 0; c < next.length; c++) if (next[c] < pos) next[c] = nextIndex(text, chars[c], pos);
    const plain = next[0] >= e;
    let clean = plain || hasCanonicalEscapes(text, pos, e, next[0]);
    for (let c = 1; c < next.length; c++) if (next[c] < e) clean = false;
    this.out.push({ kind: 'line', lineNo, text: text.slice(pos, e), plain, clean, ascii });
  }

  tooLong(lineNo: number, bytes: number): void {
    this.out.push({ kind: 'too-long', lineNo, bytes });
  }

  badUtf8(lineNo: number): void {
    this.out.push({ kind: 'bad-utf8', lineNo });
  }
}

function nextIndex(text: string, c: string, from: number): number {
  const i = text.indexOf(c, from);
  return i < 0 ? Infinity : i;
}

/** Splits an async stream of byte chunks into lines: one batch per chunk that ended lines. */
export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<LineItem[]> {
  const sink = new ItemSink();
  const splitter = new LineSplitter(sink, { maxLineBytes, checkUtf8: true });
  for await (const chunk of chunks) {
    splitter.push(chunk);
    if (sink.out.length > 0) {
      const out = sink.out;
      sink.out = [];
      yield out;
    }
  }
  splitter.end();
  if (sink.out.length > 0) yield sink.out;
}
