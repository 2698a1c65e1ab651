/**
 * `--source stdin` (or `-`): JSON-lines flows piped in, e.g.
 * `kubectl exec ds/cilium -- hubble observe -f -o json | flowlens serve --source stdin`.
 * Reading, gzip detection and bad-line handling are the flow-log reader's.
 */
import type { Readable } from 'node:stream';
import { readFlowLog } from '../jsonl/index.js';
import { StatusTracker, type EmitFn, type FlowSource, type SourceStatus } from '../source.js';

/** Options of {@link StdinSource}. */
export interface StdinSourceOptions {
  /** The stream to read (default process.stdin). */
  stream?: Readable;
  onWarning?: (msg: string) => void;
}

/** Reads events from standard input until it ends. */
export class StdinSource implements FlowSource {
  readonly kind = 'stdin';
  readonly name = 'stdin';
  private readonly st = new StatusTracker('stdin', 'stdin');

  constructor(private readonly opts: StdinSourceOptions = {}) {}

  status(): SourceStatus {
    return this.st.snapshot();
  }

  async run(emit: EmitFn, signal: AbortSignal): Promise<void> {
    let warned = 0;
    try {
      const reader = await readFlowLog(['-'], {
        stdin: this.opts.stream,
        signal,
        onWarning: (msg) => {
          if (warned++ < 10) this.opts.onWarning?.(`stdin: ${msg}`);
        },
      });
      this.st.set('running');
      for await (const batch of reader) {
        if (signal.aborted) break;
        if (batch.length === 0) continue;
        this.st.emitted(batch);
        await emit(batch);
        this.syncLost(reader.stats);
      }
      this.syncLost(reader.stats);
      this.st.set('ended', 'end of input');
    } catch (err) {
      if (!signal.aborted) this.st.set('error', (err as Error).message);
      else this.st.set('ended');
    }
  }

  private counted = 0;
  private syncLost(stats: { invalid: number; tooLong: number }): void {
    const n = stats.invalid + stats.tooLong;
    if (n > this.counted) {
      this.st.lost(n - this.counted);
      this.counted = n;
    }
  }
}
