/**
 * The source contract: a named, cancellable producer of event batches that reports its state
 * and counts. Sources know nothing about the pipeline beyond `emit`, which may wait (that is
 * how a busy pipeline slows a file reader or a gRPC peer down instead of dropping flows).
 */
import type { FlowEvent } from '../flow/index.js';

/** A source's connection/progress state, shown in status, the UI and GetNodes. */
export type SourceState = 'starting' | 'running' | 'waiting' | 'reconnecting' | 'ended' | 'error';

/** What a source reports about itself. */
export interface SourceStatus {
  /** The spec it was created from, e.g. `file:/var/log/hubble/events.log`. */
  name: string;
  kind: string;
  state: SourceState;
  /** Events emitted. */
  flows: number;
  /** Events known to be lost at or before this source (peer lost events, bad lines, truncation). */
  lost: number;
  message?: string;
  /** For peers: the remote node's name and address, when known. */
  node?: { name: string; address: string; version?: string; tls?: boolean };
  /** Time of the last event emitted (RFC 3339). */
  lastEventTime?: string;
}

/** Emits a batch; resolves when the pipeline has room again. */
export type EmitFn = (batch: FlowEvent[]) => Promise<void>;

/** A flow source. */
export interface FlowSource {
  readonly name: string;
  readonly kind: string;
  /**
   * Produces events until the signal aborts or the input ends. Never rejects for data or
   * connection problems: those are retried or counted, and visible through status().
   */
  run(emit: EmitFn, signal: AbortSignal): Promise<void>;
  status(): SourceStatus;
}

/** A mutable status record that sources update and copy out. */
export class StatusTracker {
  private readonly s: SourceStatus;

  constructor(name: string, kind: string) {
    this.s = { name, kind, state: 'starting', flows: 0, lost: 0 };
  }

  /** Sets the state and message (a message is cleared unless given). */
  set(state: SourceState, message?: string): void {
    this.s.state = state;
    this.s.message = message;
  }

  /** Counts emitted events and remembers the newest time. */
  emitted(batch: FlowEvent[]): void {
    this.s.flows += batch.length;
    const last = batch[batch.length - 1];
    if (last?.time) this.s.lastEventTime = last.time;
  }

  /** Counts lost events. */
  lost(n: number): void {
    this.s.lost += n;
  }

  /** Sets node information. */
  node(n: SourceStatus['node']): void {
    this.s.node = n;
  }

  /** A copy for callers. */
  snapshot(): SourceStatus {
    return { ...this.s, node: this.s.node ? { ...this.s.node } : undefined };
  }

  get state(): SourceState {
    return this.s.state;
  }
}

/** Waits ms or until the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
