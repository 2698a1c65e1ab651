/**
 * Aggregation core (pure): grouping rows of split flows in memory, and shaping grouped rows —
 * from memory or from SQL — into the HTTP contract's AggregateGroup list (sorted by total,
 * cut to k, the rest summed into `other`).
 */
import type { AggregateGroup, Dimension, Measure } from '../server/http/contract.js';
import type { AggregateRow, DimensionAlternatives, DimensionFilter } from './history-store.js';
import { dimReader, memoByFragments, rowIsFlow, type DimReader, type RowSource } from './rows.js';
import { F_LATENCY } from './flow-split.js';

/** Default and maximum k. */
export const DEFAULT_K = 10;
export const MAX_K = 1000;

interface Acc {
  flows: number;
  latSum: number;
  latCount: number;
  lats: number[] | undefined;
}

const newAcc = (keepLats: boolean): Acc => ({
  flows: 0,
  latSum: 0,
  latCount: 0,
  lats: keepLats ? [] : undefined,
});

interface Group {
  key: string[];
  acc: Acc;
  points: Map<number, Acc>;
}

function count(a: Acc, lat: number | undefined): void {
  a.flows++;
  if (lat !== undefined) {
    a.latSum += lat;
    a.latCount++;
    a.lats?.push(lat);
  }
}

/** quantile_cont as DuckDB computes it (linear interpolation between closest ranks). */
export function quantileCont(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const v = values.slice().sort((a, b) => a - b);
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

function accValue(a: Acc, measure: Measure): number {
  if (measure === 'flows') return a.flows;
  if (measure === 'latency_mean_ms') return a.latCount ? a.latSum / a.latCount / 1e6 : NaN;
  return quantileCont(a.lats ?? [], 0.95) / 1e6;
}

type DimTest = [DimReader, Set<string>][];

const dimTest = (where: DimensionFilter | undefined): DimTest =>
  (Object.entries(where ?? {}) as [Dimension, string[] | undefined][])
    .filter((e): e is [Dimension, string[]] => e[1] !== undefined)
    .map(([d, v]) => [dimReader(d), new Set(v)]);

const passes = (t: DimTest, r: RowSource, i: number): boolean => {
  for (const [read, values] of t) if (!values.has(read(r, i))) return false;
  return true;
};

/**
 * A test of a row: a flow whose dimensions take the listed values (`where`) and, when
 * `whereAny` is given, satisfy at least one of its alternatives. The answer depends only on
 * the row's fragments, so it is memoised by their ids.
 */
export function rowFilter(
  where: DimensionFilter | undefined,
  whereAny?: DimensionAlternatives,
): (r: RowSource, i: number) => boolean {
  const all = dimTest(where);
  const any = whereAny?.map(dimTest);
  if (all.length === 0 && !any) return rowIsFlow;
  const dims = [where ?? {}, ...(whereAny ?? [])].flatMap((w) => Object.keys(w) as Dimension[]);
  const test = memoByFragments(
    dims,
    (r, i) => passes(all, r, i) && (!any || any.some((t) => passes(t, r, i))),
  );
  return (r, i) => rowIsFlow(r, i) && test(r, i);
}

/** Groups rows of split flows (the ring, or store pages) the way the SQL aggregate does. */
export class RowAggregator {
  private readonly readers: DimReader[];
  private readonly totals = new Map<string, Group>();
  private readonly keepLats: boolean;

  constructor(
    private readonly groupBy: Dimension[],
    private readonly measure: Measure,
    private readonly step: number | undefined,
    where: DimensionFilter | undefined,
  ) {
    this.readers = groupBy.map(dimReader);
    this.groupOf = memoByFragments(groupBy, (r, i): Group => {
      const key = this.readers.map((read) => read(r, i));
      const id = key.join('\u0000');
      let g = this.totals.get(id);
      if (!g) this.totals.set(id, (g = { key, acc: newAcc(this.keepLats), points: new Map() }));
      return g;
    });
    this.accepts = rowFilter(where);
    this.keepLats = measure === 'latency_p95_ms';
  }

  /** True when row i passes the dimension filters (flows only). */
  readonly accepts: (r: RowSource, i: number) => boolean;

  /** Adds row i (call only for rows that passed `accepts` and the time window). */
  add(r: RowSource, i: number): void {
    const g = this.groupOf(r, i);
    const c = r.cols;
    const lat = c.flags[i] & F_LATENCY ? c.latency[i] : undefined;
    count(g.acc, lat);
    if (this.step) {
      const b = Math.floor(c.secs[i] / this.step) * this.step * 1000;
      let p = g.points.get(b);
      if (!p) g.points.set(b, (p = newAcc(this.keepLats)));
      count(p, lat);
    }
  }

  /** The row's group (created on first use), memoised by the fragments its key depends on. */
  private readonly groupOf: (r: RowSource, i: number) => Group;

  /** The rows, in the shape the SQL aggregate returns. */
  rows(): AggregateRow[] {
    const out: AggregateRow[] = [];
    for (const g of this.totals.values()) {
      out.push({ key: g.key, flows: g.acc.flows, value: accValue(g.acc, this.measure) });
      for (const [bucket, p] of g.points)
        out.push({ key: g.key, bucket, flows: p.flows, value: accValue(p, this.measure) });
    }
    return out;
  }
}

/** Shaped aggregate: the contract's groups plus what they cover. */
export interface ShapedAggregate {
  groups: AggregateGroup[];
  other?: number;
  /** Flows counted in all groups (including those cut into `other`). */
  examined: number;
}

/** Sorts groups by total (descending; ties by key), keeps k, sums the rest into `other` (flows only). */
export function shapeAggregate(
  rows: AggregateRow[],
  measure: Measure,
  step: number | undefined,
  k = DEFAULT_K,
): ShapedAggregate {
  const groups = new Map<string, AggregateGroup & { flows: number }>();
  const id = (key: string[]): string => key.join('\u0000');
  for (const r of rows)
    if (r.bucket === undefined)
      groups.set(id(r.key), { key: r.key, total: r.value, flows: r.flows, points: step ? [] : undefined });
  for (const r of rows) if (r.bucket !== undefined) groups.get(id(r.key))?.points?.push([r.bucket, r.value]);
  // Latency measures: groups (and buckets) without any latency sample have no value; drop them.
  const all = [...groups.values()].filter((g) => !Number.isNaN(g.total));
  all.sort((a, b) => b.total - a.total || (a.key.join('\u0000') < b.key.join('\u0000') ? -1 : 1));
  for (const g of all) {
    if (g.points) g.points = g.points.filter((p) => !Number.isNaN(p[1])).sort((a, b) => a[0] - b[0]);
  }
  const kept = all.slice(0, Math.max(0, Math.min(k, MAX_K)));
  const rest = all.slice(kept.length);
  const examined = [...groups.values()].reduce((s, g) => s + g.flows, 0);
  const out: ShapedAggregate = {
    groups: kept.map(({ key, total, points }) => (points ? { key, total, points } : { key, total })),
    examined,
  };
  if (measure === 'flows' && rest.length) out.other = rest.reduce((s, g) => s + g.flows, 0);
  return out;
}
