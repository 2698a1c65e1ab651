/**
 * Splits a byte stream into text lines, bounded: a line longer than `maxLineBytes` is reported
 * and skipped without being buffered whole. CRLF endings are accepted, a final line without a
 * newline is still delivered, and lines that are not valid UTF-8 are reported as such.
 *
 * Chunks are decoded to text in one go up to their last newline (much faster than decoding line
 * by line); only a chunk containing invalid UTF-8 is decoded line by line to find the culprit.
 */
import { isUtf8 } from 'node:buffer';

/** What the splitter hands out for each line. */
export type LineItem =
  /** `plain`: the line contains no backslash (so no JSON escapes). */
  | { kind: 'line'; lineNo: number; text: string; plain: boolean }
  | { kind: 'too-long'; lineNo: number; bytes: number }
  | { kind: 'bad-utf8'; lineNo: number };

/** Default maximum line length: 16 MiB (hubble stops at 64 KiB). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const NL = 0x0a;

/** Splits an async stream of byte chunks into lines. */
export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<LineItem[]> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = false; // inside an over-long line, discarding until its newline
  let skippedBytes = 0;
  let lineNo = 0;

  for await (const chunk of chunks) {
    const out: LineItem[] = [];
    let start = 0;
    const last = chunk.lastIndexOf(NL);
    if (last < 0) {
      // No newline in this chunk: it all belongs to the current line.
      if (skipping) skippedBytes += chunk.length;
      else if (carryLen + chunk.length > maxLineBytes) {
        skipping = true;
        skippedBytes = carryLen + chunk.length;
        carry = [];
        carryLen = 0;
      } else {
        carry.push(chunk);
        carryLen += chunk.length;
      }
      continue;
    }
    // Finish the line carried over from earlier chunks.
    if (carryLen > 0 || skipping) {
      const nl = chunk.indexOf(NL);
      lineNo++;
      if (skipping || carryLen + nl > maxLineBytes) {
        out.push({ kind: 'too-long', lineNo, bytes: skippedBytes + carryLen + nl });
      } else {
        carry.push(chunk.subarray(0, nl));
        pushLine(out, Buffer.concat(carry), lineNo);
      }
      carry = [];
      carryLen = 0;
      skipping = false;
      skippedBytes = 0;
      start = nl + 1;
    }
    lineNo = splitRegion(chunk, start, last, lineNo, maxLineBytes, out);
    const restLen = chunk.length - (last + 1);
    if (restLen > 0) {
      if (restLen > maxLineBytes) {
        skipping = true;
        skippedBytes = restLen;
      } else {
        // Copy: the stream may reuse its chunk buffers.
        carry = [Buffer.from(chunk.subarray(last + 1))];
        carryLen = restLen;
      }
    }
    if (out.length > 0) yield out;
  }
  if (skipping) {
    yield [{ kind: 'too-long', lineNo: lineNo + 1, bytes: skippedBytes }];
  } else if (carryLen > 0) {
    const out: LineItem[] = [];
    pushLine(out, Buffer.concat(carry), lineNo + 1);
    yield out;
  }
}

/** Splits chunk[start, end] (end = index of a newline) into lines; returns the last line number. */
function splitRegion(
  chunk: Buffer,
  start: number,
  end: number,
  lineNo: number,
  max: number,
  out: LineItem[],
): number {
  if (start > end) return lineNo;
  const region = chunk.subarray(start, end + 1);
  if (isUtf8(region)) {
    const text = region.toString('utf8');
    let pos = 0;
    // Backslashes are rare: find them once per region instead of once per line.
    let bs = text.indexOf('\\');
    if (bs < 0) bs = Infinity;
    // text ends with '\n', so every line is terminated.
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      lineNo++;
      let line = text.slice(pos, nl);
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      // Character count bounds byte count from below; check bytes only when it may be long.
      if (line.length * 3 > max && Buffer.byteLength(line) > max) {
        out.push({ kind: 'too-long', lineNo, bytes: Buffer.byteLength(line) });
      } else {
        out.push({ kind: 'line', lineNo, text: line, plain: bs > nl });
      }
      pos = nl + 1;
      if (bs < pos) {
        bs = text.indexOf('\\', pos);
        if (bs < 0) bs = Infinity;
      }
    }
    return lineNo;
  }
  let pos = 0;
  for (;;) {
    const nl = region.indexOf(NL, pos);
    if (nl < 0) break;
    lineNo++;
    const bytes = region.subarray(pos, nl);
    if (bytes.length > max) out.push({ kind: 'too-long', lineNo, bytes: bytes.length });
    else pushLine(out, bytes, lineNo);
    pos = nl + 1;
  }
  return lineNo;
}

function pushLine(out: LineItem[], bytes: Buffer, lineNo: number): void {
  if (!isUtf8(bytes)) {
    out.push({ kind: 'bad-utf8', lineNo });
    return;
  }
  let text = bytes.toString('utf8');
  if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
  out.push({ kind: 'line', lineNo, text, plain: text.indexOf('\\') < 0 });
}
