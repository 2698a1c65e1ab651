/**
 * The I/O adapter of the diagnosis engine for flow logs: reads files, globs, `.gz` and stdin
 * into a DiagnosisAccumulator. Large plain files are split at line boundaries and read by
 * worker threads in parallel, each building its own accumulator; the parts are merged.
 * Node-only (not exported from the browser-safe diagnose index).
 */
import { open as openFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { resolveInputs } from '../../sources/jsonl/index.js';
import { DiagnosisAccumulator, type AccumulatorOptions } from '../accumulator.js';
import { addLineStats, LineFeeder, newLineStats, type LineStats } from './lines.js';
import type { WorkerJob } from './worker.js';

/** Options of accumulateFlowLogs. */
export interface ReadLogOptions {
  accumulator?: AccumulatorOptions;
  /** Worker threads for large files (default: available cores, at most 4; 1 = no workers). */
  workers?: number;
  /** Files smaller than this are read in-process (default 32 MiB). */
  parallelMinBytes?: number;
  maxLineBytes?: number;
  onWarning?: (msg: string) => void;
  /** Stream used for '-' (tests). */
  stdin?: NodeJS.ReadableStream;
}

/** The result: the accumulator and what was read. */
export interface ReadLogResult {
  acc: DiagnosisAccumulator;
  stats: LineStats;
  /** Worker threads actually used (0 when everything was read in-process). */
  workers: number;
}

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

/**
 * A larger young generation than the default for the parsing workers: every line makes a few
 * dozen short-lived objects, and with a small nursery the ones alive across a scavenge (the
 * current region's) get promoted and collected again by the old generation.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 64 };

/** Offsets splitting a file into `n` ranges that start at line starts. */
async function splitRanges(path: string, size: number, n: number): Promise<number[]> {
  const cuts = [0];
  const fh = await openFile(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    for (let i = 1; i < n; i++) {
      let pos = Math.floor((size * i) / n);
      if (pos <= cuts[cuts.length - 1]) continue;
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) {
          pos = size;
          break;
        }
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) {
          pos += nl + 1;
          break;
        }
        pos += bytesRead;
      }
      if (pos < size) cuts.push(pos);
    }
  } finally {
    await fh.close();
  }
  cuts.push(size);
  return cuts;
}

function runWorker(
  job: WorkerJob,
): Promise<{ acc: DiagnosisAccumulator; stats: LineStats; warnings: string[] }> {
  return new Promise((resolve, reject) => {
    // From dist the worker is plain JS. From sources (tsx, tests) it is TypeScript: a tiny
    // bootstrap loads it through tsx's API (loader flags are not inherited by workers).
    const w = WORKER_URL.pathname.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(WORKER_URL.href)}, ${JSON.stringify(import.meta.url)}))`,
          { eval: true, workerData: job, resourceLimits: WORKER_LIMITS },
        )
      : new Worker(WORKER_URL, { workerData: job, resourceLimits: WORKER_LIMITS });
    w.once(
      'message',
      (m: { acc: DiagnosisAccumulator; stats: LineStats; warnings: string[]; error?: string }) => {
        void w.terminate();
        if (m.error) reject(new Error(m.error));
        else resolve(m);
      },
    );
    w.once('error', reject);
  });
}

async function readInProcess(
  stream: NodeJS.ReadableStream,
  acc: DiagnosisAccumulator,
  opts: ReadLogOptions,
  stats: LineStats,
  name: string,
): Promise<void> {
  const feeder = new LineFeeder(acc, opts.maxLineBytes, (m) => opts.onWarning?.(`${name}: ${m}`));
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
  const maxWorkers = opts.workers ?? Math.min(4, availableParallelism());
  let used = 0;
  for (const inp of resolved) {
    const plain = inp.name !== 'stdin' && !inp.name.endsWith('.gz') && inp.size !== undefined;
    if (plain && maxWorkers > 1 && inp.size! >= (opts.parallelMinBytes ?? 32 << 20)) {
      const cuts = await splitRanges(inp.name, inp.size!, maxWorkers);
      const jobs: WorkerJob[] = [];
      for (let i = 0; i + 1 < cuts.length; i++)
        jobs.push({
          path: inp.name,
          start: cuts[i],
          end: cuts[i + 1],
          accumulator: opts.accumulator ?? {},
          maxLineBytes: opts.maxLineBytes ?? 16 << 20,
        });
      try {
        const parts = await Promise.all(jobs.map(runWorker));
        for (const p of parts) {
          acc.merge(p.acc);
          addLineStats(stats, p.stats);
          for (const w of p.warnings) opts.onWarning?.(w);
        }
        used = Math.max(used, jobs.length);
        continue;
      } catch (err) {
        // Workers unavailable (e.g. no TypeScript loader under a test runner): read in-process.
        opts.onWarning?.(
          `parallel read unavailable (${(err as Error).message.split('\n')[0]}); reading ${inp.name} in one thread`,
        );
      }
    }
    await readInProcess(inp.open(), acc, opts, stats, inp.name);
  }
  return { acc, stats, workers: used };
}
