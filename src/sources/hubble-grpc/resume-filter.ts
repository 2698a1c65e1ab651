/**
 * Duplicate suppression for a resumed GetFlows stream. After a reconnect the source asks for
 * flows `since` the newest time it has seen, and `since` is inclusive, so the peer sends some
 * flows again. This remembers the keys of the most recent flows (bounded) and drops a flow
 * whose key it has seen, until the stream moves past the resume point.
 */
import type { FlowEvent } from '../../flow/index.js';
import { timeMillis } from '../../flow/index.js';

/** The identity of a flow: its uuid, or a composite of fields when it has none. */
export function flowKey(ev: FlowEvent): string {
  const f = ev.flow;
  if (!f) return '';
  if (f.uuid) return f.uuid;
  return `${f.time ?? ''}|${f.node_name ?? ''}|${f.IP?.source ?? ''}|${f.IP?.destination ?? ''}|${f.Summary ?? ''}`;
}

/** Tracks recent flow keys and the newest time, and filters re-sent flows after a resume. */
export class ResumeFilter {
  private readonly keys: string[];
  private readonly set = new Set<string>();
  private next = 0;
  private newestMs = -Infinity;
  /** Newest flow time seen (canonical string), the `since` of the next request. */
  newest?: string;
  /** While resuming: flows at or before this time are checked against the set. */
  private resumeUntilMs = -Infinity;
  /** Flows dropped as duplicates. */
  duplicates = 0;

  constructor(private readonly capacity = 16_384) {
    this.keys = new Array(capacity);
  }

  /** Marks the start of a resumed stream. */
  resume(): void {
    this.resumeUntilMs = this.newestMs;
  }

  /** Filters a batch in place order; returns the events to keep. */
  accept(batch: FlowEvent[]): FlowEvent[] {
    const out: FlowEvent[] = [];
    for (const ev of batch) {
      if (!ev.flow) {
        out.push(ev);
        continue;
      }
      const t = timeMillis(ev.flow.time ?? ev.time);
      const key = flowKey(ev);
      if (t <= this.resumeUntilMs && this.set.has(key)) {
        this.duplicates++;
        continue;
      }
      if (t > this.resumeUntilMs) this.resumeUntilMs = -Infinity;
      this.remember(key);
      if (t > this.newestMs) {
        this.newestMs = t;
        this.newest = ev.flow.time ?? ev.time;
      }
      out.push(ev);
    }
    return out;
  }

  private remember(key: string): void {
    const old = this.keys[this.next];
    if (old !== undefined) this.set.delete(old);
    this.keys[this.next] = key;
    this.set.add(key);
    this.next = (this.next + 1) % this.capacity;
  }
}
