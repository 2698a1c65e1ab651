/**
 * Kubernetes / Networking / L7 (Namespace) and L7 (Workload) (acns-dashboards.md §7, §8),
 * partial upstream layouts completed with their incoming/outgoing counterparts and HTTP latency.
 *
 * Sources: httpV2 (`hubble_http_requests_total`, source = client pod, destination = server pod),
 * the policy handler's L7 verdicts (`hubble_policy_verdicts_total{match="l7/http"}`, whose
 * lower-case `action` gives the `forwarded`/`dropped` series of the ACNS screenshots) and
 * flowlens's `flowlens_http_latency_seconds`.
 */
import {
  clusterVar,
  DATASOURCE,
  namespaceVar,
  nodesVar,
  workloadVar,
  type DashboardSpec,
  type PanelSpec,
} from './grafana.js';
import { sel, sumRate } from './promql.js';

const H = 'hubble_http_requests_total';
const P = 'hubble_policy_verdicts_total';
const LAT = 'flowlens_http_latency_seconds_bucket';

type Dir = 'Outgoing' | 'Incoming';

function f(pods: string, dir: Dir, extra = ''): string {
  return [`${dir === 'Outgoing' ? 'source' : 'destination'}=~"${pods}"`, extra].filter(Boolean).join(', ');
}
const by = (dir: Dir) => (dir === 'Outgoing' ? 'source' : 'destination');

function verdict(pods: string, dir: Dir): PanelSpec {
  return {
    kind: 'timeseries',
    title: `${dir} HTTP Traffic by Verdict`,
    unit: 'flows/s',
    targets: [{ expr: sumRate(P, f(pods, dir, 'match="l7/http"'), 'action'), legend: '{{action}}' }],
  };
}

function methodStatus(pods: string, dir: Dir): PanelSpec {
  return {
    kind: 'timeseries',
    title: `${dir} HTTP Requests by method and status count`,
    unit: 'req/s',
    targets: [
      {
        expr: sumRate(H, f(pods, dir), 'protocol, method, status'),
        legend: '{{protocol}} {{method}} {{status}}',
      },
    ],
  };
}

function errors4xx(pods: string, dir: Dir): PanelSpec {
  return {
    kind: 'heatmap',
    title: `Heatmap of Pods with ${dir} HTTP Requests that returned 4xx Errors`,
    unit: '4xx requests',
    colors: 'Purples',
    targets: [
      { expr: `topk(10, ${sumRate(H, f(pods, dir, 'status=~"4.."'), by(dir))})`, legend: `{{${by(dir)}}}` },
    ],
  };
}

function topPods(pods: string, dir: Dir, where: string): PanelSpec {
  const which = dir === 'Outgoing' ? 'Source' : 'Destination';
  return {
    kind: 'timeseries',
    title: `${dir} HTTP Requests for Top 10 ${which} Pods ${where}`,
    unit: 'req/s',
    legendCalcs: ['max', 'min', 'lastNotNull'],
    targets: [{ expr: `topk(10, ${sumRate(H, f(pods, dir), by(dir))})`, legend: `{{${by(dir)}}}` }],
  };
}

function droppedHeatmap(pods: string, dir: Dir, where: string): PanelSpec {
  const which = dir === 'Outgoing' ? 'Source' : 'Destination';
  return {
    kind: 'heatmap',
    title: `Heatmap of Dropped ${dir} HTTP Requests for the Top 10 ${which} Pods ${where}`,
    unit: 'req/s',
    colors: 'Oranges',
    targets: [
      {
        expr: `topk(10, ${sumRate(P, f(pods, dir, 'match="l7/http", action="dropped"'), by(dir))})`,
        legend: `{{${by(dir)}}}`,
      },
    ],
  };
}

function stacked(pods: string, dir: Dir, what: 'Requests' | 'Drops'): PanelSpec {
  const which = dir === 'Outgoing' ? 'Source' : 'Destination';
  const expr =
    what === 'Requests'
      ? sumRate(H, f(pods, dir), by(dir))
      : sumRate(P, f(pods, dir, 'match="l7/http", action="dropped"'), by(dir));
  return {
    kind: 'timeseries',
    title: `Stacked (Total) ${dir} HTTP ${what} by ${which} Pod`,
    unit: what === 'Requests' ? 'req/s' : 'flows/s',
    stack: true,
    legendCalcs: ['max', 'min', 'lastNotNull'],
    targets: [{ expr, legend: `{{${by(dir)}}}` }],
  };
}

function latency(pods: string): PanelSpec[] {
  const server = f(pods, 'Incoming');
  return [
    {
      kind: 'timeseries',
      title: 'HTTP Latency (served)',
      unit: 's',
      targets: ['0.5', '0.95', '0.99'].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (rate(${sel(LAT, server)}[$__rate_interval])))`,
        legend: `p${Number(q) * 100}`,
      })),
    },
    {
      kind: 'timeseries',
      title: 'HTTP Latency p95 by Destination Pod and Status',
      unit: 's',
      targets: [
        {
          expr: `histogram_quantile(0.95, sum by (le, destination, status) (rate(${sel(LAT, server)}[$__rate_interval])))`,
          legend: '{{destination}} {{status}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'HTTP 5xx Ratio by Destination Pod',
      unit: 'percentunit',
      w: 24,
      targets: [
        {
          expr: `(${sumRate(H, f(pods, 'Incoming', 'status=~"5.."'), 'destination')} or ${sumRate(H, f(pods, 'Incoming'), 'destination')} * 0) / ${sumRate(H, f(pods, 'Incoming'), 'destination')}`,
          legend: '{{destination}}',
        },
      ],
    },
  ];
}

/** L7 (Namespace). */
export const l7NamespaceDashboard: DashboardSpec = {
  uid: 'flowlens-acns-l7-namespace',
  title: 'Kubernetes / Networking / L7 (Namespace)',
  description:
    'HTTP flows to and from the pods of a namespace: verdicts, methods and status codes, 4xx, drops, latency',
  variables: [DATASOURCE, clusterVar(H), nodesVar(H), namespaceVar(H)],
  rows: [
    {
      title: 'HTTP Flows (in $namespace)',
      panels: (['Outgoing', 'Incoming'] as const).flatMap((dir) => {
        const pods = '$namespace/.+';
        const where = dir === 'Outgoing' ? 'in $namespace' : 'in $namespace';
        return [
          verdict(pods, dir),
          methodStatus(pods, dir),
          errors4xx(pods, dir),
          topPods(pods, dir, where),
          droppedHeatmap(pods, dir, where),
        ];
      }),
    },
    { title: 'HTTP Latency (in $namespace)', panels: latency('$namespace/.+') },
  ],
};

const WL = '$namespace/$workload-[a-z0-9]+';

/** L7 (Workload). */
export const l7WorkloadDashboard: DashboardSpec = {
  uid: 'flowlens-acns-l7-workload',
  title: 'Kubernetes / Networking / L7 (Workload)',
  description:
    'HTTP flows to and from the pods of one workload: verdicts, methods and status codes, drops, latency',
  variables: [DATASOURCE, clusterVar(H), nodesVar(H), namespaceVar(H), workloadVar(H)],
  rows: [
    {
      title: 'HTTP Flows (for $workload)',
      panels: [
        stacked(WL, 'Incoming', 'Requests'),
        verdict(WL, 'Incoming'),
        methodStatus(WL, 'Incoming'),
        stacked(WL, 'Incoming', 'Drops'),
        verdict(WL, 'Outgoing'),
        methodStatus(WL, 'Outgoing'),
        errors4xx(WL, 'Outgoing'),
        errors4xx(WL, 'Incoming'),
      ],
    },
    { title: 'HTTP Latency (for $workload)', panels: latency(WL) },
  ],
};
