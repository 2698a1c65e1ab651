/**
 * The small mergeable containers the accumulator is made of: sparse time series of counts,
 * per-bucket latency histograms, flow-id samples and size-bounded maps. Every container can be
 * merged with another of the same shape, so per-minute aggregates kept by the store can be
 * combined into any window without the flows.
 */

/**
 * A sparse series of counts per time bucket (bucket = floor(epochMs / bucketMs)).
 *
 * Flows arrive mostly in time order, so consecutive adds hit the same bucket: they are summed
 * in a pending slot and written to the map when the bucket changes or the series is read, which
 * saves a map lookup per add on the hot path.
 */
export class Series {
  private readonly map = new Map<number, number>();
  total = 0;
  private cb = NaN;
  private cv = 0;

  add(bucket: number, n = 1): void {
    this.total += n;
    if (bucket === this.cb) {
      this.cv += n;
      return;
    }
    this.flush();
    this.cb = bucket;
    this.cv = n;
  }

  private flush(): void {
    if (this.cv !== 0) {
      this.map.set(this.cb, (this.map.get(this.cb) ?? 0) + this.cv);
      this.cv = 0;
    }
  }

  /** Bucket → count. */
  get points(): Map<number, number> {
    this.flush();
    return this.map;
  }

  get(bucket: number): number {
    this.flush();
    return this.map.get(bucket) ?? 0;
  }

  /** Sum of buckets in [from, to] (inclusive). */
  sum(from = -Infinity, to = Infinity): number {
    if (from === -Infinity && to === Infinity) return this.total;
    let s = 0;
    for (const [b, v] of this.points) if (b >= from && b <= to) s += v;
    return s;
  }

  /** First and last bucket with a non-zero count (undefined when empty). */
  extent(): [number, number] | undefined {
    let lo = Infinity;
    let hi = -Infinity;
    for (const [b, v] of this.points) {
      if (v === 0) continue;
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
    return lo === Infinity ? undefined : [lo, hi];
  }

  /** Dense values for buckets from..to inclusive. */
  dense(from: number, to: number): Float64Array {
    const out = new Float64Array(Math.max(0, to - from + 1));
    for (const [b, v] of this.points) if (b >= from && b <= to) out[b - from] += v;
    return out;
  }

  /** Adds another series; reads only its fields, so a structured-cloned copy works too. */
  merge(o: Series): void {
    const m = this.points;
    for (const [b, v] of o.map) m.set(b, (m.get(b) ?? 0) + v);
    if (o.cv !== 0) m.set(o.cb, (m.get(o.cb) ?? 0) + o.cv);
    this.total += o.total;
  }
}

/** Number of bins of a latency histogram: bin i holds latencies in [2^(i/2), 2^((i+1)/2)) µs. */
export const HIST_BINS = 64;

/** The histogram bin of a latency in nanoseconds. */
export function latencyBin(ns: number): number {
  const us = ns / 1000;
  if (!(us > 1)) return 0;
  const b = Math.floor(Math.log2(us) * 2);
  return b >= HIST_BINS ? HIST_BINS - 1 : b;
}

/** Lower edge of a bin, in milliseconds. */
function binLowMs(i: number): number {
  return 2 ** (i / 2) / 1000;
}

/** Latency histograms per time bucket (√2 resolution, 1 µs to about 70 minutes). */
export class BucketHistogram {
  readonly buckets = new Map<number, Uint32Array>();
  count = 0;

  add(bucket: number, latencyNs: number, n = 1): void {
    let h = this.buckets.get(bucket);
    if (!h) this.buckets.set(bucket, (h = new Uint32Array(HIST_BINS)));
    h[latencyBin(latencyNs)] += n;
    this.count += n;
  }

  /** The histogram summed over buckets in [from, to]. */
  range(from = -Infinity, to = Infinity): Uint32Array {
    const out = new Uint32Array(HIST_BINS);
    for (const [b, h] of this.buckets) {
      if (b < from || b > to) continue;
      for (let i = 0; i < HIST_BINS; i++) out[i] += h[i];
    }
    return out;
  }

  /** Count of samples per bucket. */
  counts(): Map<number, number> {
    const m = new Map<number, number>();
    for (const [b, h] of this.buckets)
      m.set(
        b,
        h.reduce((a, x) => a + x, 0),
      );
    return m;
  }

  merge(o: BucketHistogram): void {
    for (const [b, h] of o.buckets) {
      const mine = this.buckets.get(b);
      if (!mine) this.buckets.set(b, Uint32Array.from(h));
      else for (let i = 0; i < HIST_BINS; i++) mine[i] += h[i];
    }
    this.count += o.count;
  }
}

/** Number of samples in a histogram. */
export function histCount(h: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < h.length; i++) n += h[i];
  return n;
}

/**
 * The q-quantile (0..1) of a histogram in milliseconds, interpolated geometrically inside the
 * bin. NaN when the histogram is empty.
 */
export function histQuantile(h: Uint32Array, q: number): number {
  const n = histCount(h);
  if (n === 0) return NaN;
  const target = q * n;
  let acc = 0;
  for (let i = 0; i < h.length; i++) {
    if (h[i] === 0) continue;
    if (acc + h[i] >= target) {
      const frac = h[i] === 0 ? 0 : (target - acc) / h[i];
      return binLowMs(i) * 2 ** (frac / 2);
    }
    acc += h[i];
  }
  return binLowMs(h.length);
}

/** Mean latency (ms) of a histogram using bin geometric centres. */
export function histMean(h: Uint32Array): number {
  const n = histCount(h);
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < h.length; i++) if (h[i]) s += h[i] * binLowMs(i + 0.5);
  return s / n;
}

/** A few flow uuids: the first `head` seen and the last `tail` (a ring), for evidence. */
export class Samples {
  readonly head: string[] = [];
  readonly tail: string[] = [];
  /** Next ring slot to overwrite (public for merging structured clones). */
  next = 0;
  constructor(
    private readonly headSize = 3,
    private readonly tailSize = 7,
  ) {}

  add(uuid: string | undefined): void {
    if (!uuid) return;
    if (this.head.length < this.headSize) {
      this.head.push(uuid);
      return;
    }
    if (this.tail.length < this.tailSize) this.tail.push(uuid);
    else {
      this.tail[this.next] = uuid;
      this.next = (this.next + 1) % this.tailSize;
    }
  }

  /** Samples in arrival order, most recent last (at most head+tail). */
  list(limit = 10): string[] {
    const ring =
      this.tail.length < this.tailSize
        ? this.tail
        : [...this.tail.slice(this.next), ...this.tail.slice(0, this.next)];
    const all = [...this.head, ...ring];
    return all.length <= limit ? all : [...all.slice(0, 2), ...all.slice(all.length - (limit - 2))];
  }

  /** Merges another sample set; reads only its fields, so a structured-cloned copy works too. */
  merge(o: Samples): void {
    const ring =
      o.tail.length < this.tailSize ? o.tail : [...o.tail.slice(o.next), ...o.tail.slice(0, o.next)];
    for (const u of o.head) this.add(u);
    for (const u of ring) this.add(u);
  }
}

/** Adds n to a counter map entry. */
export function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/** Merges counter maps. */
export function mergeCounts<K>(into: Map<K, number>, from: Map<K, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

/** Entries of a counter map sorted by count, descending, cut to `k`. */
export function topK<K>(m: Map<K, number>, k: number): Array<[K, number]> {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
}

/**
 * A map with a hard size limit: `get` creates entries until `limit` distinct keys exist; after
 * that new keys are refused (undefined) and counted in `overflow`, so memory stays bounded on
 * hostile or huge inputs while the report says what was left out.
 */
export class BoundedMap<V> {
  readonly map = new Map<string, V>();
  overflow = 0;
  // An ES private field: not copied by structured clone (accumulators cross worker threads).
  readonly #create: () => V;
  constructor(
    readonly limit: number,
    create: () => V,
  ) {
    this.#create = create;
  }

  get(key: string): V | undefined {
    let v = this.map.get(key);
    if (v === undefined) {
      if (this.map.size >= this.limit) {
        this.overflow++;
        return undefined;
      }
      v = this.#create();
      this.map.set(key, v);
    }
    return v;
  }

  /** Merges another map's entries with `mergeValue` (new keys respect the limit). */
  merge(o: BoundedMap<V>, mergeValue: (into: V, from: V) => void): void {
    for (const [k, v] of o.map) {
      const mine = this.get(k);
      if (mine !== undefined) mergeValue(mine, v);
    }
    this.overflow += o.overflow;
  }
}
