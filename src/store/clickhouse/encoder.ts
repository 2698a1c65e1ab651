/**
 * The ClickHouse store's batch encoder, in a worker thread (default) or in-process. Both keep
 * the same BatchEncoder state; the worker keeps its CPU off the ingest thread.
 */
import type { FlowBatch } from '../batch.js';
import { startModuleWorker } from '../../util/module-worker.js';
import { BatchEncoder, type BatchBodies } from './writer.js';

type FragmentRow = Parameters<BatchEncoder['markWritten']>[0][number];

/** Messages to the encoder worker. */
export type EncoderRequest =
  | { op: 'encode'; id: number; batch: FlowBatch }
  | { op: 'written'; rows: FragmentRow[] }
  | { op: 'forget'; day: number };

/** Replies of the encoder worker. */
export type EncoderReply = { id: number; bodies: BatchBodies } | { id: number; error: string };

/** What the store needs of an encoder. */
export interface Encoder {
  encode(b: FlowBatch): Promise<BatchBodies>;
  /** Marks fragments as stored (after their insert succeeded). */
  markWritten(rows: FragmentRow[]): void;
  /** Forgets what was written for days before `day`. */
  forgetBefore(day: number): void;
  close(): Promise<void>;
}

/** The encoder on the calling thread. */
export class InProcessEncoder implements Encoder {
  private readonly e = new BatchEncoder();
  encode(b: FlowBatch): Promise<BatchBodies> {
    try {
      return Promise.resolve(this.e.encode(b));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
  markWritten(rows: FragmentRow[]): void {
    this.e.markWritten(rows);
  }
  forgetBefore(day: number): void {
    this.e.forgetBefore(day);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The encoder in a worker thread. A batch's typed arrays are copied, not transferred. */
export class WorkerEncoder implements Encoder {
  private readonly worker = startModuleWorker(import.meta.url, 'encoder-worker');
  private readonly pending = new Map<
    number,
    { resolve: (b: BatchBodies) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private failure: Error | undefined;

  constructor() {
    this.worker.on('message', (m: EncoderReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in m) p.reject(new Error(m.error));
      else p.resolve(m.bodies);
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the encoder worker exited (code ${code})`)));
    this.worker.unref();
  }

  encode(b: FlowBatch): Promise<BatchBodies> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    // Referenced while a reply is awaited (so the process waits for it), unreferenced when idle.
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ op: 'encode', id, batch: b } satisfies EncoderRequest);
    });
  }

  markWritten(rows: FragmentRow[]): void {
    if (rows.length > 0) this.worker.postMessage({ op: 'written', rows } satisfies EncoderRequest);
  }

  forgetBefore(day: number): void {
    this.worker.postMessage({ op: 'forget', day } satisfies EncoderRequest);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
