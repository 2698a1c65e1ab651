/**
 * A source that emits whatever the test pushes into it: for pipeline and end-to-end tests that
 * need exact control over what is ingested and when.
 */
import type { FlowEvent } from '../../flow/index.js';
import { StatusTracker, type EmitFn, type FlowSource, type SourceStatus } from '../source.js';

/** A push-driven FlowSource. */
export class PushSource implements FlowSource {
  readonly kind = 'push';
  private readonly st: StatusTracker;
  private queue: FlowEvent[][] = [];
  private wake?: () => void;
  private ended = false;
  /** Resolves once run() has started. */
  readonly started: Promise<void>;
  private markStarted!: () => void;

  constructor(readonly name = 'push') {
    this.st = new StatusTracker(name, this.kind);
    this.started = new Promise((r) => (this.markStarted = r));
  }

  /** Queues a batch for emission. */
  push(batch: FlowEvent[]): void {
    this.queue.push(batch);
    this.wake?.();
  }

  /** Ends the source after the queued batches. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  status(): SourceStatus {
    return this.st.snapshot();
  }

  async run(emit: EmitFn, signal: AbortSignal): Promise<void> {
    this.st.set('running');
    this.markStarted();
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
    while (!signal.aborted) {
      const b = this.queue.shift();
      if (b) {
        this.st.emitted(b);
        await emit(b);
        continue;
      }
      if (this.ended) break;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
    this.st.set('ended');
  }
}
