/**
 * The I/O adapter of the diagnosis engine for flow logs: reads files, globs, `.gz` and stdin
 * into a DiagnosisAccumulator. Large plain files are read in blocks by the main thread and worker
 * threads in parallel (blocks.ts), each building its own accumulator; the parts are merged.
 * Node-only (not exported from the browser-safe diagnose index).
 */
import { availableParallelism } from 'node:os';
import { resolveInputs } from '../../sources/jsonl/index.js';
import { startModuleWorker } from '../../util/module-worker.js';
import { DiagnosisAccumulator, type AccumulatorOptions } from '../accumulator.js';
import { addLineStats, LineFeeder, newLineStats, type LineStats } from './lines.js';
import {
  blockCount,
  claimedBy,
  fileWarnings,
  newControl,
  readBlocks,
  unclaimed,
  type BlockJob,
  type BlockPart,
} from './blocks.js';
import type { WorkerJob } from './worker.js';

/** Options of accumulateFlowLogs. */
export interface ReadLogOptions {
  accumulator?: AccumulatorOptions;
  /**
   * Threads reading a large file, the main thread included (default: available cores, at most
   * 4; 1 = the main thread alone).
   */
  workers?: number;
  /** Files smaller than this are read by the main thread alone (default 32 MiB). */
  parallelMinBytes?: number;
  /** Size of the blocks threads claim (default 8 MiB). */
  blockBytes?: number;
  /**
   * Whether the main thread reads blocks too (default true: it would otherwise wait idle while
   * the workers start). Tests turn it off to make the workers do all the reading.
   */
  mainThreadReads?: boolean;
  maxLineBytes?: number;
  onWarning?: (msg: string) => void;
  /** Stream used for '-' (tests). */
  stdin?: NodeJS.ReadableStream;
}

/** The result: the accumulator and what was read. */
export interface ReadLogResult {
  acc: DiagnosisAccumulator;
  stats: LineStats;
  /** Threads that read in parallel (0 when every input was read by the main thread alone). */
  workers: number;
}

/**
 * A larger young generation than the default for the reading workers: every line makes a few
 * dozen short-lived objects, and with a small nursery the ones alive across a scavenge (the
 * current region's) get promoted and collected again by the old generation.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 64 };

/** Warnings printed per file (all bad lines are counted in the stats). */
const MAX_FILE_WARNINGS = 20;

function runWorker(data: WorkerJob): Promise<BlockPart[]> {
  return new Promise((resolve, reject) => {
    const w = startModuleWorker(import.meta.url, 'worker', data, { resourceLimits: WORKER_LIMITS });
    w.once('message', (m: { parts?: BlockPart[]; error?: string }) => {
      void w.terminate();
      if (m.error || !m.parts) reject(new Error(m.error ?? 'no result'));
      else resolve(m.parts);
    });
    w.once('error', reject);
  });
}

/**
 * Reads one large plain file with `threads` threads (see blocks.ts) and merges what they read
 * into `acc`, in file order. A worker that fails before claiming a block costs nothing (the
 * others read its range); one that fails later has lost lines, which is an error.
 */
async function readParallel(
  path: string,
  size: number,
  threads: number,
  acc: DiagnosisAccumulator,
  stats: LineStats,
  opts: ReadLogOptions,
): Promise<void> {
  const mainReads = opts.mainThreadReads ?? true;
  const workers = mainReads ? threads - 1 : threads;
  const partial: Omit<BlockJob, 'control'> = {
    path,
    size,
    blockBytes: opts.blockBytes ?? 8 << 20,
    maxLineBytes: opts.maxLineBytes ?? 16 << 20,
    accumulator: opts.accumulator ?? {},
  };
  const blocks = blockCount(partial);
  const job: BlockJob = { ...partial, control: newControl(threads, blocks) };
  const first = mainReads ? 1 : 0; // the main thread reads range 0
  const pending = Array.from({ length: workers }, (_, index) =>
    runWorker({ job, index, range: first + index }).then(
      (parts) => ({ parts, index, error: undefined }),
      (error: Error) => ({ parts: undefined, index, error }),
    ),
  );
  const parts: BlockPart[] = [];
  // Synchronous: the main thread reads while the workers start, then they share what is left.
  if (mainReads) parts.push(...readBlocks(job, 0));
  for (const r of await Promise.all(pending)) {
    const why = r.error?.message.split('\n')[0];
    if (r.parts) parts.push(...r.parts);
    else if (claimedBy(job.control, r.index) > 0)
      throw new Error(`reading ${path} failed in a worker thread: ${why}`);
    else opts.onWarning?.(`a reading thread could not start (${why}); the others read its share`);
  }
  // What no thread read (only when every worker failed to start and the main thread did not read).
  if (unclaimed(job.control) > 0) parts.push(...readBlocks(job, -1));
  parts.sort((a, b) => a.first - b.first);
  for (const p of parts) {
    acc.merge(p.acc);
    addLineStats(stats, p.stats);
  }
  for (const w of fileWarnings(parts, blocks).slice(0, MAX_FILE_WARNINGS))
    opts.onWarning?.(`${path}: line ${w.line}: ${w.message}`);
}

async function readInProcess(
  stream: NodeJS.ReadableStream,
  acc: DiagnosisAccumulator,
  opts: ReadLogOptions,
  stats: LineStats,
  name: string,
): Promise<void> {
  let warned = 0;
  const feeder = new LineFeeder(acc, opts.maxLineBytes, (m, line) => {
    if (warned++ < MAX_FILE_WARNINGS) opts.onWarning?.(`${name}: line ${line}: ${m}`);
  });
  for await (const chunk of stream)
    feeder.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  feeder.end();
  addLineStats(stats, feeder.stats);
}

/**
 * Reads flow logs into one accumulator. Throws FlowLogError (from the jsonl source) when an
 * input cannot be opened.
 */
export async function accumulateFlowLogs(
  inputs: string[],
  opts: ReadLogOptions = {},
): Promise<ReadLogResult> {
  const resolved = await resolveInputs(inputs.length ? inputs : ['-'], opts.stdin as never);
  const acc = new DiagnosisAccumulator(opts.accumulator);
  const stats = newLineStats();
  const threads = opts.workers ?? Math.min(4, availableParallelism());
  let used = 0;
  for (const inp of resolved) {
    const plain = inp.name !== 'stdin' && !inp.name.endsWith('.gz') && inp.size !== undefined;
    if (plain && threads > 1 && inp.size! >= (opts.parallelMinBytes ?? 32 << 20)) {
      await readParallel(inp.name, inp.size!, threads, acc, stats, opts);
      used = Math.max(used, threads);
      continue;
    }
    await readInProcess(inp.open(), acc, opts, stats, inp.name);
  }
  return { acc, stats, workers: used };
}
