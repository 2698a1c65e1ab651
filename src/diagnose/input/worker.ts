/**
 * Worker thread entry: reads its range of a flow log and whatever it can steal (see blocks.ts),
 * and posts the parts back (structured clone; DiagnosisAccumulator.merge reads only fields, so
 * the clones merge as they are).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readBlocks, type BlockJob } from './blocks.js';

/** What the parent sends: the shared job, this worker's index and the range it starts with. */
export interface WorkerJob {
  job: BlockJob;
  index: number;
  range: number;
}

if (parentPort && workerData) {
  try {
    const { job, index, range } = workerData as WorkerJob;
    parentPort.postMessage({ parts: readBlocks(job, range, index) });
  } catch (err) {
    parentPort.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
}
