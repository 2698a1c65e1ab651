/**
 * Splits a byte stream into text lines, bounded: a line longer than `maxLineBytes` is reported
 * and skipped without being buffered whole. CRLF endings are accepted, a final line without a
 * newline is still delivered, and lines that are not valid UTF-8 are reported as such.
 *
 * Chunks are decoded to text in one go up to their last newline (much faster than decoding line
 * by line): pure-ASCII regions (almost all Hubble output) as latin1, several times faster than
 * UTF-8; only a chunk containing invalid UTF-8 is decoded line by line to find the culprit.
 * The same region pass finds the characters Go's JSON encoder escapes, so each line says
 * whether it can be reprinted verbatim as far as characters go (see raw-json.ts).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { GO_ESCAPED_CHARS, hasCanonicalChars, hasCanonicalEscapes } from '../../flow/raw-json.js';

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
/** Largest region decoded to one string (see splitLines). */
const REGION_BYTES = 64 * 1024;

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
        // Copy: the source may reuse its chunk buffers.
        carry.push(Buffer.from(chunk));
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
    // Decode at most REGION_BYTES at a time (up to a newline). Node makes strings of about 1 MB
    // and more external (malloc'd copies only a GC frees: 40 MB and more were alive at once),
    // and strings over 128 KiB are mapped as large objects page by page (page faults); small
    // ones are allocated in V8's young generation. A line's text also keeps its region alive.
    while (start <= last) {
      let end = last;
      if (end - start >= REGION_BYTES) {
        end = chunk.lastIndexOf(NL, start + REGION_BYTES - 1);
        if (end < start) end = chunk.indexOf(NL, start + REGION_BYTES);
      }
      lineNo = splitRegion(chunk, start, end, lineNo, maxLineBytes, out);
      start = end + 1;
    }
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

/** GO_ESCAPED_CHARS without the two that cannot occur in ASCII text; backslash comes first. */
const ASCII_ESCAPED = GO_ESCAPED_CHARS.filter((c) => c.charCodeAt(0) < 128);

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
  const ascii = isAscii(region);
  if (ascii || isUtf8(region)) {
    const text = ascii ? region.toString('latin1') : region.toString('utf8');
    // The escaped characters are rare: find each once per region, not once per line.
    const chars = ascii ? ASCII_ESCAPED : GO_ESCAPED_CHARS;
    const next = chars.map((c) => nextIndex(text, c, 0));
    let pos = 0;
    // text ends with '\n', so every line is terminated.
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      lineNo++;
      const e = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      // Character count bounds byte count from below; check bytes only when it may be long.
      if (e - pos > max || (!ascii && (e - pos) * 3 > max && Buffer.byteLength(text.slice(pos, e)) > max)) {
        out.push({
          kind: 'too-long',
          lineNo,
          bytes: ascii ? e - pos : Buffer.byteLength(text.slice(pos, e)),
        });
      } else {
        const plain = next[0] >= e;
        let clean = plain || hasCanonicalEscapes(text, pos, e, next[0]);
        for (let c = 1; c < next.length; c++) if (next[c] < e) clean = false;
        out.push({ kind: 'line', lineNo, text: text.slice(pos, e), plain, clean, ascii });
      }
      pos = nl + 1;
      for (let c = 0; c < next.length; c++) if (next[c] < pos) next[c] = nextIndex(text, chars[c], pos);
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

function nextIndex(text: string, c: string, from: number): number {
  const i = text.indexOf(c, from);
  return i < 0 ? Infinity : i;
}

function pushLine(out: LineItem[], bytes: Buffer, lineNo: number): void {
  if (!isUtf8(bytes)) {
    out.push({ kind: 'bad-utf8', lineNo });
    return;
  }
  const ascii = isAscii(bytes);
  let text = bytes.toString(ascii ? 'latin1' : 'utf8');
  if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
  out.push({
    kind: 'line',
    lineNo,
    text,
    plain: text.indexOf('\\') < 0,
    clean: hasCanonicalChars(text),
    ascii,
  });
}
