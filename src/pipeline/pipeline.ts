/**
 * The ingest pipeline: every source feeds one bounded queue, and one loop takes batches off it
 * and runs the stages in a fixed order (enrich -> store -> metrics -> listeners). It owns the
 * ordering of stages, not their logic.
 *
 * Back-pressure, not loss, is the default: `emit` waits while the queue is full, which slows a
 * file reader or (through HTTP/2 flow control) a gRPC peer. Sources that cannot wait (a live
 * simulator clock) use `offer`, which drops and counts when the queue is full; the drop is also
 * recorded as a LostEvent (source OBSERVER_EVENTS_QUEUE) so readers see the gap.
 * A stage that throws is counted and logged; it never stops ingest (architecture rule 4).
 */
import type { FlowEvent } from '../flow/index.js';
import { timeFromMillis } from '../flow/index.js';

/** One processing step; may return a promise (e.g. a store applying back-pressure). */
export interface PipelineStage {
  readonly name: string;
  /** Processes a batch; `source` names the source it came from ('' for pipeline records). */
  process(batch: FlowEvent[], source: string): void | Promise<void>;
}

/** Options of {@link Pipeline}. */
export interface PipelineOptions {
  /** Most events waiting in the queue (default 65,536). */
  maxQueuedEvents?: number;
  /** Node name stamped on events that lack one. */
  nodeName: string;
  /** Receives stage errors (rate-limited by the caller if needed). */
  onError?: (stage: string, err: unknown) => void;
  /** Clock (ms since epoch). */
  now?: () => number;
  /** Called when offer() drops a batch. */
  onDrop?: (source: string, n: number) => void;
}

/** Counters the pipeline exposes (API and /metrics). */
export interface PipelineStats {
  /** Events accepted into the queue. */
  received: number;
  /** Events that went through all stages. */
  processed: number;
  /** Events dropped because the queue was full (offer only). */
  dropped: number;
  /** Stage failures by stage name. */
  stageErrors: Record<string, number>;
  queued: number;
  maxQueued: number;
  /** Batches processed. */
  batches: number;
  /** Total time spent in stages, seconds. */
  busySeconds: number;
}

interface Waiter {
  n: number;
  resolve: () => void;
}

/** The single ingest loop. */
/** Flows per slice of a batch that every stage processes in turn (see process()). */
const SLICE = 256;

export class Pipeline {
  private readonly queue: { events: FlowEvent[]; source: string }[] = [];
  private queued = 0;
  private readonly max: number;
  private readonly waiters: Waiter[] = [];
  private wake?: () => void;
  private running = false;
  private stopped = false;
  private loop?: Promise<void>;
  private readonly stats: PipelineStats;
  private pendingLoss = 0;

  constructor(
    private readonly stages: PipelineStage[],
    private readonly opts: PipelineOptions,
  ) {
    this.max = opts.maxQueuedEvents ?? 65_536;
    this.stats = {
      received: 0,
      processed: 0,
      dropped: 0,
      stageErrors: {},
      queued: 0,
      maxQueued: this.max,
      batches: 0,
      busySeconds: 0,
    };
    for (const s of stages) this.stats.stageErrors[s.name] = 0;
  }

  /** Starts the loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Queues a batch, waiting while the queue is full. Resolves immediately after stop(). */
  emit = (batch: FlowEvent[]): Promise<void> => this.emitFrom('', batch);

  /** An emit function that tags batches with a source name. */
  emitter(source: string): (batch: FlowEvent[]) => Promise<void> {
    return (batch) => this.emitFrom(source, batch);
  }

  private async emitFrom(source: string, batch: FlowEvent[]): Promise<void> {
    if (this.stopped || batch.length === 0) return;
    while (this.queued > 0 && this.queued + batch.length > this.max && !this.stopped) {
      await new Promise<void>((resolve) => this.waiters.push({ n: batch.length, resolve }));
    }
    if (this.stopped) return;
    this.enqueue(batch, source);
  }

  /** Queues a batch if there is room; otherwise drops it, counts it and returns false. */
  offer(batch: FlowEvent[], source = ''): boolean {
    if (this.stopped || batch.length === 0) return true;
    if (this.queued > 0 && this.queued + batch.length > this.max) {
      this.stats.dropped += batch.length;
      this.pendingLoss += batch.length;
      this.opts.onDrop?.(source, batch.length);
      return false;
    }
    this.enqueue(batch, source);
    return true;
  }

  private enqueue(batch: FlowEvent[], source: string): void {
    if (this.pendingLoss > 0) {
      // Record the gap where it happened, before the next accepted events.
      this.queue.push({ events: [this.lostRecord(this.pendingLoss)], source: '' });
      this.queued += 1;
      this.pendingLoss = 0;
    }
    this.queue.push({ events: batch, source });
    this.queued += batch.length;
    this.stats.received += batch.length;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private lostRecord(n: number): FlowEvent {
    const time = timeFromMillis((this.opts.now ?? Date.now)());
    return {
      lost_events: { source: 'OBSERVER_EVENTS_QUEUE', num_events_lost: String(n) },
      node_name: this.opts.nodeName,
      time,
    };
  }

  private async run(): Promise<void> {
    for (;;) {
      const item = this.queue.shift();
      if (!item) {
        if (this.stopped) return;
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      this.queued -= item.events.length;
      this.release();
      await this.process(item.events, item.source);
    }
  }

  private release(): void {
    while (this.waiters.length > 0 && (this.queued === 0 || this.queued + this.waiters[0].n <= this.max)) {
      this.waiters.shift()!.resolve();
    }
  }

  private async process(batch: FlowEvent[], source: string): Promise<void> {
    const t0 = performance.now();
    const node = this.opts.nodeName;
    // Every stage sees a slice before the next slice goes to any stage: a slice of decoded
    // flows fits in the CPU caches, so the stages after the first read warm objects. Whole
    // batches of a few thousand flows (megabytes of objects) made every stage take its own
    // cache misses: the metrics handlers ran 35 % slower on 4096-flow batches than on
    // 256-flow ones (bench/metrics.ts, BATCH).
    for (let i = 0; i < batch.length; i += SLICE) {
      const slice = batch.length <= SLICE ? batch : batch.slice(i, i + SLICE);
      for (const ev of slice) {
        if (!ev.node_name) {
          const fromFlow = ev.flow?.node_name;
          ev.node_name = fromFlow || node;
          // Copy rather than mutate: flows may be shared frozen objects (simulator, store).
          if (ev.flow && !fromFlow) ev.flow = { ...ev.flow, node_name: node };
        }
      }
      for (const stage of this.stages) {
        try {
          const r = stage.process(slice, source);
          if (r) await r;
        } catch (err) {
          this.stats.stageErrors[stage.name] = (this.stats.stageErrors[stage.name] ?? 0) + 1;
          this.opts.onError?.(stage.name, err);
        }
      }
    }
    this.stats.processed += batch.length;
    this.stats.batches++;
    this.stats.busySeconds += (performance.now() - t0) / 1000;
  }

  /** Current counters. */
  snapshot(): PipelineStats {
    return { ...this.stats, stageErrors: { ...this.stats.stageErrors }, queued: this.queued };
  }

  /**
   * Stops accepting, processes what is queued (drain), and resolves when the loop is idle.
   * Waiting emitters are released (their batches are not queued).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiters.splice(0)) w.resolve();
    const w = this.wake;
    this.wake = undefined;
    w?.();
    await this.loop;
    this.running = false;
  }
}
