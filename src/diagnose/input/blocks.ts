/**
 * Parallel reading of one large flow log, equal to reading it in one thread.
 *
 * The file is cut into fixed-size blocks, and the blocks into contiguous ranges, one per reading
 * thread (the main thread and the worker threads). A thread reads its range block by block;
 * when it has no range left it steals the back half of what remains of the fullest range (the
 * whole rest when one block remains), so a thread that starts late, fails to start or runs on a
 * busier core ends up with less, and all threads finish together. The ranges, their ends and
 * the steals live in shared memory under a small lock.
 *
 * Every range has its own accumulator, and the ranges are merged in file order. Merging
 * accumulators of consecutive parts in order gives what one pass over the whole would (samples,
 * first-seen keys and bounded tables included), so the result does not depend on timing.
 *
 * A block owns the lines that start inside it: its reader skips the end of a line that began in
 * the block before, and reads past its end to finish its own last line. Warnings carry
 * (block, line-in-block) and become file line numbers once every block's line count is known.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { DiagnosisAccumulator, type AccumulatorOptions } from '../accumulator.js';
import { LineFeeder, type LineStats } from './lines.js';

/** What every reader of one file gets. */
export interface BlockJob {
  path: string;
  size: number;
  blockBytes: number;
  maxLineBytes: number;
  accumulator: AccumulatorOptions;
  /** Shared state (see newControl), the same for every reader. */
  control: SharedArrayBuffer;
}

/** A problem with one line, numbered within its block. */
export interface BlockWarning {
  block: number;
  line: number;
  message: string;
}

/** What one range read. */
export interface BlockPart {
  /** The range's first block (parts merge in this order). */
  first: number;
  acc: DiagnosisAccumulator;
  stats: LineStats;
  /** [block, lines] for every block of the range that owned lines. */
  blockLines: Array<[number, number]>;
  warnings: BlockWarning[];
}

const READ_BYTES = 512 << 10;

/** Warnings kept per reader (all are counted in the stats). */
const MAX_WARNINGS = 100;

/** The number of blocks of a job. */
export function blockCount(job: Pick<BlockJob, 'size' | 'blockBytes'>): number {
  return Math.ceil(job.size / job.blockBytes);
}

/** Ranges the control table holds; once full, threads stop stealing and finish their own. */
const MAX_RANGES = 256;

// Int32 cells of the control memory.
const LOCK = 0;
const RANGES = 1;
const RANGE_AT = 2; // then [next, end] block indices per range
const CLAIMED_AT = RANGE_AT + 2 * MAX_RANGES; // then blocks claimed per worker

/**
 * The control memory for `readers` reading threads over `blocks` blocks: one range per reader
 * to begin with, reader k starting with range k.
 */
export function newControl(readers: number, blocks: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(4 * (CLAIMED_AT + readers));
  const ctl = new Int32Array(sab);
  ctl[RANGES] = readers;
  for (let k = 0; k < readers; k++) {
    ctl[RANGE_AT + 2 * k] = Math.floor((blocks * k) / readers);
    ctl[RANGE_AT + 2 * k + 1] = Math.floor((blocks * (k + 1)) / readers);
  }
  return sab;
}

/** Blocks reader `k` has claimed (0 means it read nothing, so its failure lost nothing). */
export function claimedBy(control: SharedArrayBuffer, k: number): number {
  return Atomics.load(new Int32Array(control), CLAIMED_AT + k);
}

/** Blocks not yet claimed by any reader. */
export function unclaimed(control: SharedArrayBuffer): number {
  const ctl = new Int32Array(control);
  let n = 0;
  for (let r = 0; r < Atomics.load(ctl, RANGES); r++)
    n += Math.max(0, Atomics.load(ctl, RANGE_AT + 2 * r + 1) - Atomics.load(ctl, RANGE_AT + 2 * r));
  return n;
}

function lock(ctl: Int32Array): void {
  while (Atomics.compareExchange(ctl, LOCK, 0, 1) !== 0);
}

function unlock(ctl: Int32Array): void {
  Atomics.store(ctl, LOCK, 0);
}

/** The next block of range `r`, or -1 when the range is done. */
function claim(ctl: Int32Array, r: number): number {
  lock(ctl);
  const next = ctl[RANGE_AT + 2 * r];
  const ok = next < ctl[RANGE_AT + 2 * r + 1];
  if (ok) ctl[RANGE_AT + 2 * r] = next + 1;
  unlock(ctl);
  return ok ? next : -1;
}

/** Steals the back half of the fullest range as a new range; its index, or -1. */
function steal(ctl: Int32Array): number {
  lock(ctl);
  try {
    const count = ctl[RANGES];
    if (count >= MAX_RANGES) return -1;
    let victim = -1;
    let most = 0;
    for (let r = 0; r < count; r++) {
      const left = ctl[RANGE_AT + 2 * r + 1] - ctl[RANGE_AT + 2 * r];
      if (left > most) {
        most = left;
        victim = r;
      }
    }
    if (victim < 0) return -1;
    const end = ctl[RANGE_AT + 2 * victim + 1];
    const mid = ctl[RANGE_AT + 2 * victim] + Math.floor(most / 2);
    ctl[RANGE_AT + 2 * victim + 1] = mid;
    ctl[RANGE_AT + 2 * count] = mid;
    ctl[RANGE_AT + 2 * count + 1] = end;
    ctl[RANGES] = count + 1;
    return count;
  } finally {
    unlock(ctl);
  }
}

/**
 * Reads ranges until no blocks are left: its own range `k`, then stolen ones. Returns one part
 * per range it read (k < 0: only steal). `worker` is this thread's index among the workers, for claimedBy.
 */
export function readBlocks(job: BlockJob, k: number, worker?: number): BlockPart[] {
  const ctl = new Int32Array(job.control);
  const fd = openSync(job.path, 'r');
  const parts: BlockPart[] = [];
  try {
    for (let r = k >= 0 ? k : steal(ctl); r >= 0; r = steal(ctl)) {
      let reader: RangeReader | undefined;
      for (let b = claim(ctl, r); b >= 0; b = claim(ctl, r)) {
        if (worker !== undefined) Atomics.add(ctl, CLAIMED_AT + worker, 1);
        reader ??= new RangeReader(job, fd, b);
        reader.read(b);
      }
      if (reader) parts.push(reader.finish());
    }
  } finally {
    closeSync(fd);
  }
  return parts;
}

/** Reads the consecutive blocks of one range into one accumulator. */
class RangeReader {
  readonly acc: DiagnosisAccumulator;
  readonly #feeder: LineFeeder;
  readonly #job: BlockJob;
  readonly #fd: number;
  readonly #first: number;
  readonly #blocks = new Map<number, number>();
  readonly #warnings: BlockWarning[] = [];
  /** The block whose lines are being fed, and the feeder's line count when it started. */
  #block = -1;
  #linesBefore = 0;
  #buf: Buffer | undefined;

  constructor(job: BlockJob, fd: number, first: number) {
    this.#job = job;
    this.#fd = fd;
    this.#first = first;
    this.acc = new DiagnosisAccumulator(job.accumulator);
    this.#feeder = new LineFeeder(this.acc, job.maxLineBytes, (message, line) => {
      if (this.#warnings.length < MAX_WARNINGS)
        this.#warnings.push({ block: this.#block, line: line - this.#linesBefore, message });
    });
  }

  /** Ends the range: a last line without a newline belongs to the block it started in. */
  finish(): BlockPart {
    this.#feeder.end();
    this.#closeBlock();
    return {
      first: this.#first,
      acc: this.acc,
      stats: this.#feeder.stats,
      blockLines: [...this.#blocks],
      warnings: this.#warnings,
    };
  }

  /**
   * Reads into one reused buffer (the line splitter copies what it keeps of a chunk): a fresh
   * 512 KiB buffer per read cost page faults on every read.
   */
  #readAt(pos: number, len: number): Buffer {
    const buf = (this.#buf ??= Buffer.allocUnsafeSlow(READ_BYTES));
    const n = readSync(this.#fd, buf, 0, len, pos);
    return buf.subarray(0, n);
  }

  #closeBlock(): void {
    if (this.#block >= 0) this.#blocks.set(this.#block, this.#feeder.stats.lines - this.#linesBefore);
  }

  /** Reads block `i` (the range's blocks come in order). */
  read(i: number): void {
    const { size, blockBytes } = this.#job;
    const start = i * blockBytes;
    const end = Math.min(size, start + blockBytes);
    // The first line starting in [start, end): right after the first newline at or after start-1.
    let pos = start;
    let first: Buffer | undefined;
    if (start > 0) {
      pos = start - 1;
      for (;;) {
        if (pos >= end - 1) return; // no line starts in this block
        const chunk = this.#readAt(pos, Math.min(READ_BYTES, end - 1 - pos));
        if (chunk.length === 0) return;
        const nl = chunk.indexOf(10);
        if (nl >= 0) {
          pos += nl + 1;
          first = chunk.subarray(nl + 1);
          break;
        }
        pos += chunk.length;
      }
    }
    this.#block = i;
    this.#linesBefore = this.#feeder.stats.lines;
    if (first !== undefined && first.length > 0) {
      this.#feeder.push(first);
      pos += first.length;
    }
    while (pos < end) {
      const chunk = this.#readAt(pos, Math.min(READ_BYTES, end - pos));
      if (chunk.length === 0) break;
      this.#feeder.push(chunk);
      pos += chunk.length;
    }
    // Finish the block's last line, which may run into the next blocks.
    while (this.#feeder.midLine && pos < size) {
      const chunk = this.#readAt(pos, Math.min(READ_BYTES, size - pos));
      if (chunk.length === 0) break;
      const nl = chunk.indexOf(10);
      this.#feeder.push(nl >= 0 ? chunk.subarray(0, nl + 1) : chunk);
      if (nl >= 0) break;
      pos += chunk.length;
    }
    this.#closeBlock();
  }
}

/**
 * The warnings of all readers with file line numbers, in file order: `blockLines` of every
 * part give the lines before each block.
 */
export function fileWarnings(parts: BlockPart[], blocks: number): Array<{ line: number; message: string }> {
  const lines = new Float64Array(blocks);
  for (const p of parts) for (const [b, n] of p.blockLines) lines[b] = n;
  const before = new Float64Array(blocks);
  for (let b = 1; b < blocks; b++) before[b] = before[b - 1] + lines[b - 1];
  return parts
    .flatMap((p) => p.warnings)
    .map((w) => ({ line: before[w.block] + w.line, message: w.message }))
    .sort((a, b) => a.line - b.line);
}
