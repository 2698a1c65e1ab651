/**
 * `--source hubble:HOST:PORT`: follows a Hubble Observer (cilium agent, Hubble Relay or another
 * flowlens) over gRPC. Reconnects with exponential back-off and resumes from the newest flow
 * time it has seen, dropping the flows the peer sends again (see resume-filter.ts).
 *
 * Peer lost events are forwarded into the pipeline (so readers see them) and counted as lost.
 */
import type { FlowEvent } from '../../flow/index.js';
import { timeFromMillis } from '../../flow/index.js';
import type { FlowFilter } from '../../filter/index.js';
import { GrpcError, ObserverClient, type GrpcClientOptions } from '../../server/grpc/index.js';
import { sleep, StatusTracker, type EmitFn, type FlowSource, type SourceStatus } from '../source.js';
import { Backoff } from './backoff.js';
import { ResumeFilter } from './resume-filter.js';

/** Options of {@link HubbleSource}. */
export interface HubbleSourceOptions {
  client?: GrpcClientOptions;
  /** On the first connection, ask for flows this far back (default 15 min; 0 = only new). */
  backfillMs?: number;
  /** Server-side filters forwarded to the peer. */
  whitelist?: FlowFilter[];
  blacklist?: FlowFilter[];
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the peer's ServerStatus is refreshed for GetNodes (default 10 s). */
  statusIntervalMs?: number;
  onWarning?: (msg: string) => void;
  /** Clock (ms since epoch), injectable for tests. */
  now?: () => number;
}

/** The latest ServerStatus of the peer. */
export interface PeerInfo {
  version: string;
  numFlows: number;
  maxFlows: number;
  seenFlows: number;
  uptimeNs: number;
  flowsRate: number;
}

/** One Hubble/flowlens peer followed as a source. */
export class HubbleSource implements FlowSource {
  readonly kind = 'hubble';
  readonly name: string;
  private readonly st: StatusTracker;
  private readonly resumeFilter = new ResumeFilter();
  private readonly client: ObserverClient;
  private readonly backoff: Backoff;
  /** Last ServerStatus of the peer, refreshed while connected. */
  peer?: PeerInfo;
  /** Number of (re)connections that reached the streaming state. */
  connections = 0;

  constructor(
    readonly target: string,
    private readonly opts: HubbleSourceOptions = {},
  ) {
    this.name = `hubble:${target}`;
    this.st = new StatusTracker(this.name, this.kind);
    this.st.node({ name: target, address: target, tls: !!opts.client?.tls });
    this.client = new ObserverClient(target, opts.client);
    this.backoff = new Backoff({ initialMs: opts.initialBackoffMs, maxMs: opts.maxBackoffMs });
  }

  status(): SourceStatus {
    return this.st.snapshot();
  }

  /** Flows dropped as re-sent duplicates after reconnects. */
  get duplicates(): number {
    return this.resumeFilter.duplicates;
  }

  async run(emit: EmitFn, signal: AbortSignal): Promise<void> {
    const now = this.opts.now ?? Date.now;
    const backfill = this.opts.backfillMs ?? 15 * 60_000;
    const statusTimer = this.pollStatus(signal);
    let lastError: string | undefined;
    try {
      while (!signal.aborted) {
        const since =
          this.resumeFilter.newest ?? (backfill > 0 ? timeFromMillis(now() - backfill) : undefined);
        if (this.resumeFilter.newest) this.resumeFilter.resume();
        let received = 0;
        try {
          // The last failure stays in the message while the next attempt runs, so that a status
          // read at any moment says why the source is not running.
          this.st.set(
            this.connections === 0 ? 'starting' : 'reconnecting',
            lastError === undefined
              ? `connecting to ${this.target}`
              : `connecting to ${this.target} (last attempt: ${lastError})`,
          );
          const stream = this.client.getFlows(
            { follow: true, since, whitelist: this.opts.whitelist, blacklist: this.opts.blacklist },
            { signal },
          );
          let first = true;
          for await (const batch of stream) {
            if (first) {
              first = false;
              this.connections++;
              lastError = undefined;
              this.st.set('running');
              void this.refreshStatus(signal);
            }
            received += batch.length;
            const keep = this.accept(batch);
            if (keep.length > 0) {
              this.st.emitted(keep);
              await emit(keep);
            }
            if (received > 1000) this.backoff.reset();
          }
          if (signal.aborted) break;
          lastError = 'stream ended by the peer';
          this.st.set('reconnecting', lastError);
        } catch (err) {
          if (signal.aborted) break;
          const msg = err instanceof GrpcError ? `${err.codeName}: ${err.message}` : (err as Error).message;
          lastError = msg;
          this.st.set('reconnecting', msg);
          if (this.backoff.failures === 0) this.opts.onWarning?.(`${this.name}: ${msg}; reconnecting`);
        }
        if (received > 0) this.backoff.reset();
        await sleep(this.backoff.next(), signal);
      }
    } finally {
      clearInterval(statusTimer);
      this.client.close();
      this.st.set('ended');
    }
  }

  private accept(batch: FlowEvent[]): FlowEvent[] {
    const out: FlowEvent[] = [];
    for (const ev of this.resumeFilter.accept(batch)) {
      if (ev.lost_events) {
        this.st.lost(Number(ev.lost_events.num_events_lost ?? 0));
        out.push(ev);
      } else if (ev.flow) {
        if (!this.nodeName) this.learnNodeName(ev.node_name ?? ev.flow.node_name);
        out.push(ev);
      }
      // node_status events of a relay peer describe its nodes; they are not stored.
    }
    return out;
  }

  /** The peer's node name, learned from its first flow (an agent names itself in every flow). */
  private nodeName?: string;

  private learnNodeName(name: string | undefined): void {
    if (!name) return;
    this.nodeName = name;
    const n = this.st.snapshot().node;
    this.st.node({ name, address: this.target, version: n?.version, tls: n?.tls });
  }

  private pollStatus(signal: AbortSignal): NodeJS.Timeout {
    return setInterval(() => {
      if (!signal.aborted && this.st.state === 'running') void this.refreshStatus(signal);
    }, this.opts.statusIntervalMs ?? 10_000).unref();
  }

  private async refreshStatus(signal: AbortSignal): Promise<void> {
    try {
      const s = await this.client.serverStatus({ signal, timeoutMs: 5000 });
      this.peer = {
        version: s.version,
        numFlows: s.numFlows,
        maxFlows: s.maxFlows,
        seenFlows: s.seenFlows,
        uptimeNs: s.uptimeNs,
        flowsRate: s.flowsRate,
      };
      this.st.node({
        name: this.nodeName ?? this.target,
        address: this.target,
        version: s.version,
        tls: !!this.opts.client?.tls,
      });
    } catch {
      // Status is informational; the stream's state is what counts.
    }
  }
}
