/**
 * The live flow stream: GET /api/v1/flows/stream read with fetch + ReadableStream (so the
 * bearer token can be sent), parsed as SSE, and reopened with back-off when it breaks. A
 * reconnect resumes from the last flow time seen, so a server restart leaves no silent gap.
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
  let lastTime: string | undefined;
  // uuids seen at lastTime: a resumed stream starts at that time and repeats them.
  let atLast = new Set<string>();

  const connectOnce = async (): Promise<'retry' | 'stop'> => {
    h.onState?.('connecting');
    // After a break, ask for what happened since the last flow we saw instead of replaying history.
    const resume = lastTime ? { since: lastTime } : { history: opts.history ?? 0 };
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
        const fresh = dedupeResumed(batch, lastTime, atLast);
        if (fresh.length) {
          const t = fresh[fresh.length - 1].flow?.time ?? fresh[fresh.length - 1].time;
          if (t && t !== lastTime) atLast = new Set();
          if (t) lastTime = t;
          for (const ev of fresh)
            if ((ev.flow?.time ?? ev.time) === lastTime && ev.flow?.uuid) atLast.add(ev.flow.uuid);
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

/**
 * Drops events a resumed stream repeats: older than the last time seen, or at that time with a
 * uuid already delivered. RFC 3339 times of one server compare as strings only when their
 * formats agree, so the comparison is numeric (nanoseconds beyond ms are kept by the uuid set).
 */
export function dedupeResumed(
  batch: FlowEvent[],
  lastTime: string | undefined,
  seenAtLast: ReadonlySet<string>,
): FlowEvent[] {
  if (!lastTime) return batch;
  const last = Date.parse(lastTime);
  return batch.filter((ev) => {
    const t = ev.flow?.time ?? ev.time;
    if (!t) return true;
    const ms = Date.parse(t);
    if (ms < last) return false;
    if (t === lastTime && ev.flow?.uuid && seenAtLast.has(ev.flow.uuid)) return false;
    return true;
  });
}
