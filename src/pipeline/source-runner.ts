/**
 * Runs a set of sources against the pipeline: starts each one, keeps their promises, and stops
 * them together. A source that returns (input ended) stays listed with its final state.
 */
import type { FlowSource, SourceStatus } from '../sources/index.js';
import type { Pipeline } from './pipeline.js';

/** The running sources of one server. */
export class SourceRunner {
  private readonly ac = new AbortController();
  private readonly runs: Promise<void>[] = [];

  constructor(
    readonly sources: FlowSource[],
    private readonly pipeline: Pipeline,
    private readonly onError?: (source: string, err: unknown) => void,
  ) {}

  /** Starts every source. */
  start(): void {
    for (const s of this.sources) {
      this.runs.push(
        s.run(this.pipeline.emitter(s.name), this.ac.signal).catch((err) => {
          // Sources should not reject; if one does, it is reported and the others go on.
          this.onError?.(s.name, err);
        }),
      );
    }
  }

  /** Statuses of all sources. */
  statuses(): SourceStatus[] {
    return this.sources.map((s) => s.status());
  }

  /** Resolves when every source has returned (e.g. all inputs ended). */
  async settled(): Promise<void> {
    await Promise.all(this.runs);
  }

  /** Cancels all sources and waits for them. */
  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.all(this.runs);
  }
}
