/**
 * FlowHistory over the store's in-memory RingStore alone (no persistent part): the adapter used
 * until/unless a persistent store is configured. Reads use the store's ring readers, which
 * implement Hubble's positioning and report overwritten positions as lost events.
 */
import type { FlowEvent } from '../flow/index.js';
import { followRing, readRing, RingStore, type ReadItem } from '../store/index.js';
import type { FlowHistory, HistoryQuery, HistoryStats } from './flow-history.js';
import { RateMeter } from './rate-meter.js';

/** Items per yielded batch. */
const BATCH = 512;

/** Converts reader items to events, stamping lost records with the node name. */
export function itemsToEvents(
  items: ReadItem[],
  nodeName: string,
  onLost?: (n: number) => void,
): FlowEvent[] {
  const out: FlowEvent[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it.kind === 'lost') {
      onLost?.(it.count);
      out[i] = { ...it.event, node_name: nodeName };
    } else out[i] = it.event;
  }
  return out;
}

/** A ring-only FlowHistory. */
export class RingHistory implements FlowHistory {
  readonly ring: RingStore;
  private readerLost = 0;
  private readonly rate = new RateMeter();

  constructor(
    capacity: number,
    private readonly nodeName: string,
  ) {
    this.ring = new RingStore({ capacity });
  }

  append(batch: FlowEvent[]): void {
    this.ring.appendBatch(batch);
    this.rate.add(batch.length);
  }

  async *read(q: HistoryQuery, signal: AbortSignal): AsyncIterable<FlowEvent[]> {
    const opts = {
      number: q.number,
      first: q.first,
      since: q.since,
      until: q.until,
      predicate: q.predicate,
      tail: q.follow ? undefined : q.tail,
    };
    const lost = (n: number) => (this.readerLost += n);
    if (q.follow) {
      for await (const items of followRing(this.ring, { ...opts, signal, maxBatch: BATCH })) {
        yield itemsToEvents(items, this.nodeName, lost);
      }
      return;
    }
    let batch: ReadItem[] = [];
    for (const it of readRing(this.ring, opts)) {
      batch.push(it);
      if (batch.length >= BATCH) {
        yield itemsToEvents(batch, this.nodeName, lost);
        batch = [];
        if (signal.aborted) return;
      }
    }
    if (batch.length > 0) yield itemsToEvents(batch, this.nodeName, lost);
  }

  stats(): HistoryStats {
    const s = this.ring.stats();
    const oldest = s.size > 0 ? this.ring.get(s.oldestSeq)?.time : undefined;
    const newest = s.size > 0 ? this.ring.get(s.nextSeq - 1)?.time : undefined;
    return {
      numFlows: s.size,
      maxFlows: s.capacity,
      seenFlows: s.seen,
      storeFlows: 0,
      storeBytes: 0,
      storeEnabled: false,
      oldest,
      newest,
      readerLost: this.readerLost,
      flowsRate: this.rate.perSecond(),
    };
  }

  async close(): Promise<void> {}
}
