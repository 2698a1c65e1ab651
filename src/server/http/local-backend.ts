/**
 * The HTTP backend of `flowlens serve`: flow queries and live streams from the flow history,
 * aggregates and the graph from the store (when it offers them), status from the server.
 */
import type { FlowEvent } from '../../flow/index.js';
import type { FlowHistory } from '../../pipeline/index.js';
import type {
  AggregateQuery,
  FlowSelection,
  FlowsQuery,
  GraphQuery,
  HttpBackend,
  LiveSink,
} from './backend.js';
import type { AggregateResponse, Coverage, GraphResponse, NodeInfo, StatusResponse } from './contract.js';

/** What the local HTTP backend reads. */
export interface LocalHttpDeps {
  history: FlowHistory;
  status: () => StatusResponse;
  nodes: () => NodeInfo[];
  /** Flows lost anywhere in the pipeline since start. */
  lost: () => number;
  readiness: () => 'ok' | 'starting' | 'draining';
  aggregate?: (
    q: AggregateQuery,
    coverage: () => Coverage,
    signal: AbortSignal,
  ) => Promise<AggregateResponse>;
  graph?: (q: GraphQuery, coverage: () => Coverage, signal: AbortSignal) => Promise<GraphResponse>;
  diagnosis?: (sel: FlowSelection, signal: AbortSignal) => Promise<unknown>;
}

/** The serve HttpBackend. */
export class LocalHttpBackend implements HttpBackend {
  aggregate?: HttpBackend['aggregate'];
  graph?: HttpBackend['graph'];
  diagnosis?: HttpBackend['diagnosis'];

  constructor(private readonly d: LocalHttpDeps) {
    if (d.aggregate) this.aggregate = (q, s) => d.aggregate!(q, () => this.coverage(0), s);
    if (d.graph) this.graph = (q, s) => d.graph!(q, () => this.coverage(0), s);
    if (d.diagnosis) this.diagnosis = d.diagnosis;
  }

  /** Coverage of an answer that examined `examined` flows. */
  coverage(examined: number): Coverage {
    const s = this.d.history.stats();
    return { oldest: s.oldest, newest: s.newest, examined, lost: this.d.lost(), nodes: this.d.nodes() };
  }

  async flows(
    q: FlowsQuery,
    signal: AbortSignal,
  ): Promise<{ flows: FlowEvent[]; truncated: boolean; coverage: Coverage }> {
    const want = q.limit + 1;
    const windowed = !!(q.since || q.until);
    // "Newest N within a window" cannot be positioned by Hubble's selectors (since + number
    // gives the oldest N): a windowed newest-N read asks for the window's tail (found by a
    // backward scan from the window's end), and keeps the tail of what comes back.
    const tailRead = !q.first && windowed;
    const reader = this.d.history.read(
      {
        number: q.first || !windowed ? want : 0,
        first: q.first,
        follow: false,
        since: q.since,
        until: q.until,
        predicate: q.predicate,
        ...(tailRead ? { tail: want } : {}),
      },
      signal,
    );
    let out: FlowEvent[] = [];
    let matched = 0;
    for await (const batch of reader) {
      for (const ev of batch) {
        if (!ev.flow) continue;
        matched++;
        out.push(ev);
      }
      if (!q.first && out.length > 4 * want) out = out.slice(-want);
      if (q.first && out.length >= want) break;
    }
    let truncated = false;
    if (q.first) {
      truncated = out.length > q.limit;
      out = out.slice(0, q.limit);
    } else {
      truncated = matched > q.limit;
      out = out.slice(-q.limit);
    }
    return { flows: out, truncated, coverage: this.coverage(matched) };
  }

  async live(sel: FlowSelection, history: number, sink: LiveSink, signal: AbortSignal): Promise<void> {
    const reader = this.d.history.read(
      {
        number: history,
        first: false,
        follow: true,
        since: sel.since,
        until: sel.until,
        predicate: sel.predicate,
      },
      signal,
    );
    for await (const batch of reader) {
      const flows: FlowEvent[] = [];
      for (const ev of batch) {
        if (ev.lost_events)
          sink.lost(
            Number(ev.lost_events.num_events_lost ?? 0),
            String(ev.lost_events.source ?? 'UNKNOWN_LOST_EVENT_SOURCE'),
          );
        else if (ev.flow) flows.push(ev);
      }
      if (flows.length > 0) await sink.flows(flows);
      if (signal.aborted) return;
    }
  }

  status(): StatusResponse {
    return this.d.status();
  }

  readiness(): 'ok' | 'starting' | 'draining' {
    return this.d.readiness();
  }
}
