/**
 * Turning aggregate answers (counts per bucket) into what panels draw: rates on a full bucket
 * axis with zeros filled, sums, max/min reductions, counts of active pods, heatmap cells and
 * top-k bars. Pure and DOM-free.
 */
import type { AggregateGroup } from '../../server/http/contract';

/** One drawn line: a label, the group key behind it and [epoch ms, value] points. */
export interface Series {
  name: string;
  key: string[];
  points: [number, number][];
}

/** The bucket start times covering [from, to) at `step` seconds, aligned to epoch multiples. */
export function bucketAxis(from: number, to: number, step: number): number[] {
  const ms = step * 1000;
  const out: number[] = [];
  for (let t = Math.floor(from / ms) * ms; t < to; t += ms) out.push(t);
  return out;
}

/** Index of the axis bucket holding `t` (-1 when outside). */
function bucketIndex(axis: readonly number[], step: number, t: number): number {
  if (axis.length === 0) return -1;
  const i = Math.floor((t - axis[0]) / (step * 1000));
  return i >= 0 && i < axis.length ? i : -1;
}

/**
 * Values of a group on the full axis; counts become per-second rates (or per-minute) unless
 * `raw` (latency measures are already values).
 */
export function onAxis(
  points: readonly [number, number][] | undefined,
  axis: readonly number[],
  step: number,
  opts: { perMinute?: boolean; raw?: boolean } = {},
): [number, number][] {
  const vals = new Array<number>(axis.length).fill(opts.raw ? NaN : 0);
  for (const [t, v] of points ?? []) {
    const i = bucketIndex(axis, step, t);
    if (i >= 0) vals[i] = opts.raw ? v : vals[i] + v;
  }
  const scale = opts.raw ? 1 : opts.perMinute ? 60 / step : 1 / step;
  return axis.map((t, i) => [t, opts.raw ? vals[i] : vals[i] * scale]);
}

/** Adds series point-wise (same axis). */
export function sumPoints(
  list: readonly (readonly [number, number][])[],
  axis: readonly number[],
): [number, number][] {
  const acc = axis.map((t) => [t, 0] as [number, number]);
  for (const pts of list) pts.forEach(([, v], i) => (acc[i][1] += Number.isNaN(v) ? 0 : v));
  return acc;
}

/**
 * Reduces points like a Grafana stat: max, min, last or mean. `complete` drops buckets that are
 * not finished at `now` (a half-filled last bucket would fake a minimum). NaN values are skipped.
 */
export function reducePoints(
  points: readonly [number, number][],
  how: 'max' | 'min' | 'last' | 'mean',
  complete?: { now: number; step: number },
): number | undefined {
  let pts = points.filter(([, v]) => !Number.isNaN(v));
  if (complete) pts = pts.filter(([t]) => t + complete.step * 1000 <= complete.now);
  if (pts.length === 0) return undefined;
  const vals = pts.map(([, v]) => v);
  switch (how) {
    case 'max':
      return Math.max(...vals);
    case 'min':
      return Math.min(...vals);
    case 'last':
      return vals[vals.length - 1];
    case 'mean':
      return vals.reduce((a, b) => a + b, 0) / vals.length;
  }
}

/**
 * Number of groups whose rate over `seconds` reaches `minRate` (ACNS: pods with ≥ 0.01 flows/s
 * in the past 10 minutes).
 */
export function countActive(groups: readonly AggregateGroup[], seconds: number, minRate = 0.01): number {
  return groups.filter((g) => g.key.some((k) => k !== '') && g.total / seconds >= minRate).length;
}

/** Heatmap of groups over time: row labels (busiest first), and [x, y, value] cells. */
export interface HeatmapData {
  rows: string[];
  keys: string[][];
  times: number[];
  cells: [number, number, number][];
  max: number;
}

/** Builds a heatmap from grouped series (rates per second). */
export function heatmapOf(
  groups: readonly AggregateGroup[],
  axis: readonly number[],
  step: number,
  label: (key: string[]) => string = (k) => k.join(' '),
): HeatmapData {
  const sorted = [...groups].sort((a, b) => b.total - a.total);
  const cells: [number, number, number][] = [];
  let max = 0;
  sorted.forEach((g, y) => {
    onAxis(g.points, axis, step).forEach(([, v], x) => {
      if (v > 0) cells.push([x, y, v]);
      if (v > max) max = v;
    });
  });
  return {
    rows: sorted.map((g) => label(g.key)),
    keys: sorted.map((g) => g.key),
    times: [...axis],
    cells,
    max,
  };
}

/** Rows of a bar gauge: group label and rate (total over the range / seconds). */
export function barsOf(
  groups: readonly AggregateGroup[],
  seconds: number,
  label: (key: string[]) => string = (k) => k.join(' '),
): { name: string; key: string[]; value: number }[] {
  return groups
    .filter((g) => g.key.some((k) => k !== ''))
    .map((g) => ({ name: label(g.key), key: g.key, value: g.total / seconds }))
    .sort((a, b) => b.value - a.value);
}

/**
 * Grouped series on the axis, optionally re-keyed: `regroup` maps a group key to the key of the
 * drawn series (groups with the same new key are added), or null to drop the group.
 */
export function seriesOf(
  groups: readonly AggregateGroup[],
  axis: readonly number[],
  step: number,
  opts: {
    perMinute?: boolean;
    raw?: boolean;
    label?: (key: string[]) => string;
    regroup?: (key: string[]) => string[] | null;
    limit?: number;
  } = {},
): Series[] {
  const byKey = new Map<string, { key: string[]; pts: [number, number][][]; total: number }>();
  for (const g of groups) {
    const key = opts.regroup ? opts.regroup(g.key) : g.key;
    if (!key) continue;
    const id = JSON.stringify(key);
    const e = byKey.get(id) ?? { key, pts: [], total: 0 };
    e.pts.push(onAxis(g.points, axis, step, opts));
    e.total += g.total;
    byKey.set(id, e);
  }
  const label = opts.label ?? ((k: string[]) => k.map((x) => (x === '' ? '(none)' : x)).join(' '));
  return [...byKey.values()]
    .sort((a, b) => b.total - a.total)
    .slice(0, opts.limit ?? Infinity)
    .map((e) => ({
      name: label(e.key),
      key: e.key,
      points: e.pts.length === 1 ? e.pts[0] : opts.raw ? e.pts[0] : sumPoints(e.pts, axis),
    }));
}

/**
 * Re-keys groups (null drops a group) and adds the points of groups that share a new key, so a
 * heatmap or bar gauge can be built from a finer grouping.
 */
export function regroupGroups(
  groups: readonly AggregateGroup[],
  regroup: (key: string[]) => string[] | null,
): AggregateGroup[] {
  const out = new Map<string, { key: string[]; total: number; pts: Map<number, number> }>();
  for (const g of groups) {
    const key = regroup(g.key);
    if (!key) continue;
    const id = JSON.stringify(key);
    const e = out.get(id) ?? { key, total: 0, pts: new Map<number, number>() };
    e.total += g.total;
    for (const [t, v] of g.points ?? []) e.pts.set(t, (e.pts.get(t) ?? 0) + v);
    out.set(id, e);
  }
  return [...out.values()]
    .sort((a, b) => b.total - a.total)
    .map((e) => ({ key: e.key, total: e.total, points: [...e.pts].sort((a, b) => a[0] - b[0]) }));
}
