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
  const buf = Buffer.allocUnsafe(o.chunkBytes ?? 1 << 20);
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
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      if (skipping) {
        skipping = false;
      } else if (carryLen > 0) {
        carry.push(chunk.subarray(start, nl));
        lines.push(Buffer.concat(carry).toString('utf8'));
        carry = [];
        carryLen = 0;
      } else {
        lines.push(chunk.toString('utf8', start, nl));
      }
      start = nl + 1;
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
      const { bytesRead } = await cur.fh.read(buf, 0, buf.length, cur.offset);
      if (bytesRead > 0) {
        cur.offset += bytesRead;
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
    await cur?.fh.close().catch(() => {});
  }
}
