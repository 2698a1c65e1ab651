/**
 * Readers over a RingStore with Hubble's GetFlows semantics (observer spec §4):
 *
 * | request                         | starts at                                          | ends                                   |
 * | `first`, no `since`             | oldest                                             | after `number` matches (0 = all)       |
 * | `since`                         | after the newest flow older than `since` (backward scan) | after `number` matches if > 0    |
 * | `number` N (not first)          | where N matching flows remain (backward scan)      | after N (non-follow) / live (follow)   |
 * | `number` 0, nothing else        | oldest (non-follow) / now (follow)                 | end of ring / never                    |
 *
 * `until` ends the stream at the first flow newer than it. Filters apply while positioning and
 * while streaming, to flows only: lost-event and node-status records pass through and do not
 * count. A reader whose position was overwritten gets one `lost` item with the exact count and
 * resumes at the oldest held event; nothing is skipped silently.
 */
import type { FlowEvent } from '../flow/types.js';
import { rowEvent, rowIsFlow } from './rows.js';
import type { RingStore } from './ring-store.js';
import { cmpTime, toTimeKey, type TimeInput, type TimeKey } from './time-key.js';
import { StoreError } from './errors.js';
import { timeFromMillis } from '../flow/time.js';

/** A compiled flow filter (as produced by `compileFilters`). */
export type FlowPredicate = (ev: FlowEvent) => boolean;

/** What to read (GetFlowsRequest's selectors). */
export interface ReadOptions {
  number?: number;
  first?: boolean;
  since?: TimeInput;
  until?: TimeInput;
  predicate?: FlowPredicate;
  /**
   * Non-follow reads without `first` or `number` only (a flowlens extension, not a Hubble
   * selector): the read returns only the last `tail` matching flows of what it would return
   * (e.g. the newest N within since..until), found by a backward scan from the window's end.
   */
  tail?: number;
}

/** One item of a reader: a stored event, or a count of events this reader missed. */
export type ReadItem =
  { kind: 'flow'; seq: number; event: FlowEvent } | { kind: 'lost'; count: number; event: FlowEvent };

/** Builds the `lost_events` record of a reader that missed `count` events. */
export function lostItem(count: number, source = 'HUBBLE_RING_BUFFER'): ReadItem {
  const time = timeFromMillis(Date.now());
  return { kind: 'lost', count, event: { lost_events: { source, num_events_lost: String(count) }, time } };
}

/** Normalised selectors. */
export interface ReadPlan {
  number: number;
  first: boolean;
  since?: TimeKey;
  until?: TimeKey;
  predicate?: FlowPredicate;
  /** 0 = everything selected; see ReadOptions.tail. */
  tail: number;
}

/** Validates and normalises read options; throws StoreError(STORE_BAD_REQUEST). */
export function readPlan(o: ReadOptions, follow: boolean): ReadPlan {
  const number = o.number ?? 0;
  if (!Number.isSafeInteger(number) || number < 0)
    throw new StoreError(
      'STORE_BAD_REQUEST',
      `number must be a non-negative integer, got ${String(o.number)}`,
    );
  if (follow && o.first) throw new StoreError('STORE_BAD_REQUEST', 'first cannot be specified with follow');
  const tail = o.tail ?? 0;
  if (!Number.isSafeInteger(tail) || tail < 0)
    throw new StoreError('STORE_BAD_REQUEST', `tail must be a non-negative integer, got ${String(o.tail)}`);
  if (tail > 0 && (follow || o.first || number > 0))
    throw new StoreError('STORE_BAD_REQUEST', 'tail cannot be combined with follow, first or number');
  return {
    number,
    tail,
    first: !!o.first,
    since: o.since === undefined ? undefined : toTimeKey(o.since),
    until: o.until === undefined ? undefined : toTimeKey(o.until),
    predicate: o.predicate,
  };
}

function matches(ring: RingStore, seq: number, p: ReadPlan): boolean {
  const i = ring.slot(seq);
  if (!rowIsFlow(ring, i)) return false;
  return !p.predicate || p.predicate(rowEvent(ring, i));
}

/** Where a reader starts (Hubble's positioning). */
export function startSeq(ring: RingStore, p: ReadPlan, follow: boolean): number {
  const oldest = ring.oldestSeq;
  const newest = ring.nextSeq - 1;
  const c = ring.cols;
  if (p.since) {
    let s = newest;
    while (s >= oldest) {
      const i = ring.slot(s);
      if (cmpTime(c.secs[i], c.nanos[i], p.since) < 0) break;
      s--;
    }
    return s + 1;
  }
  if (p.first) return oldest;
  if (p.number > 0) {
    let n = 0;
    for (let s = newest; s >= oldest; s--) if (matches(ring, s, p) && ++n === p.number) return s;
    return oldest;
  }
  return follow ? ring.nextSeq : oldest;
}

/**
 * For a `tail` read of the ring from `start` (positioned as the read would be) to `end`: where
 * the ring part of the read ends (the first row newer than `until`, as the cursor stops there),
 * and, scanning backwards from it, the seq of the `tail`-th newest match (`pos`) with the
 * number of matches found (`n`, below `tail` when the window holds fewer; `pos` is then `start`).
 */
export function tailStart(
  ring: RingStore,
  p: ReadPlan,
  start: number,
  end: number,
): { pos: number; n: number } {
  const c = ring.cols;
  const from = Math.max(start, ring.oldestSeq);
  let stop = Math.min(end, ring.nextSeq);
  if (p.until) {
    for (let s = from; s < stop; s++) {
      const i = ring.slot(s);
      if (cmpTime(c.secs[i], c.nanos[i], p.until) > 0) {
        stop = s;
        break;
      }
    }
  }
  let n = 0;
  for (let s = stop - 1; s >= from; s--) if (matches(ring, s, p) && ++n === p.tail) return { pos: s, n };
  return { pos: start, n };
}

/** A reader's position and stop conditions. */
export class RingCursor {
  pos: number;
  private matched = 0;
  private readonly limit: number;
  /** True once `until` or the match limit ended the stream. */
  done = false;

  /**
   * @param end non-follow readers stop at the end seen when they started
   * @param start overrides Hubble's positioning (the combined reader starts the ring at a seq)
   * @param remaining overrides a finite match limit (matches already returned from the store)
   */
  constructor(
    private readonly ring: RingStore,
    private readonly plan: ReadPlan,
    follow: boolean,
    private readonly end = follow ? Infinity : ring.nextSeq,
    start?: number,
    remaining?: number,
  ) {
    this.pos = start ?? startSeq(ring, plan, follow);
    if (plan.tail > 0 && start === undefined) this.pos = tailStart(ring, plan, this.pos, end).pos;
    // number caps the count for first/since readers, and for non-follow "last N" readers.
    const limit = plan.number > 0 && (plan.first || plan.since || !follow) ? plan.number : Infinity;
    this.limit = limit !== Infinity && remaining !== undefined ? remaining : limit;
    if (this.limit <= 0) this.done = true;
  }

  /** The next item, or undefined when nothing is available now (check `done`). */
  next(): ReadItem | undefined {
    const ring = this.ring;
    while (!this.done) {
      if (this.pos >= this.end) {
        this.done = true;
        return undefined;
      }
      if (this.pos >= ring.nextSeq) return undefined;
      const oldest = ring.oldestSeq;
      if (this.pos < oldest) {
        // Only what this reader would have read counts (not events past its end).
        const count = Math.min(oldest, this.end) - this.pos;
        this.pos = oldest;
        return lostItem(count);
      }
      const seq = this.pos++;
      const i = ring.slot(seq);
      const c = ring.cols;
      if (this.plan.until && cmpTime(c.secs[i], c.nanos[i], this.plan.until) > 0) {
        this.done = true;
        return undefined;
      }
      const event = rowEvent(ring, i);
      if (!rowIsFlow(ring, i)) return { kind: 'flow', seq, event };
      if (this.plan.predicate && !this.plan.predicate(event)) continue;
      if (++this.matched >= this.limit) this.done = true;
      return { kind: 'flow', seq, event };
    }
    return undefined;
  }
}

/** Reads the ring's history (non-follow). Lost items appear if the caller is slower than ingest. */
export function* readRing(ring: RingStore, options: ReadOptions = {}): Generator<ReadItem> {
  const cur = new RingCursor(ring, readPlan(options, false), false);
  for (let it = cur.next(); it; it = cur.next()) yield it;
}

/** Options of a follow reader. */
export interface FollowOptions extends ReadOptions {
  signal?: AbortSignal;
  /** Items per yielded batch (default 512). */
  maxBatch?: number;
}

/**
 * Follows the ring: the history selected by the options, then new events as they are appended,
 * in batches, until `signal` aborts, `until` is passed or the match limit is reached. The
 * position is taken when this is called (not at the first `next()`), so "now" means now.
 */
export function followRing(ring: RingStore, options: FollowOptions = {}): AsyncGenerator<ReadItem[]> {
  const cur = new RingCursor(ring, readPlan(options, true), true);
  return pump(ring, cur, true, options.maxBatch ?? 512, options.signal);
}

/** Drains a cursor in batches; when following, waits for appends. */
export async function* pump(
  ring: RingStore,
  cur: RingCursor,
  follow: boolean,
  max: number,
  signal?: AbortSignal,
): AsyncGenerator<ReadItem[]> {
  while (!signal?.aborted && !cur.done) {
    const batch: ReadItem[] = [];
    for (let it = cur.next(); it; it = batch.length < max ? cur.next() : undefined) batch.push(it);
    if (batch.length) yield batch;
    else if (!cur.done) {
      if (!follow) return;
      await ring.waitForAppend(signal);
    }
  }
}
