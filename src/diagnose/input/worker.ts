/**
 * Worker thread entry: accumulates one byte range of a flow log and posts the accumulator back
 * (structured clone; DiagnosisAccumulator.merge reads only fields, so the clone merges as is).
 */
import { createReadStream } from 'node:fs';
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

async function run(job: WorkerJob): Promise<void> {
  const acc = new DiagnosisAccumulator(job.accumulator);
  const warnings: string[] = [];
  const feeder = new LineFeeder(acc, job.maxLineBytes, (m) => {
    if (warnings.length < 20) warnings.push(`${job.path}@${job.start}: ${m}`);
  });
  if (job.end > job.start) {
    for await (const chunk of createReadStream(job.path, {
      start: job.start,
      end: job.end - 1,
      highWaterMark: 1 << 20,
    }))
      feeder.push(chunk as Buffer);
  }
  feeder.end();
  parentPort!.postMessage({ acc, stats: feeder.stats, warnings });
}

if (parentPort && workerData) {
  run(workerData as WorkerJob).catch((err: unknown) =>
    parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) }),
  );
}
