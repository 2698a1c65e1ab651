/**
 * Kubernetes / Networking / Pod Flows (Namespace) (spec §5) and (Workload) (spec §6): the same
 * rows, the workload one without "Top Namespaces". "Outgoing" = the selection is the source.
 */
import type { FlowsResponse } from '../../../server/http/contract';
import { aggregateFlows, maskBefore, sampleSpan, traceTypeKey } from '../flow-aggregate';
import { reducePoints, seriesOf, sumPoints, type HeatmapData } from '../series';
import { missingSynAcks } from '../tcp';
import type { Dimension } from '../../../server/http/contract';
import { aggAt, aggQuery, barGauge, maxMin, podCount, podHeatmap, podLabel, stackedByPod, timeseries } from './panels';
import type { ComputeContext, DashboardDef, PanelDef, QueryResult, RowDef } from './types';

const FWD = '--verdict FORWARDED';
const DROP = '--verdict DROPPED';
const SYN = '--tcp-flags SYN';

function traceType(id: string, title: string, side: 'source' | 'destination'): PanelDef {
  return {
    id,
    title,
    kind: 'timeseries',
    unit: 'flows/s',
    span: 6,
    note: 'The aggregate API has no event-type dimension: counted from the newest 500 flows of the range.',
    queries: [{ kind: 'flows', side, limit: 500 }],
    compute: (res, ctx) => {
      const sample = res[0] as FlowsResponse;
      const oldest = sample.truncated ? sampleSpan(sample.flows ?? [])?.[0] : undefined;
      const groups = aggregateFlows(sample.flows ?? [], ctx.step, traceTypeKey);
      const series = seriesOf(groups, ctx.axis, ctx.step, { limit: 10 });
      return { type: 'series', series: series.map((s) => ({ ...s, points: maskBefore(s.points, oldest, ctx.step) })) };
    },
    drill: { groupBy: [], side },
  };
}

/** Queries for missing SYN-ACKs: SYN-flag flows sent by, and received by, the selection. */
const synQueries = (window?: string) => [
  aggQuery(['source_namespace', 'source_pod', 'tcp_flag'], { filter: SYN, side: 'source', k: 1000, window }),
  aggQuery(['destination_namespace', 'destination_pod', 'tcp_flag'], { filter: SYN, side: 'destination', k: 1000, window }),
];

/** [namespace, pod] and its label from a missingSynAcks key. */
function podOf(id: string): { key: string[]; label: string } {
  const key = JSON.parse(id) as string[];
  return { key, label: podLabel(key) };
}

function missing(res: QueryResult[], ctx: ComputeContext): Map<string, [number, number][]> {
  return missingSynAcks(aggAt(res, 0).groups, aggAt(res, 1).groups, ctx.axis, ctx.step);
}

function synAckPanels(p: string): PanelDef[] {
  const drill = { groupBy: ['source_namespace', 'source_pod'] as Dimension[], filter: SYN, side: 'source' as const };
  const statOf = (id: string, title: string, how: 'max' | 'min'): PanelDef => ({
    id,
    title,
    kind: 'stat',
    unit: 'flows/s',
    span: 2,
    queries: synQueries(),
    compute: (res, ctx) => {
      const total = sumPoints([...missing(res, ctx).values()], ctx.axis);
      const pts = how === 'min' ? total.filter(([, v]) => v > 0) : total;
      return { type: 'stat', value: reducePoints(pts, how, { now: ctx.now, step: ctx.step }) ?? 0, spark: total };
    },
    drill: { ...drill, groupBy: [] },
  });
  return [
    {
      id: `${p}-synack-pods`,
      title: 'Pods Missing SYN-ACKs (past 10 minutes)',
      kind: 'stat',
      unit: 'pods',
      span: 2,
      queries: synQueries('10m'),
      compute: (res, ctx) => ({ type: 'stat', value: missing(res, ctx).size }),
      drill: { ...drill, groupBy: [] },
    },
    statOf(`${p}-synack-max`, 'Max Packets Missing SYN-ACKs', 'max'),
    statOf(`${p}-synack-min`, 'Min Packets Missing SYN-ACKs', 'min'),
    {
      id: `${p}-synack-heatmap`,
      title: 'Heatmap of Missing TCP SYN-ACKs by Top Source Pods',
      kind: 'heatmap',
      unit: 'flows/s',
      span: 6,
      queries: synQueries(),
      compute: (res, ctx) => {
        const rows = [...missing(res, ctx)]
          .map(([pod, pts]) => ({ pod, pts, total: pts.reduce((a, [, v]) => a + v, 0) }))
          .sort((a, b) => b.total - a.total)
          .slice(0, 10);
        const heatmap: HeatmapData = { rows: [], keys: [], times: [...ctx.axis], cells: [], max: 0 };
        rows.forEach((r, y) => {
          const p = podOf(r.pod);
          heatmap.rows.push(p.label);
          heatmap.keys.push(p.key);
          r.pts.forEach(([, v], x) => {
            if (v > 0) heatmap.cells.push([x, y, v]);
            heatmap.max = Math.max(heatmap.max, v);
          });
        });
        return { type: 'heatmap', heatmap };
      },
      drill,
    },
    {
      id: `${p}-synack-stacked`,
      title: 'Stacked (Total) Missing TCP SYN-ACKs by Source Pod',
      kind: 'stacked',
      unit: 'flows/s',
      span: 6,
      queries: synQueries(),
      compute: (res, ctx) => ({
        type: 'series',
        stacked: true,
        series: [...missing(res, ctx)].slice(0, 10).map(([pod, points]) => ({ name: podOf(pod).label, key: podOf(pod).key, points })),
      }),
      drill,
    },
  ];
}

/** Stats, heatmaps and stacked series of one TCP flag (RST or FIN), as in spec §5 #34–53. */
function flagPanels(p: string, flag: 'RST' | 'FIN'): PanelDef[] {
  const filter = `--tcp-flags ${flag}`;
  const f = flag.toLowerCase();
  const minOut = flag === 'FIN' ? 'MIN Outgoing FIN' : 'Min Outgoing RST';
  return [
    podCount(`${p}-${f}-pods-out`, `Pods with Outgoing ${flag} (past 10 minutes)`, 'source', { filter }),
    ...maxMin(`${p}-${f}-out`, '', { filter, side: 'source' }, [`Max Outgoing ${flag} Packets`, minOut]),
    podCount(`${p}-${f}-pods-in`, `Pods with Incoming ${flag} (past 10 minutes)`, 'destination', { filter }),
    ...maxMin(`${p}-${f}-in`, '', { filter, side: 'destination' }, [`Max Incoming ${flag} Packets`, `Min Incoming ${flag}`]),
    podHeatmap(`${p}-${f}-heat-out`, `Heatmap of Outgoing TCP ${flag} by Top Source Pods`, 'source', { filter }),
    podHeatmap(`${p}-${f}-heat-in`, `Heatmap of Incoming TCP ${flag} by Top Destination Pods`, 'destination', { filter }),
    stackedByPod(`${p}-${f}-stacked-out`, `Stacked (Total) Outgoing TCP ${flag} by Source Pod`, 'source', { filter }),
    stackedByPod(`${p}-${f}-stacked-in`, `Stacked (Total) Incoming TCP ${flag} by Destination Pod`, 'destination', { filter }),
  ];
}

/** The snapshot, flows, drops and TCP rows shared by both Pod Flows dashboards. */
export function podFlowsRows(p: string, scope: string, snapshot: string): RowDef[] {
  const out = { side: 'source' as const };
  const inc = { side: 'destination' as const };
  return [
    {
      title: snapshot,
      panels: [
        podCount(`${p}-pods-out`, 'Pods with Outgoing Traffic (past 10 minutes)', 'source', { filter: FWD }),
        ...maxMin(`${p}-out`, 'Outgoing Traffic', { ...out, filter: FWD }),
        podCount(`${p}-pods-in`, 'Pods with Incoming Traffic (past 10 minutes)', 'destination', { filter: FWD }),
        ...maxMin(`${p}-in`, 'Incoming Traffic', { ...inc, filter: FWD }),
        podCount(`${p}-pods-drop-out`, 'Pods with Outgoing Drops (past 10 minutes)', 'source', { filter: DROP }),
        ...maxMin(`${p}-drop-out`, 'Outgoing Drops', { ...out, filter: DROP }),
        podCount(`${p}-pods-drop-in`, 'Pods with Incoming Drops (past 10 minutes)', 'destination', { filter: DROP }),
        ...maxMin(`${p}-drop-in`, 'Incoming Drops', { ...inc, filter: DROP }),
      ],
    },
    {
      title: `Flows (${scope})`,
      panels: [
        traceType(`${p}-trace-out`, 'Outgoing Traffic by Trace Type', 'source'),
        traceType(`${p}-trace-in`, 'Incoming Traffic by Trace Type', 'destination'),
        timeseries(`${p}-verdict-out`, 'Outgoing Traffic by Verdict', ['verdict'], out),
        timeseries(`${p}-verdict-in`, 'Incoming Traffic by Verdict', ['verdict'], inc),
        podHeatmap(`${p}-heat-out`, 'Heatmap of Outgoing Traffic for Top Source Pods', 'source'),
        podHeatmap(`${p}-heat-in`, 'Heatmap of Incoming Traffic for Top Destination Pods', 'destination'),
        stackedByPod(`${p}-stacked-out`, 'Stacked (Total) Outgoing Traffic by Source Pod', 'source'),
        stackedByPod(`${p}-stacked-in`, 'Stacked (Total) Incoming Traffic by Destination Pod', 'destination'),
      ],
    },
    {
      title: `Drops (${scope})`,
      collapsed: true,
      panels: [
        podHeatmap(`${p}-drop-heat-out`, 'Heatmap of Outgoing Drops for Top Source Pods', 'source', { filter: DROP }),
        podHeatmap(`${p}-drop-heat-in`, 'Heatmap of Incoming Drops for Top Destination Pods', 'destination', { filter: DROP }),
        stackedByPod(`${p}-drop-stacked-out`, 'Stacked (Total) Outgoing Drops by Source Pod', 'source', { filter: DROP }),
        stackedByPod(`${p}-drop-stacked-in`, 'Stacked (Total) Incoming Drops by Destination Pod', 'destination', {
          filter: DROP,
        }),
      ],
    },
    {
      title: `TCP (${scope})`,
      collapsed: true,
      panels: [...synAckPanels(p), ...flagPanels(p, 'RST'), ...flagPanels(p, 'FIN')],
    },
  ];
}

export const podFlowsNamespaceDashboard: DashboardDef = {
  id: 'pod-flows-namespace',
  path: '/dashboards/pod-flows-namespace',
  title: 'Pod Flows (Namespace)',
  upstream: 'Kubernetes / Networking / Pod Flows (Namespace)',
  variables: ['node', 'namespace'],
  rows: [
    {
      title: 'Top Namespaces',
      panels: [
        barGauge('pfn-top-src-ns', 'Top Source Namespaces (Outgoing Traffic)', ['source_namespace']),
        barGauge('pfn-top-dst-ns', 'Top Destination Namespaces (Incoming Traffic)', ['destination_namespace']),
        barGauge('pfn-top-drop-out-ns', 'Top Namespaces with Outgoing Drops', ['source_namespace'], { filter: DROP }),
        barGauge('pfn-top-drop-in-ns', 'Top Namespaces with Incoming Drops', ['destination_namespace'], { filter: DROP }),
      ],
    },
    ...podFlowsRows('pfn', 'in $namespace', 'Namespace Snapshot ($namespace)'),
  ],
};

export const podFlowsWorkloadDashboard: DashboardDef = {
  id: 'pod-flows-workload',
  path: '/dashboards/pod-flows-workload',
  title: 'Pod Flows (Workload)',
  upstream: 'Kubernetes / Networking / Pod Flows (Workload)',
  variables: ['node', 'namespace', 'workload'],
  rows: podFlowsRows('pfw', 'for $workload', 'Workload Snapshot ($workload)'),
};
