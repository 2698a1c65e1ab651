/**
 * The live flow stream: GET /api/v1/flows/stream read with fetch + ReadableStream (so the
 * bearer token can be sent), parsed as SSE, and reopened with back-off when it breaks. A
 * reconnect resumes from the newest flow time seen, so a server restart leaves no silent gap.
 * Within one connection every flow the server sends is delivered, in the server's order (flows
 * of several nodes are not in time order); only a resumed connection drops what it repeats.
 */
import type { FlowEvent } from '../../flow/types';
import type { StatusResponse } from '../../server/http/contract';
import { authHeaders, markDown, markUnauthorized, markUp, qs, type FlowQuery } from './client';
import { backoffDelay, SseParser } from './sse';

export interface StreamHandlers {
  /** A batch of flow events, oldest first. */
  onFlows(events: FlowEvent[]): void;
  onLost?(n: number, source: string): void;
  onStatus?(s: StatusResponse): void;
  /** 'open' when connected, 'retrying' with the delay, 'error' for a refused request. */
  onState?(state: 'connecting' | 'open' | 'retrying' | 'error', detail?: string): void;
}

export interface StreamOptions {
  query: FlowQuery;
  /** Flows replayed before following (first connection only). */
  history?: number;
}

/** Opens the stream; the returned function closes it for good. */
export function openFlowStream(opts: StreamOptions, h: StreamHandlers): () => void {
  const ctl = new AbortController();
  let attempt = 0;
  const seen = new ResumePoint();

  const connectOnce = async (): Promise<'retry' | 'stop'> => {
    h.onState?.('connecting');
    // After a break, ask for what happened since the newest flow we saw instead of replaying
    // history; what this connection repeats is dropped against what was seen until now.
    const since = seen.since();
    const repeats = since === undefined ? undefined : seen.snapshot();
    const resume = since ? { since } : { history: opts.history ?? 0 };
    const url = `/api/v1/flows/stream${qs({ ...opts.query, ...resume })}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { ...authHeaders(), accept: 'text/event-stream' },
        signal: ctl.signal,
      });
    } catch (e) {
      if (ctl.signal.aborted) return 'stop';
      markDown(`stream: ${e instanceof Error ? e.message : String(e)}`);
      return 'retry';
    }
    if (res.status === 401) {
      markUnauthorized('stream');
      h.onState?.('error', 'unauthorized');
      return 'stop';
    }
    if (!res.ok || !res.body) {
      let msg = `${res.status} ${res.statusText}`;
      try {
        msg = ((await res.json()) as { error?: { message?: string } }).error?.message ?? msg;
      } catch {
        /* not JSON */
      }
      if (res.status >= 400 && res.status < 500) {
        h.onState?.('error', msg);
        return 'stop';
      }
      markDown(msg);
      return 'retry';
    }
    markUp();
    attempt = 0;
    h.onState?.('open');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const batch: FlowEvent[] = [];
        for (const ev of parser.feed(value)) {
          if (ev.event === 'flow') {
            const parsed = JSON.parse(ev.data) as FlowEvent | FlowEvent[];
            if (Array.isArray(parsed)) for (const f of parsed) batch.push(f);
            else batch.push(parsed);
          } else if (ev.event === 'lost') {
            const l = JSON.parse(ev.data) as { num_events_lost?: number; source?: string };
            h.onLost?.(Number(l.num_events_lost ?? 0), l.source ?? '');
          } else if (ev.event === 'status') {
            h.onStatus?.(JSON.parse(ev.data) as StatusResponse);
          }
        }
        const fresh = repeats ? dedupeResumed(batch, repeats) : batch;
        if (fresh.length) {
          seen.note(fresh);
          h.onFlows(fresh);
        }
      }
    } catch (e) {
      if (ctl.signal.aborted) return 'stop';
      markDown(`stream: ${e instanceof Error ? e.message : String(e)}`);
    }
    return ctl.signal.aborted ? 'stop' : 'retry';
  };

  void (async () => {
    while (!ctl.signal.aborted) {
      if ((await connectOnce()) === 'stop') return;
      const delay = backoffDelay(attempt++, Math.random());
      h.onState?.('retrying', `retrying in ${(delay / 1000).toFixed(1)} s`);
      await new Promise((r) => setTimeout(r, delay));
    }
  })();
  return () => ctl.abort();
}

const timeOf = (ev: FlowEvent): string | undefined => ev.flow?.time ?? ev.time;
/** Identity of a delivered flow at one time: its time and uuid (the whole event without one). */
const keyOf = (ev: FlowEvent, t: string): string => `${t}\u0000${ev.flow?.uuid ?? JSON.stringify(ev)}`;

/** The newest millisecond delivered and the flows delivered in it. */
export interface Repeats {
  ms: number;
  at: ReadonlySet<string>;
}

/**
 * Where a reconnect resumes: the newest flow time delivered (to the millisecond; RFC 3339 times
 * with nanoseconds are compared as numbers) and the flows delivered in that millisecond, which a
 * stream resumed there sends again.
 */
export class ResumePoint {
  private ms = -Infinity;
  private at = new Set<string>();

  /** Records delivered flows (any order). */
  note(evs: readonly FlowEvent[]): void {
    for (const ev of evs) {
      const t = timeOf(ev);
      const ms = t ? Date.parse(t) : NaN;
      if (!t || !Number.isFinite(ms) || ms < this.ms) continue;
      if (ms > this.ms) {
        this.ms = ms;
        this.at = new Set();
      }
      this.at.add(keyOf(ev, t));
    }
  }

  /** The `since` of a resumed stream, or undefined before the first flow. */
  since(): string | undefined {
    return Number.isFinite(this.ms) ? new Date(this.ms).toISOString() : undefined;
  }

  /** What a stream resumed at since() repeats (a copy: the point moves on). */
  snapshot(): Repeats {
    return { ms: this.ms, at: new Set(this.at) };
  }
}

/**
 * Drops the events a stream resumed at `r.ms` repeats: those of that millisecond already
 * delivered, and anything older (which a resumed stream should not send). Everything newer,
 * in whatever order, is kept.
 */
export function dedupeResumed(batch: FlowEvent[], r: Repeats): FlowEvent[] {
  return batch.filter((ev) => {
    const t = timeOf(ev);
    if (!t) return true;
    const ms = Date.parse(t);
    if (ms < r.ms) return false;
    return !(ms === r.ms && r.at.has(keyOf(ev, t)));
  });
}
