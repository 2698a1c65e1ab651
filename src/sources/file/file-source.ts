/**
 * `--source file:PATH`: a Hubble flow log (exporter output, ACNS flow logs, `hubble observe -o
 * json`) followed like `tail -F`. Bad lines are counted as lost and reported once per kind.
 */
import { decodeEvent, FlowLineParser, isCanonicalEvent, type FlowEvent } from '../../flow/index.js';
import { StatusTracker, type EmitFn, type FlowSource, type SourceStatus } from '../source.js';
import { followFile, type FollowNotice } from './tail-follower.js';

/** Options of {@link FileSource}. */
export interface FileSourceOptions {
  /** Start at the end of the file instead of importing what it holds (default false). */
  fromEnd?: boolean;
  pollMs?: number;
  maxLineBytes?: number;
  /** Receives notable conditions (rotation, truncation, bad lines). */
  onWarning?: (msg: string) => void;
}

/** Follows one flow-log file. */
export class FileSource implements FlowSource {
  readonly kind = 'file';
  readonly name: string;
  private readonly st: StatusTracker;
  private invalidReported = false;
  /** Rotations and truncations seen (for status and tests). */
  rotations = 0;
  truncations = 0;

  constructor(
    readonly path: string,
    private readonly opts: FileSourceOptions = {},
  ) {
    this.name = `file:${path}`;
    this.st = new StatusTracker(this.name, this.kind);
  }

  status(): SourceStatus {
    return this.st.snapshot();
  }

  private notice(n: FollowNotice): void {
    switch (n.kind) {
      case 'opened':
        this.st.set('running');
        break;
      case 'missing':
        this.st.set('waiting', `${n.path} does not exist (yet); waiting for it`);
        break;
      case 'rotated':
        this.rotations++;
        this.opts.onWarning?.(`${this.name}: file rotated, following the new file`);
        break;
      case 'truncated':
        this.truncations++;
        this.opts.onWarning?.(`${this.name}: file truncated at byte ${n.at}, reading from the start`);
        break;
      case 'line-too-long':
        this.st.lost(1);
        this.opts.onWarning?.(
          `${this.name}: skipped a line longer than ${this.opts.maxLineBytes ?? 16 << 20} bytes`,
        );
        break;
    }
  }

  async run(emit: EmitFn, signal: AbortSignal): Promise<void> {
    const lines = followFile(this.path, {
      signal,
      fromEnd: this.opts.fromEnd,
      pollMs: this.opts.pollMs,
      maxLineBytes: this.opts.maxLineBytes,
      onNotice: (n) => this.notice(n),
    });
    // Parses each pod's endpoint text once (events then share frozen endpoint objects).
    const parser = new FlowLineParser();
    try {
      for await (const batch of lines) {
        const events: FlowEvent[] = [];
        for (const line of batch) {
          if (line.charCodeAt(0) !== 123 /* { */ && line.trim() === '') continue;
          try {
            // A line already in Hubble's canonical form is used as parsed (an exact check,
            // about a third of decodeEvent's cost); anything else is decoded and normalised.
            const value = parser.parse(line);
            events.push(isCanonicalEvent(value) ? value : decodeEvent(value));
          } catch (err) {
            this.st.lost(1);
            if (!this.invalidReported) {
              this.invalidReported = true;
              this.opts.onWarning?.(
                `${this.name}: skipping invalid line (${(err as Error).message}); further ones are only counted`,
              );
            }
          }
        }
        if (events.length > 0) {
          this.st.emitted(events);
          await emit(events);
        }
      }
      this.st.set('ended');
    } catch (err) {
      this.st.set('error', (err as Error).message);
    }
  }
}
