/**
 * Worker thread entry: accumulates one byte range of a flow log and posts the accumulator back
 * (structured clone; DiagnosisAccumulator.merge reads only fields, so the clone merges as is).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DiagnosisAccumulator, type AccumulatorOptions } from '../accumulator.js';
import { LineFeeder } from './lines.js';

/** What the parent sends. */
export interface WorkerJob {
  path: string;
  start: number;
  /** Exclusive end offset. */
  end: number;
  accumulator: AccumulatorOptions;
  maxLineBytes: number;
}

const READ_BYTES = 512 << 10;

function run(job: WorkerJob): void {
  const acc = new DiagnosisAccumulator(job.accumulator);
  const warnings: string[] = [];
  const feeder = new LineFeeder(acc, job.maxLineBytes, (m) => {
    if (warnings.length < 20) warnings.push(`${job.path}@${job.start}: ${m}`);
  });
  if (job.end > job.start) {
    // Blocking reads: this thread has nothing else to do, and a read stream's hops through the
    // thread pool left it idle between chunks.
    const fd = openSync(job.path, 'r');
    try {
      for (let pos = job.start; pos < job.end;) {
        const chunk = Buffer.allocUnsafe(Math.min(READ_BYTES, job.end - pos));
        const n = readSync(fd, chunk, 0, chunk.length, pos);
        if (n === 0) break;
        feeder.push(n === chunk.length ? chunk : chunk.subarray(0, n));
        pos += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  feeder.end();
  parentPort!.postMessage({ acc, stats: feeder.stats, warnings });
}

if (parentPort && workerData) {
  try {
    run(workerData as WorkerJob);
  } catch (err) {
    parentPort.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
}
