/**
 * The HTTP backend of `flowlens relay`: flow queries and live streams fanned out to the peers
 * over gRPC (filters forwarded; template variables applied here), status from the peer pool.
 * Aggregates and the service map need stored flows: use `flowlens serve` with `hubble:` sources
 * for those.
 */
import type { FlowEvent } from '../flow/index.js';
import { compareTime } from '../flow/index.js';
import type {
  Coverage,
  FlowSelection,
  HttpBackend,
  HttpFlowsQuery,
  LiveSink,
  NodeInfo,
  StatusResponse,
} from '../server/http/index.js';
import type { PeerPool } from './peer-pool.js';

/** The relay's HttpBackend. */
export class RelayHttpBackend implements HttpBackend {
  private readonly startedAt = Date.now();

  constructor(
    private readonly pool: PeerPool,
    private readonly o: { version: string; authRequired: boolean; draining: () => boolean },
  ) {}

  private nodes(): NodeInfo[] {
    return this.pool.peers.map((p) => ({
      name: p.name,
      state: p.state === 'NODE_CONNECTED' ? 'CONNECTED' : p.state === 'NODE_ERROR' ? 'ERROR' : 'UNAVAILABLE',
      flows: p.status?.seenFlows ?? 0,
      lost: 0,
      message: p.message,
    }));
  }

  private coverage(examined: number, flows: FlowEvent[]): Coverage {
    return {
      oldest: flows[0]?.time,
      newest: flows[flows.length - 1]?.time,
      examined,
      lost: 0,
      nodes: this.nodes(),
    };
  }

  async flows(
    q: HttpFlowsQuery,
    signal: AbortSignal,
  ): Promise<{ flows: FlowEvent[]; truncated: boolean; coverage: Coverage }> {
    const req = {
      number: q.limit + 1,
      first: q.first,
      whitelist: q.whitelist,
      blacklist: q.blacklist,
      since: q.since,
      until: q.until,
    };
    const per = await Promise.allSettled(
      this.pool.connected().map(async (p) => {
        const out: FlowEvent[] = [];
        for await (const batch of p.client.getFlows(req, { signal, timeoutMs: 30_000 })) {
          for (const ev of batch) if (ev.flow && (!q.extra || q.extra(ev))) out.push(ev);
        }
        return out;
      }),
    );
    const all = per
      .flatMap((r) => (r.status === 'fulfilled' ? r.value : []))
      .sort((a, b) => compareTime(a.time, b.time));
    const truncated = all.length > q.limit;
    const flows = q.first ? all.slice(0, q.limit) : all.slice(-q.limit);
    return { flows, truncated, coverage: this.coverage(all.length, flows) };
  }

  async live(sel: FlowSelection, history: number, sink: LiveSink, signal: AbortSignal): Promise<void> {
    const req = {
      number: history,
      follow: true,
      whitelist: sel.whitelist,
      blacklist: sel.blacklist,
      since: sel.since,
    };
    await Promise.all(
      this.pool.connected().map(async (p) => {
        try {
          for await (const batch of p.client.getFlows(req, { signal })) {
            const flows: FlowEvent[] = [];
            for (const ev of batch) {
              if (ev.lost_events)
                sink.lost(Number(ev.lost_events.num_events_lost ?? 0), String(ev.lost_events.source ?? ''));
              else if (ev.flow && (!sel.extra || sel.extra(ev))) flows.push(ev);
            }
            if (flows.length > 0) await sink.flows(flows);
          }
        } catch {
          // A failing peer ends its part of the stream; the others go on.
        }
      }),
    );
  }

  status(): StatusResponse {
    const s = this.pool.connected().map((p) => p.status);
    const sum = (f: (x: NonNullable<(typeof s)[number]>) => number) =>
      s.reduce((a, x) => a + (x ? f(x) : 0), 0);
    return {
      version: this.o.version,
      uptimeSeconds: (Date.now() - this.startedAt) / 1000,
      numFlows: sum((x) => x.numFlows),
      maxFlows: sum((x) => x.maxFlows),
      seenFlows: sum((x) => x.seenFlows),
      lostFlows: 0,
      flowsPerSecond: sum((x) => x.flowsRate),
      store: { enabled: false, flows: 0, bytes: 0 },
      sources: this.pool.peers.map((p) => ({
        name: `peer:${p.address}`,
        state: p.state === 'NODE_CONNECTED' ? 'running' : 'reconnecting',
        flows: p.status?.seenFlows ?? 0,
        lost: 0,
        message: p.message,
      })),
      nodes: this.nodes(),
      authRequired: this.o.authRequired,
    };
  }

  readiness(): 'ok' | 'starting' | 'draining' {
    if (this.o.draining()) return 'draining';
    return this.pool.connected().length > 0 ? 'ok' : 'starting';
  }
}
