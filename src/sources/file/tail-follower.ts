/**
 * Follows a file like `tail -F`: reads what is there, then polls for growth; survives rotation
 * (the path now names a different inode: the old file is read to its end, then the new one from
 * its start), truncation (size below the read offset: start again from 0) and the file being
 * absent for a while. Yields complete lines in batches; a line longer than the limit is
 * skipped and reported.
 *
 * Polling rather than fs.watch: watch events are unreliable across rotation and on network or
 * overlay file systems, and a 250 ms poll costs nothing measurable.
 */
import { isAscii } from 'node:buffer';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { sleep } from '../source.js';

/** Something notable that happened while following. */
export type FollowNotice =
  | { kind: 'opened'; path: string; offset: number }
  | { kind: 'rotated'; path: string }
  | { kind: 'truncated'; path: string; at: number }
  | { kind: 'missing'; path: string }
  | { kind: 'line-too-long'; path: string; bytes: number };

/** Options of {@link followFile}. */
export interface FollowOptions {
  signal: AbortSignal;
  /** Poll interval when idle (default 250 ms). */
  pollMs?: number;
  /** Start at the current end instead of the beginning (default false). */
  fromEnd?: boolean;
  /** Longest accepted line in bytes (default 16 MiB). */
  maxLineBytes?: number;
  /** Read size (default 1 MiB). */
  chunkBytes?: number;
  onNotice?: (n: FollowNotice) => void;
}

/**
 * Largest piece of a read decoded into one string: Node makes strings of about 1 MB and more
 * external (malloc'd, freed only by a GC), and ones over 128 KiB are large objects; a line's text
 * keeps its region alive until the line is parsed.
 */
const REGION_BYTES = 64 * 1024;

interface Opened {
  fh: FileHandle;
  ino: number;
  dev: number;
  offset: number;
}

async function tryOpen(path: string, fromEnd: boolean): Promise<Opened | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch {
    return undefined;
  }
  const st = await fh.stat();
  return { fh, ino: st.ino, dev: st.dev, offset: fromEnd ? st.size : 0 };
}

/** Follows `path`, yielding batches of complete lines (without the newline). */
export async function* followFile(path: string, o: FollowOptions): AsyncGenerator<string[]> {
  const pollMs = o.pollMs ?? 250;
  const maxLine = o.maxLineBytes ?? 16 << 20;
  // Two buffers: while the lines of one are handed out, the next read (issued only when the
  // last one filled its buffer, i.e. while catching up on a large file) fills the other.
  const size = o.chunkBytes ?? 1 << 20;
  const bufs = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let which = 0;
  let pending: Promise<{ bytesRead: number }> | undefined;
  let cur: Opened | undefined;
  let first = true;
  let missingReported = false;
  // Bytes of an incomplete line carried over from the previous read.
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = false;

  const take = (chunk: Buffer, eofFlush: boolean): string[] => {
    const lines: string[] = [];
    let start = 0;
    const last = chunk.lastIndexOf(10);
    if (last >= 0 && (skipping || carryLen > 0)) {
      // The first newline ends the line carried over from earlier reads.
      const nl = chunk.indexOf(10);
      if (skipping) skipping = false;
      else {
        carry.push(chunk.subarray(0, nl));
        lines.push(Buffer.concat(carry).toString('utf8'));
      }
      carry = [];
      carryLen = 0;
      start = nl + 1;
    }
    // The complete lines, decoded a region at a time rather than line by line (one native call
    // per region instead of per line; pure-ASCII regions, nearly all flow logs, as latin1, which
    // is faster than UTF-8 and gives the same text). A region ends at a newline and a newline
    // byte never occurs inside a UTF-8 sequence, so the result equals per-line decoding.
    while (start <= last) {
      let end = last;
      if (end - start >= REGION_BYTES) {
        end = chunk.lastIndexOf(10, start + REGION_BYTES - 1);
        if (end < start) end = chunk.indexOf(10, start + REGION_BYTES);
      }
      const region = chunk.subarray(start, end + 1);
      const text = region.toString(isAscii(region) ? 'latin1' : 'utf8');
      for (let pos = 0; ;) {
        const nl = text.indexOf('\n', pos);
        if (nl < 0) break;
        lines.push(text.slice(pos, nl));
        pos = nl + 1;
      }
      start = end + 1;
    }
    if (start < chunk.length && !skipping) {
      const rest = Buffer.from(chunk.subarray(start));
      carry.push(rest);
      carryLen += rest.length;
      if (carryLen > maxLine) {
        o.onNotice?.({ kind: 'line-too-long', path, bytes: carryLen });
        carry = [];
        carryLen = 0;
        skipping = true;
      }
    }
    if (eofFlush && carryLen > 0) {
      lines.push(Buffer.concat(carry).toString('utf8'));
      carry = [];
      carryLen = 0;
    }
    return lines;
  };

  try {
    while (!o.signal.aborted) {
      if (!cur) {
        cur = await tryOpen(path, first && (o.fromEnd ?? false));
        if (!cur) {
          if (!missingReported) o.onNotice?.({ kind: 'missing', path });
          missingReported = true;
          await sleep(pollMs, o.signal);
          continue;
        }
        first = false;
        missingReported = false;
        o.onNotice?.({ kind: 'opened', path, offset: cur.offset });
      }
      const buf = bufs[which];
      const { bytesRead } = await (pending ?? cur.fh.read(buf, 0, size, cur.offset));
      pending = undefined;
      if (bytesRead > 0) {
        cur.offset += bytesRead;
        if (bytesRead === size) {
          which ^= 1;
          pending = cur.fh.read(bufs[which], 0, size, cur.offset);
        }
        const lines = take(buf.subarray(0, bytesRead), false);
        if (lines.length > 0) yield lines;
        continue;
      }
      // At the end of what the handle sees: rotated, truncated, or just idle?
      const st = await stat(path).catch(() => undefined);
      if (st && (st.ino !== cur.ino || st.dev !== cur.dev)) {
        // Rotated: the old handle was read to its end above; a final unterminated line counts.
        const lines = take(Buffer.alloc(0), true);
        if (lines.length > 0) yield lines;
        await cur.fh.close();
        cur = undefined;
        skipping = false;
        o.onNotice?.({ kind: 'rotated', path });
        continue;
      }
      const own = await cur.fh.stat();
      if (own.size < cur.offset) {
        o.onNotice?.({ kind: 'truncated', path, at: cur.offset });
        cur.offset = 0;
        carry = [];
        carryLen = 0;
        skipping = false;
        continue;
      }
      await sleep(pollMs, o.signal);
    }
  } finally {
    // Stopped while a read was in flight: let it settle before closing its handle.
    await pending?.catch(() => undefined);
    await cur?.fh.close().catch(() => {});
  }
}
