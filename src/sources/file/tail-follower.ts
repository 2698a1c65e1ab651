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
import { open, stat, type FileHandle } from 'node:fs/promises';
import { LineSplitter, type LineSink } from '../jsonl/line-splitter.js';
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
  /**
   * How the path is looked at when the handle is at its end (default `fs.promises.stat`). Tests
   * use it to rotate the file at the worst moment: after the read that found the end.
   */
  statPath?: (path: string) => Promise<{ ino: number; dev: number }>;
}

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

/** Follows `path`, yielding batches of complete lines (without the newline and a CR before it). */
export async function* followFile(path: string, o: FollowOptions): AsyncGenerator<string[]> {
  const pollMs = o.pollMs ?? 250;
  const statPath = o.statPath ?? stat;
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
  // Lines are split by the shared core (jsonl/line-splitter.ts), which decodes a read in 64 KiB
  // regions: Node makes strings of about 1 MB and more external (malloc'd, freed only by a GC),
  // and ones over 128 KiB are large objects; a line's text keeps its region alive until the
  // line is parsed. It copies an unfinished line's bytes, so the two buffers can be reused.
  let lines: string[] = [];
  const sink: LineSink = {
    region() {},
    line(text, start, end) {
      lines.push(text.slice(start, end));
    },
    tooLong(_lineNo, bytes) {
      o.onNotice?.({ kind: 'line-too-long', path, bytes });
    },
    badUtf8() {},
  };
  const splitter = new LineSplitter(sink, { maxLineBytes: maxLine });
  /** The lines ended so far (and, with `eof`, the unterminated last one). */
  const take = (chunk: Buffer | undefined, eof: boolean): string[] => {
    if (chunk) splitter.push(chunk);
    if (eof) splitter.end();
    const out = lines;
    lines = [];
    return out;
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
      const st = await statPath(path).catch(() => undefined);
      if (st && (st.ino !== cur.ino || st.dev !== cur.dev)) {
        // Rotated. The old writer may have added lines between the read above and the stat (it
        // writes to the renamed file until it reopens): read the old handle to its end again
        // before leaving it. A final unterminated line counts.
        for (;;) {
          const { bytesRead: n } = await cur.fh.read(buf, 0, size, cur.offset);
          if (n === 0) break;
          cur.offset += n;
          const more = take(buf.subarray(0, n), false);
          if (more.length > 0) yield more;
        }
        const lines = take(undefined, true);
        if (lines.length > 0) yield lines;
        await cur.fh.close();
        cur = undefined;
        o.onNotice?.({ kind: 'rotated', path });
        continue;
      }
      const own = await cur.fh.stat();
      if (own.size < cur.offset) {
        o.onNotice?.({ kind: 'truncated', path, at: cur.offset });
        cur.offset = 0;
        splitter.reset();
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
