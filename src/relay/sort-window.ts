/**
 * The relay's time-ordering window (hubble-relay's priority queue): a min-heap of responses
 * keyed on their top-level time. When it holds `capacity` items the oldest is released before a
 * new one is added; items older than (now − drain timeout) are released when peers go quiet;
 * at the end everything is released in order. Output is therefore sorted within the window, not
 * globally, exactly as upstream.
 */

/** One queued response. */
export interface WindowItem<T> {
  seconds: number;
  nanos: number;
  value: T;
  /** Insertion order, to keep equal times stable. */
  seq?: number;
}

function less<T>(a: WindowItem<T>, b: WindowItem<T>): boolean {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds;
  if (a.nanos !== b.nanos) return a.nanos < b.nanos;
  return a.seq! < b.seq!;
}

/** A bounded min-heap ordered by time. */
export class SortWindow<T> {
  private readonly heap: WindowItem<T>[] = [];
  private seq = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('sort window capacity must be at least 1');
  }

  get size(): number {
    return this.heap.length;
  }

  /** Adds an item; returns the item released to make room (the oldest), if any. */
  push(item: WindowItem<T>): WindowItem<T> | undefined {
    item.seq = this.seq++;
    let out: WindowItem<T> | undefined;
    if (this.heap.length >= this.capacity) {
      // Release the oldest of the window and the new item.
      if (less(item, this.heap[0])) return item;
      out = this.heap[0];
      this.heap[0] = item;
      this.down(0);
      return out;
    }
    this.heap.push(item);
    this.up(this.heap.length - 1);
    return undefined;
  }

  /** Removes and returns the oldest item. */
  pop(): WindowItem<T> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Releases, in order, every item older than the given time. */
  popOlderThan(seconds: number, nanos: number): WindowItem<T>[] {
    const out: WindowItem<T>[] = [];
    while (this.heap.length > 0) {
      const t = this.heap[0];
      if (t.seconds > seconds || (t.seconds === seconds && t.nanos >= nanos)) break;
      out.push(this.pop()!);
    }
    return out;
  }

  /** Releases everything in order. */
  drain(): WindowItem<T>[] {
    const out: WindowItem<T>[] = [];
    while (this.heap.length > 0) out.push(this.pop()!);
    return out;
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && less(h[l], h[m])) m = l;
      if (r < n && less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
