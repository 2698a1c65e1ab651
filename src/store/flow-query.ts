/**
 * GetFlows reads across the persistent store and the ring, without duplicates and without gaps.
 *
 * Sequence numbers stitch the two: at the start of a read, R = ring.oldestSeq; the store answers
 * for seq < R, the ring for seq >= R (every flow ever appended has one seq, so none is returned
 * twice). The Hubble selectors keep their meaning over the combined history:
 *   - `first`: store from the oldest, then the ring; `number` caps the total;
 *   - `since`: if the ring's oldest flow is already newer than `since`, the store supplies the
 *     older part (time >= since), then the whole ring; otherwise the ring alone positions;
 *   - `number` N (newest N): the ring's matches, and if fewer than N, the missing newest ones
 *     from the store (found by a backward page scan, streamed forward: memory stays bounded);
 *   - `until`: store rows are filtered by it, the ring reader stops at the first newer flow.
 * Filters (the predicate) run on every stored flow read, as on the ring. Follow readers
 * continue live on the ring after the history.
 */
import { batchRows, rowEvent, rowIsFlow } from './rows.js';
import type { FlowHistoryStore } from './history-store.js';
import type { RingStore } from './ring-store.js';
import {
  RingCursor,
  pump,
  readPlan,
  startSeq,
  tailStart,
  type ReadItem,
  type ReadOptions,
  type ReadPlan,
} from './ring-reader.js';
import { cmpTime } from './time-key.js';

/** Rows per store page. */
export const PAGE = 4096;

/** Options of a combined read. */
export interface QueryOptions extends ReadOptions {
  follow?: boolean;
  signal?: AbortSignal;
  /** Items per yielded batch (default 512). */
  maxBatch?: number;
}

/** Streams matching stored flows with seq in [from, to) in ascending order, at most `limit`. */
async function* storeForward(
  store: FlowHistoryStore,
  p: ReadPlan,
  from: number,
  to: number,
  limit: number,
  signal?: AbortSignal,
): AsyncGenerator<ReadItem[]> {
  let cursor = from;
  let matched = 0;
  while (cursor < to && matched < limit && !signal?.aborted) {
    // Without a filter every row counts, so a short read needs only a short page.
    const size = p.predicate ? PAGE : Math.max(1, Math.min(PAGE, limit - matched));
    const page = await store.page({
      fromSeq: cursor,
      toSeq: to,
      since: p.since,
      until: p.until,
      order: 'asc',
      limit: size,
    });
    const rows = batchRows(page);
    const out: ReadItem[] = [];
    for (let i = 0; i < rows.count && matched < limit; i++) {
      const event = rowEvent(rows, i);
      if (rowIsFlow(rows, i)) {
        if (p.predicate && !p.predicate(event)) continue;
        matched++;
      }
      out.push({ kind: 'flow', seq: rows.seq[i], event });
    }
    if (out.length) yield out;
    if (page.count < size) return;
    cursor = page.seq[page.count - 1] + 1;
  }
}

/** The seq of the `n`-th newest matching stored flow below `to` (or the oldest match if fewer). */
async function storeNthNewest(
  store: FlowHistoryStore,
  p: ReadPlan,
  to: number,
  n: number,
): Promise<number | undefined> {
  // Scan backwards in seq windows that grow 4x when exhausted: a bounded seq range lets DuckDB
  // skip row groups by their min/max, where "ORDER BY seq DESC LIMIT n" alone reads them all.
  let hi = to;
  let window = Math.max(4 * n, PAGE);
  let found = 0;
  let last: number | undefined;
  while (hi > 0) {
    const lo = Math.max(0, hi - window);
    const size = p.predicate ? PAGE : Math.max(1, Math.min(PAGE, n - found));
    const page = await store.page({
      fromSeq: lo,
      toSeq: hi,
      since: p.since,
      until: p.until,
      order: 'desc',
      limit: size,
    });
    const rows = batchRows(page);
    for (let i = 0; i < rows.count; i++) {
      if (!rowIsFlow(rows, i)) continue;
      if (p.predicate && !p.predicate(rowEvent(rows, i))) continue;
      last = rows.seq[i];
      if (++found === n) return last;
    }
    if (page.count === size) hi = page.seq[page.count - 1];
    else {
      hi = lo;
      window *= 4;
    }
  }
  return last;
}

/** Counts the ring's matching flows from the newest backwards, up to `max`. */
function ringMatches(ring: RingStore, p: ReadPlan, max: number): number {
  let n = 0;
  for (let s = ring.nextSeq - 1; s >= ring.oldestSeq && n < max; s--) {
    const i = ring.slot(s);
    if (rowIsFlow(ring, i) && (!p.predicate || p.predicate(rowEvent(ring, i)))) n++;
  }
  return n;
}

/**
 * Reads history (store then ring) and, when following, live flows; yields batches. Options are
 * validated and positions taken when this is called (so a follower's "now" is the call time).
 */
export function queryFlows(
  ring: RingStore,
  store: FlowHistoryStore | undefined,
  o: QueryOptions,
): AsyncGenerator<ReadItem[]> {
  const follow = !!o.follow;
  const p = readPlan(o, follow);
  return combined(ring, store, o, p, ring.oldestSeq, startSeq(ring, p, follow), ring.nextSeq);
}

async function* combined(
  ring: RingStore,
  store: FlowHistoryStore | undefined,
  o: QueryOptions,
  p: ReadPlan,
  R: number,
  ringOnlyStart: number,
  end: number,
): AsyncGenerator<ReadItem[]> {
  const follow = !!o.follow;
  const max = o.maxBatch ?? 512;
  let storeFrom: number | undefined;
  let storeLimit = p.number > 0 ? p.number : Infinity;
  let ringStart = ringOnlyStart;
  if (store && R > 0) {
    if (p.since) {
      const i = ring.slot(R);
      const ringNewer = ring.size === 0 || cmpTime(ring.cols.secs[i], ring.cols.nanos[i], p.since) >= 0;
      if (ringNewer) [storeFrom, ringStart] = [0, R];
    } else if (p.first || (p.number === 0 && !follow)) {
      [storeFrom, ringStart] = [0, R];
    } else if (p.number > 0) {
      const inRing = ringMatches(ring, p, p.number);
      if (inRing < p.number) {
        storeFrom = await storeNthNewest(store, p, R, p.number - inRing);
        storeLimit = p.number - inRing;
        ringStart = R;
      }
    }
  }
  if (p.tail > 0) {
    // The last `tail` matches: the ring's part of the window first, then, if it holds fewer,
    // the newest of the store's part (which the same SQL window bounds).
    const t = tailStart(ring, p, ringStart, end);
    if (t.n >= p.tail) {
      storeFrom = undefined;
      ringStart = t.pos;
    } else if (store && storeFrom !== undefined) {
      storeFrom = await storeNthNewest(store, p, R, p.tail - t.n);
    }
  }
  let storeMatched = 0;
  if (store && storeFrom !== undefined) {
    await store.flush();
    for await (const items of storeForward(store, p, storeFrom, R, storeLimit, o.signal)) {
      for (const it of items) if (it.kind === 'flow' && rowIsFlowEvent(it)) storeMatched++;
      yield items;
    }
    if (p.number > 0 && (p.first || p.since) && storeMatched >= p.number) return;
  }
  const remaining = p.number > 0 && storeMatched > 0 ? p.number - storeMatched : undefined;
  const cur = new RingCursor(ring, p, follow, follow ? Infinity : end, ringStart, remaining);
  yield* pump(ring, cur, follow, max, o.signal);
}

function rowIsFlowEvent(it: ReadItem): boolean {
  return it.kind === 'flow' && it.event.flow !== undefined;
}
