/**
 * A FlowHistory fake over a plain array, with Hubble's selector semantics written the simple
 * way (scan everything). For transport tests that must not depend on the store's internals;
 * the end-to-end tests use the real store.
 */
import type { FlowEvent } from '../../flow/index.js';
import { compareTime } from '../../flow/index.js';
import type { FlowHistory, HistoryQuery, HistoryStats } from '../index.js';

/** An in-memory, unbounded FlowHistory. */
export class ArrayHistory implements FlowHistory {
  readonly events: FlowEvent[] = [];
  private waiters: (() => void)[] = [];

  append(batch: FlowEvent[]): void {
    this.events.push(...batch);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private selectHistory(q: HistoryQuery): { list: FlowEvent[]; next: number } {
    const ok = (ev: FlowEvent) => !ev.flow || !q.predicate || q.predicate(ev);
    let idx = this.events.map((_, i) => i);
    if (q.since) idx = idx.filter((i) => compareTime(this.events[i].time, q.since) >= 0);
    idx = idx.filter((i) => ok(this.events[i]));
    if (q.first) idx = q.number > 0 ? idx.slice(0, q.number) : idx;
    else if (q.since) idx = q.number > 0 ? idx.slice(0, q.number) : idx;
    else if (q.number > 0) idx = idx.slice(-q.number);
    else if (q.follow) idx = [];
    const list: FlowEvent[] = [];
    for (const i of idx) {
      if (q.until && compareTime(this.events[i].time, q.until) > 0) break;
      list.push(this.events[i]);
    }
    return { list, next: this.events.length };
  }

  async *read(q: HistoryQuery, signal: AbortSignal): AsyncIterable<FlowEvent[]> {
    const { list, next } = this.selectHistory(q);
    for (let i = 0; i < list.length; i += 256) yield list.slice(i, i + 256);
    if (!q.follow) return;
    let pos = next;
    while (!signal.aborted) {
      if (pos >= this.events.length) {
        await new Promise<void>((r) => {
          this.waiters.push(r);
          signal.addEventListener('abort', () => r(), { once: true });
        });
        continue;
      }
      const out = this.events.slice(pos).filter((ev) => !ev.flow || !q.predicate || q.predicate(ev));
      pos = this.events.length;
      if (q.until) {
        const cut = out.findIndex((ev) => compareTime(ev.time, q.until) > 0);
        if (cut >= 0) {
          if (cut > 0) yield out.slice(0, cut);
          return;
        }
      }
      if (out.length > 0) yield out;
    }
  }

  stats(): HistoryStats {
    return {
      numFlows: this.events.length,
      maxFlows: 1_000_000,
      seenFlows: this.events.length,
      storeFlows: 0,
      storeBytes: 0,
      storeEnabled: false,
      oldest: this.events[0]?.time,
      newest: this.events[this.events.length - 1]?.time,
      readerLost: 0,
      flowsRate: 0,
    };
  }

  async close(): Promise<void> {}
}
