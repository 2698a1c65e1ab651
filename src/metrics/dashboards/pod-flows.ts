/**
 * Kubernetes / Networking / Pod Flows (Namespace) and (Workload), and Drops (Workload)
 * (acns-dashboards.md §4–§6), on hubble_flows_processed_total, hubble_tcp_flags_total and
 * hubble_drop_total with ACNS's contexts (`sourceEgressContext=pod;destinationIngressContext=pod`):
 * outgoing traffic is what a pod sends (`source`), incoming what it receives (`destination`).
 */
import {
  clusterVar,
  DATASOURCE,
  namespaceVar,
  nodesVar,
  workloadVar,
  type DashboardSpec,
  type PanelSpec,
  type RowSpec,
} from './grafana.js';
import { asNamespace, asPod, rate, sumRate } from './promql.js';

const F = 'hubble_flows_processed_total';
const T = 'hubble_tcp_flags_total';
const D = 'hubble_drop_total';

/** Which pods a dashboard looks at. */
interface Scope {
  /** Regex of `namespace/pod` values. */
  pods: string;
  /** Row-title suffix: `in $namespace` or `for $workload`. */
  where: string;
}

const NS_SCOPE: Scope = { pods: '$namespace/.+', where: 'in $namespace' };
const WL_SCOPE: Scope = { pods: '$namespace/$workload-[a-z0-9]+', where: 'for $workload' };

const out = (s: Scope) => `source=~"${s.pods}"`;
const inn = (s: Scope) => `destination=~"${s.pods}"`;
const side = (dir: 'Outgoing' | 'Incoming'): 'source' | 'destination' =>
  dir === 'Outgoing' ? 'source' : 'destination';

/** The three stats of a snapshot: pods with activity in 10 minutes, max and min rate. */
function snapshot(
  s: Scope,
  metric: string,
  dir: 'Outgoing' | 'Incoming',
  what: string,
  extra: string,
): PanelSpec[] {
  const sideSel = dir === 'Outgoing' ? out(s) : inn(s);
  const f = [sideSel, extra].filter(Boolean).join(', ');
  const by = side(dir);
  return [
    {
      kind: 'stat',
      title: `Pods with ${dir} ${what} (past 10 minutes)`,
      w: 6,
      targets: [{ expr: `count(${sumRate(metric, f, by, '10m')} >= 0.01)` }],
    },
    {
      kind: 'stat',
      title: `Max ${dir} ${what}`,
      unit: 'pps',
      reduce: 'max',
      w: 9,
      targets: [{ expr: sumRate(metric, f) }],
    },
    {
      kind: 'stat',
      title: `Min ${dir} ${what}`,
      unit: 'pps',
      reduce: 'min',
      w: 9,
      targets: [{ expr: sumRate(metric, f) }],
    },
  ];
}

/** Heatmap of the top 10 pods and a stacked per-pod timeseries. */
function perPod(
  s: Scope,
  metric: string,
  dir: 'Outgoing' | 'Incoming',
  what: string,
  extra: string,
  colors: 'Purples' | 'Oranges',
): PanelSpec[] {
  const by = side(dir);
  const f = [dir === 'Outgoing' ? out(s) : inn(s), extra].filter(Boolean).join(', ');
  const top = dir === 'Outgoing' ? 'Top Source Pods' : 'Top Destination Pods';
  return [
    {
      kind: 'heatmap',
      title: `Heatmap of ${dir} ${what} for ${top}`,
      colors,
      description: 'An error or "TypeError" in this panel means there is no data.',
      targets: [{ expr: `topk(10, ${sumRate(metric, f, by)})`, legend: `{{${by}}}` }],
    },
    {
      kind: 'timeseries',
      title: `Stacked (Total) ${dir} ${what} by ${dir === 'Outgoing' ? 'Source' : 'Destination'} Pod`,
      unit: 'pps',
      stack: true,
      legendCalcs: ['max', 'min', 'lastNotNull'],
      targets: [{ expr: sumRate(metric, f, by), legend: `{{${by}}}` }],
    },
  ];
}

/** SYNs a pod sent minus SYN-ACKs it received, per pod (pods without SYN-ACKs count all their SYNs). */
function missingSynAck(s: Scope, window: string): string {
  const syn = `sum by (pod) (${asPod(rate(T, `flag="SYN", ${out(s)}`, window), 'source')})`;
  const synAck = `sum by (pod) (${asPod(rate(T, `flag="SYN-ACK", ${inn(s)}`, window), 'destination')})`;
  return `(${syn} - (${synAck} or ${syn} * 0))`;
}

function tcpRow(s: Scope): RowSpec {
  const flagPanels = (flag: 'RST' | 'FIN', colors: 'Purples' | 'Oranges'): PanelSpec[] => {
    const panels: PanelSpec[] = [];
    for (const dir of ['Outgoing', 'Incoming'] as const) {
      const f = `flag="${flag}", ${dir === 'Outgoing' ? out(s) : inn(s)}`;
      const by = side(dir);
      const minTitle = flag === 'FIN' && dir === 'Outgoing' ? 'MIN Outgoing FIN' : `Min ${dir} ${flag}`;
      panels.push(
        {
          kind: 'stat',
          title: `Pods with ${dir} ${flag} (past 10 minutes)`,
          w: 6,
          targets: [{ expr: `count(${sumRate(T, f, by, '10m')} > 0)` }],
        },
        {
          kind: 'stat',
          title: `Max ${dir} ${flag} Packets`,
          unit: 'pps',
          reduce: 'max',
          w: 9,
          targets: [{ expr: sumRate(T, f) }],
        },
        {
          kind: 'stat',
          title: minTitle,
          unit: 'pps',
          reduce: 'min',
          w: 9,
          targets: [{ expr: sumRate(T, f) }],
        },
      );
    }
    for (const dir of ['Outgoing', 'Incoming'] as const) {
      const by = side(dir);
      const f = `flag="${flag}", ${dir === 'Outgoing' ? out(s) : inn(s)}`;
      const top = dir === 'Outgoing' ? 'Top Source Pods' : 'Top Destination Pods';
      panels.push({
        kind: 'heatmap',
        title: `Heatmap of ${dir} TCP ${flag} by ${top}`,
        colors,
        targets: [{ expr: `topk(10, ${sumRate(T, f, by)})`, legend: `{{${by}}}` }],
      });
    }
    for (const dir of ['Outgoing', 'Incoming'] as const) {
      const by = side(dir);
      const f = `flag="${flag}", ${dir === 'Outgoing' ? out(s) : inn(s)}`;
      panels.push({
        kind: 'timeseries',
        title: `Stacked (Total) ${dir} TCP ${flag} by ${dir === 'Outgoing' ? 'Source' : 'Destination'} Pod`,
        unit: 'pps',
        stack: true,
        targets: [{ expr: sumRate(T, f, by), legend: `{{${by}}}` }],
      });
    }
    return panels;
  };
  return {
    title: `TCP (${s.where})`,
    collapsed: true,
    panels: [
      {
        kind: 'stat',
        title: 'Pods Missing SYN-ACKs (past 10 minutes)',
        w: 6,
        description: 'Pods whose outgoing SYN rate exceeds the SYN-ACK rate they receive.',
        targets: [{ expr: `count(${missingSynAck(s, '10m')} > 0)` }],
      },
      {
        kind: 'stat',
        title: 'Max Packets Missing SYN-ACKs',
        unit: 'pps',
        reduce: 'max',
        w: 9,
        targets: [{ expr: `sum(clamp_min(${missingSynAck(s, '$__rate_interval')}, 0))` }],
      },
      {
        kind: 'stat',
        title: 'Min Packets Missing SYN-ACKs',
        unit: 'pps',
        reduce: 'min',
        w: 9,
        targets: [{ expr: `sum(clamp_min(${missingSynAck(s, '$__rate_interval')}, 0))` }],
      },
      {
        kind: 'heatmap',
        title: 'Heatmap of Missing TCP SYN-ACKs by Top Source Pods',
        targets: [
          { expr: `topk(10, clamp_min(${missingSynAck(s, '$__rate_interval')}, 0))`, legend: '{{pod}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Stacked (Total) Missing TCP SYN-ACKs by Source Pod',
        unit: 'pps',
        stack: true,
        targets: [{ expr: `clamp_min(${missingSynAck(s, '$__rate_interval')}, 0)`, legend: '{{pod}}' }],
      },
      ...flagPanels('RST', 'Oranges'),
      ...flagPanels('FIN', 'Purples'),
    ],
  };
}

function flowRows(s: Scope, snapshotTitle: string): RowSpec[] {
  return [
    {
      title: snapshotTitle,
      panels: [
        ...snapshot(s, F, 'Outgoing', 'Traffic', 'verdict="FORWARDED"'),
        ...snapshot(s, F, 'Incoming', 'Traffic', 'verdict="FORWARDED"'),
        ...snapshot(s, F, 'Outgoing', 'Drops', 'verdict="DROPPED"'),
        ...snapshot(s, F, 'Incoming', 'Drops', 'verdict="DROPPED"'),
      ],
    },
    {
      title: `Flows (${s.where})`,
      panels: (
        [
          {
            kind: 'timeseries',
            title: 'Outgoing Traffic by Trace Type',
            unit: 'ops',
            description: 'to-stack: leaving the pod; to-network / to-overlay: leaving the node.',
            targets: [{ expr: sumRate(F, out(s), 'type, subtype'), legend: '{{type}}/{{subtype}}' }],
          },
          {
            kind: 'timeseries',
            title: 'Incoming Traffic by Trace Type',
            unit: 'ops',
            description: 'to-endpoint: reaching the pod; from-network / from-overlay: reaching the node.',
            targets: [{ expr: sumRate(F, inn(s), 'type, subtype'), legend: '{{type}}/{{subtype}}' }],
          },
          {
            kind: 'timeseries',
            title: 'Outgoing Traffic by Verdict',
            unit: 'ops',
            targets: [{ expr: sumRate(F, out(s), 'verdict'), legend: '{{verdict}}' }],
          },
          {
            kind: 'timeseries',
            title: 'Incoming Traffic by Verdict',
            unit: 'ops',
            targets: [{ expr: sumRate(F, inn(s), 'verdict'), legend: '{{verdict}}' }],
          },
          ...perPod(s, F, 'Outgoing', 'Traffic', '', 'Purples'),
          ...perPod(s, F, 'Incoming', 'Traffic', '', 'Purples'),
        ] as PanelSpec[]
      ).sort(heatmapsFirst),
    },
    {
      title: `Drops (${s.where})`,
      collapsed: true,
      panels: [
        ...perPod(s, F, 'Outgoing', 'Drops', 'verdict="DROPPED"', 'Oranges'),
        ...perPod(s, F, 'Incoming', 'Drops', 'verdict="DROPPED"', 'Oranges'),
      ].sort(heatmapsFirst),
    },
    tcpRow(s),
  ];
}

/** Orders heatmaps before stacked series, keeping the order otherwise (as upstream lays them out). */
function heatmapsFirst(a: PanelSpec, b: PanelSpec): number {
  const rank = (p: PanelSpec) => (p.kind === 'heatmap' ? 1 : p.stack ? 2 : 0);
  return rank(a) - rank(b);
}

function topNamespaces(): RowSpec {
  const top = (title: string, from: 'source' | 'destination', extra: string): PanelSpec => ({
    kind: 'bargauge',
    title,
    unit: 'pps',
    w: 6,
    targets: [
      {
        expr: `topk(10, sum by (namespace) (${asNamespace(rate(F, [`${from}!=""`, extra].filter(Boolean).join(', ')), from)}))`,
        legend: '{{namespace}}',
        instant: true,
      },
    ],
  });
  return {
    title: 'Top Namespaces',
    panels: [
      top('Top Source Namespaces (Outgoing Traffic)', 'source', ''),
      top('Top Destination Namespaces (Incoming Traffic)', 'destination', ''),
      top('Top Namespaces with Outgoing Drops', 'source', 'verdict="DROPPED"'),
      top('Top Namespaces with Incoming Drops', 'destination', 'verdict="DROPPED"'),
    ],
  };
}

/** Pod Flows (Namespace). */
export const podFlowsNamespaceDashboard: DashboardSpec = {
  uid: 'flowlens-acns-pod-flows-namespace',
  title: 'Kubernetes / Networking / Pod Flows (Namespace)',
  description:
    'L4/L7 flow activity, drops and TCP signals of the pods of one namespace (Hubble flow metrics)',
  variables: [DATASOURCE, clusterVar(), nodesVar(), namespaceVar(F)],
  rows: [topNamespaces(), ...flowRows(NS_SCOPE, 'Namespace Snapshot ($namespace)')],
};

/** Pod Flows (Workload). */
export const podFlowsWorkloadDashboard: DashboardSpec = {
  uid: 'flowlens-acns-pod-flows-workload',
  title: 'Kubernetes / Networking / Pod Flows (Workload)',
  description: 'L4/L7 flow activity, drops and TCP signals of the pods of one workload (Hubble flow metrics)',
  variables: [DATASOURCE, clusterVar(), nodesVar(), namespaceVar(F), workloadVar(F)],
  rows: flowRows(WL_SCOPE, 'Workload Snapshot ($workload)'),
};

/** Drops (Workload), on hubble_drop_total (reasons) with ACNS's contexts. */
export const dropsWorkloadDashboard: DashboardSpec = {
  uid: 'flowlens-acns-drops-workload',
  title: 'Kubernetes / Networking / Drops (Workload)',
  description: 'Drops to and from the pods of one workload, by reason and by pod (hubble_drop_total)',
  variables: [DATASOURCE, clusterVar(), nodesVar(), namespaceVar(D), workloadVar(D)],
  rows: [
    {
      title: 'Workload Snapshot ($workload)',
      panels: [
        ...snapshot(WL_SCOPE, D, 'Outgoing', 'Drops', ''),
        ...snapshot(WL_SCOPE, D, 'Incoming', 'Drops', ''),
      ],
    },
    {
      title: 'Drops (for $workload)',
      panels: (
        [
          {
            kind: 'timeseries',
            title: 'Dropped Outgoing Traffic by Reason',
            unit: 'pps',
            targets: [{ expr: sumRate(D, out(WL_SCOPE), 'reason'), legend: '{{reason}}' }],
          },
          {
            kind: 'timeseries',
            title: 'Dropped Incoming Traffic by Reason',
            unit: 'pps',
            targets: [{ expr: sumRate(D, inn(WL_SCOPE), 'reason'), legend: '{{reason}}' }],
          },
          ...perPod(WL_SCOPE, D, 'Outgoing', 'Drops', '', 'Oranges'),
          ...perPod(WL_SCOPE, D, 'Incoming', 'Drops', '', 'Oranges'),
        ] as PanelSpec[]
      ).sort(heatmapsFirst),
    },
  ],
};
