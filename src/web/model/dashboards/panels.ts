/**
 * Builders for the panel shapes the ACNS dashboards repeat: time series (plain, stacked,
 * summed), max/min stats, "pods with … (past 10 minutes)" counts, pod heatmaps, bar gauges,
 * text and honest "not available from flow records" placeholders.
 */
import type { AggregateResponse, Dimension, Measure } from '../../../server/http/contract';
import { barsOf, countActive, heatmapOf, reducePoints, seriesOf, sumPoints, type Series } from '../series';
import type { AggregateQuery, ComputeContext, PanelDef, QueryResult } from './types';

type Side = 'source' | 'destination';

/** The aggregate answer at index i (panels only mix kinds deliberately). */
export function aggAt(results: QueryResult[], i = 0): AggregateResponse {
  return results[i] as AggregateResponse;
}

/**
 * Pod grouping of one side: [namespace, pod]. The API keys pods by bare name, so the namespace
 * keeps pods of different namespaces apart and makes click-through flags exact.
 */
export function podDims(side: Side): Dimension[] {
  return side === 'source' ? ['source_namespace', 'source_pod'] : ['destination_namespace', 'destination_pod'];
}

/** "namespace/pod" of a [namespace, pod] key. */
export function podLabel(k: string[]): string {
  return k.filter((x) => x !== '').join('/') || '(outside the cluster)';
}

/** An aggregate query with defaults (time series, scoped). */
export function aggQuery(groupBy: Dimension[], opts: Partial<AggregateQuery> = {}): AggregateQuery {
  return { kind: 'aggregate', groupBy, series: true, ...opts };
}

/** All groups of the first answer summed into one series on the axis. */
export function summed(results: QueryResult[], ctx: ComputeContext, name: string, perMinute = false): Series {
  const groups = seriesOf(aggAt(results).groups, ctx.axis, ctx.step, { perMinute });
  return { name, key: [], points: sumPoints(groups.map((s) => s.points), ctx.axis) };
}

interface SeriesOpts {
  filter?: string;
  side?: Side;
  unit?: string;
  k?: number;
  perMinute?: boolean;
  stacked?: boolean;
  scoped?: boolean;
  measure?: Measure;
  label?: (key: string[]) => string;
  regroup?: (key: string[]) => string[] | null;
  description?: string;
  note?: string;
  span?: number;
  extra?: boolean;
  /** Dimensions of the drawn key when `regroup` changes it (default: `groupBy`). */
  drillBy?: Dimension[];
  /** Most series drawn (default 10, busiest first). */
  limit?: number;
}

/** A time series per group (stacked when `stacked`). */
export function timeseries(id: string, title: string, groupBy: Dimension[], o: SeriesOpts = {}): PanelDef {
  const raw = o.measure !== undefined && o.measure !== 'flows';
  return {
    id,
    title,
    kind: o.stacked ? 'stacked' : 'timeseries',
    unit: o.unit ?? 'flows/s',
    description: o.description,
    note: o.note,
    span: o.span ?? 6,
    extra: o.extra,
    queries: [aggQuery(groupBy, { filter: o.filter, side: o.side, k: o.k ?? 10, scoped: o.scoped, measure: o.measure })],
    compute: (res, ctx) => ({
      type: 'series',
      stacked: o.stacked,
      series: seriesOf(aggAt(res).groups, ctx.axis, ctx.step, {
        perMinute: o.perMinute,
        raw,
        label: o.label,
        regroup: o.regroup,
        limit: o.limit ?? 10,
      }),
    }),
    drill: { groupBy: o.drillBy ?? groupBy, filter: o.filter, side: o.side },
  };
}

/** One summed series (all matching flows), e.g. "Egress Packets". */
export function sumTimeseries(id: string, title: string, name: string, o: SeriesOpts = {}): PanelDef {
  return {
    id,
    title,
    kind: 'timeseries',
    unit: o.unit ?? 'flows/s',
    note: o.note,
    description: o.description,
    span: o.span ?? 6,
    queries: [aggQuery(['verdict'], { filter: o.filter, side: o.side, scoped: o.scoped })],
    compute: (res, ctx) => ({ type: 'series', series: [summed(res, ctx, name, o.perMinute)] }),
    drill: { groupBy: [], filter: o.filter, side: o.side },
  };
}

/** A Grafana stat reducing the summed rate over the range to its max or min. */
export function stat(id: string, title: string, reduce: 'max' | 'min', o: SeriesOpts = {}): PanelDef {
  return {
    id,
    title,
    kind: 'stat',
    unit: o.unit ?? 'flows/s',
    note: o.note,
    span: o.span ?? 2,
    queries: [aggQuery(['verdict'], { filter: o.filter, side: o.side, scoped: o.scoped })],
    compute: (res, ctx) => {
      const s = summed(res, ctx, title);
      return { type: 'stat', value: reducePoints(s.points, reduce, { now: ctx.now, step: ctx.step }), spark: s.points };
    },
    drill: { groupBy: [], filter: o.filter, side: o.side },
  };
}

/** "Pods with … (past 10 minutes)": pods of the selection with ≥ 0.01 matching flows/s. */
export function podCount(id: string, title: string, side: Side, o: SeriesOpts = {}): PanelDef {
  return {
    id,
    title,
    kind: 'stat',
    unit: 'pods',
    span: o.span ?? 2,
    note: o.note,
    queries: [aggQuery(podDims(side), { filter: o.filter, side, series: false, k: 1000, window: '10m' })],
    compute: (res) => ({ type: 'stat', value: countActive(aggAt(res).groups.filter((g) => g.key[1] !== ''), 600) }),
    drill: { groupBy: [], filter: o.filter, side },
  };
}

/** Heatmap of the top 10 pods on one side (rows = pods, columns = time buckets). */
export function podHeatmap(id: string, title: string, side: Side, o: SeriesOpts = {}): PanelDef {
  const dims = podDims(side);
  return {
    id,
    title,
    kind: 'heatmap',
    unit: o.unit ?? 'flows/s',
    note: o.note,
    span: o.span ?? 6,
    queries: [aggQuery(dims, { filter: o.filter, side, k: 10 })],
    compute: (res, ctx) => ({ type: 'heatmap', heatmap: heatmapOf(aggAt(res).groups, ctx.axis, ctx.step, podLabel) }),
    drill: { groupBy: dims, filter: o.filter, side },
  };
}

/** Stacked time series per pod on one side. */
export function stackedByPod(id: string, title: string, side: Side, o: SeriesOpts = {}): PanelDef {
  return timeseries(id, title, podDims(side), { ...o, side, stacked: true, k: o.k ?? 10, label: podLabel });
}

/** Bar gauge of the top 10 groups by rate over the range. */
export function barGauge(id: string, title: string, groupBy: Dimension[], o: SeriesOpts = {}): PanelDef {
  return {
    id,
    title,
    kind: 'bargauge',
    unit: o.unit ?? 'flows/s',
    span: o.span ?? 3,
    queries: [aggQuery(groupBy, { filter: o.filter, series: false, k: 10, scoped: o.scoped ?? false })],
    compute: (res, ctx) => ({ type: 'bars', bars: barsOf(aggAt(res).groups, ctx.seconds).slice(0, 10) }),
    drill: { groupBy, filter: o.filter },
  };
}

/** A text panel. */
export function textPanel(id: string, text: string): PanelDef {
  return { id, title: '', kind: 'text', span: 12, queries: [], compute: () => ({ type: 'text', text }) };
}

/** A panel whose data flow records cannot provide; shown with the reason, never faked. */
export function unavailable(id: string, title: string, reason: string, span = 6): PanelDef {
  return {
    id,
    title,
    kind: 'unavailable',
    span,
    queries: [],
    compute: () => ({ type: 'unavailable', reason }),
  };
}

/** The Max/Min stat pair sharing one series (ACNS puts them side by side). */
export function maxMin(id: string, what: string, o: SeriesOpts, titles?: [string, string]): PanelDef[] {
  const [tMax, tMin] = titles ?? [`Max ${what}`, `Min ${what}`];
  return [stat(`${id}-max`, tMax, 'max', o), stat(`${id}-min`, tMin, 'min', o)];
}
