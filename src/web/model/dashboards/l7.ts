/**
 * Kubernetes / Networking / L7 Flows (Namespace) (spec §7) and (Workload) (spec §8), both
 * partial upstream layouts, plus Kafka and latency panels ACNS documents but does not show.
 * Requests carry no HTTP status and responses do: a '' status key means "request".
 */
import { heatmapOf, onAxis, regroupGroups, type Series } from '../series';
import { aggAt, aggQuery, podDims, podHeatmap, podLabel, stackedByPod, timeseries } from './panels';
import type { DashboardDef, PanelDef } from './types';

const HTTP = '--protocol http';
const KAFKA = '--protocol kafka';
type Side = 'source' | 'destination';

const isStatus = (s: string): boolean => s !== '' && s !== '0';
const lower = (k: string[]): string => k[0].toLowerCase();

function byVerdict(id: string, title: string, side: Side): PanelDef {
  return timeseries(id, title, ['verdict'], { filter: HTTP, side, label: lower });
}

/**
 * Requests by method and status, counted on responses: the responses to the selection's
 * outgoing requests flow towards it (destination); those to its incoming requests leave it.
 */
function methodStatus(id: string, title: string, direction: 'outgoing' | 'incoming'): PanelDef {
  return timeseries(id, title, ['http_method', 'http_status'], {
    filter: HTTP,
    side: direction === 'outgoing' ? 'destination' : 'source',
    unit: 'req/s',
    k: 50,
    regroup: (k) => (isStatus(k[1]) ? k : null),
    label: (k) => `http ${k[0].toLowerCase()} ${k[1]}`,
    description: 'Counted on HTTP responses (they carry the status).',
  });
}

function heat4xx(id: string): PanelDef {
  return {
    id,
    title: 'Heatmap of Pods with Outgoing HTTP Requests that returned 4xx Errors',
    kind: 'heatmap',
    unit: '4xx requests',
    span: 6,
    queries: [aggQuery(['destination_namespace', 'destination_pod', 'http_status'], { filter: HTTP, side: 'destination', k: 500 })],
    compute: (res, ctx) => {
      const groups = regroupGroups(aggAt(res).groups, (k) => (/^4\d\d$/.test(k[2]) ? [k[0], k[1]] : null));
      return { type: 'heatmap', heatmap: heatmapOf(groups.slice(0, 10), ctx.axis, ctx.step, podLabel) };
    },
    drill: { groupBy: ['destination_namespace', 'destination_pod'], filter: HTTP, side: 'destination' },
  };
}

/** Requests (status-less HTTP flows) per pod on one side. */
function requestsByPod(id: string, title: string, side: Side, stacked: boolean): PanelDef {
  const dims = podDims(side);
  return timeseries(id, title, [...dims, 'http_status'], {
    filter: HTTP,
    side,
    unit: 'req/s',
    k: 500,
    stacked,
    regroup: (k) => (isStatus(k[2]) ? null : [k[0], k[1]]),
    label: podLabel,
    limit: 10,
    drillBy: dims,
  });
}

/** flowlens extras: HTTP latency, Kafka traffic and errors. */
function extras(p: string): PanelDef[] {
  const latency: PanelDef = {
    id: `${p}-http-latency`,
    title: 'HTTP Response Latency',
    kind: 'timeseries',
    unit: 'ms',
    span: 6,
    extra: true,
    queries: [
      aggQuery(['l7_protocol'], { filter: HTTP, measure: 'latency_mean_ms' }),
      aggQuery(['l7_protocol'], { filter: HTTP, measure: 'latency_p95_ms' }),
    ],
    compute: (res, ctx) => {
      const pick = (i: number, name: string): Series => ({
        name,
        key: [],
        points: onAxis(aggAt(res, i).groups[0]?.points, ctx.axis, ctx.step, { raw: true }),
      });
      return { type: 'series', series: [pick(0, 'mean'), pick(1, 'p95')] };
    },
    drill: { groupBy: [], filter: HTTP },
  };
  return [
    latency,
    timeseries(`${p}-http-latency-path`, 'HTTP Latency by Path (p95)', ['http_path'], {
      filter: HTTP,
      unit: 'ms',
      measure: 'latency_p95_ms',
      extra: true,
    }),
    timeseries(`${p}-kafka-topic`, 'Kafka Requests by Topic', ['kafka_topic'], { filter: KAFKA, extra: true }),
    timeseries(`${p}-kafka-errors`, 'Kafka Errors by Topic', ['kafka_topic', 'kafka_error'], {
      filter: KAFKA,
      extra: true,
      k: 100,
      regroup: (k) => (isStatus(k[1]) ? k : null),
      label: (k) => `${k[0]} error ${k[1]}`,
    }),
  ];
}

export const l7NamespaceDashboard: DashboardDef = {
  id: 'l7-namespace',
  path: '/dashboards/l7-namespace',
  title: 'L7 Flows (Namespace)',
  upstream: 'Kubernetes / Networking / L7 (Namespace)',
  variables: ['node', 'namespace'],
  pick: { filter: HTTP, l7: true },
  notes: ['Upstream publishes no JSON for this dashboard: panels follow the Microsoft documentation.'],
  rows: [
    {
      title: 'HTTP Flows (in $namespace)',
      panels: [
        byVerdict('l7n-verdict-out', 'Outgoing HTTP Traffic by Verdict', 'source'),
        methodStatus('l7n-method-status-out', 'Outgoing HTTP Requests by method and status count', 'outgoing'),
        heat4xx('l7n-4xx-heat'),
        requestsByPod('l7n-top-src-pods', 'Outgoing HTTP Requests for Top 10 Source Pods in $namespace', 'source', false),
        podHeatmap(
          'l7n-drop-heat',
          'Heatmap of Dropped Outgoing HTTP Requests for the Top 10 Source Pods in $namespace',
          'source',
          { filter: `${HTTP} --verdict DROPPED` },
        ),
        byVerdict('l7n-verdict-in', 'Incoming HTTP Traffic by Verdict', 'destination'),
        methodStatus('l7n-method-status-in', 'Incoming HTTP Requests by method and status count', 'incoming'),
        requestsByPod('l7n-stacked-in', 'Stacked (Total) Incoming HTTP Requests by Destination Pod', 'destination', true),
      ],
    },
    { title: 'Latency and Kafka (flowlens)', panels: extras('l7n') },
  ],
};

export const l7WorkloadDashboard: DashboardDef = {
  id: 'l7-workload',
  path: '/dashboards/l7-workload',
  title: 'L7 Flows (Workload)',
  upstream: 'Kubernetes / Networking / L7 (Workload)',
  variables: ['node', 'namespace', 'workload'],
  pick: { filter: HTTP, l7: true },
  notes: ['Upstream publishes no JSON for this dashboard: panel order follows a documentation screenshot.'],
  rows: [
    {
      title: 'HTTP Flows (for $workload)',
      panels: [
        requestsByPod('l7w-stacked-in', 'Stacked (Total) Incoming HTTP Requests by Destination Pod', 'destination', true),
        byVerdict('l7w-verdict-in', 'Incoming HTTP Traffic by Verdict', 'destination'),
        methodStatus('l7w-method-status-in', 'Incoming HTTP Requests by method and status count', 'incoming'),
        stackedByPod('l7w-drops-in', 'Stacked (Total) Incoming HTTP Drops by Destination Pod', 'destination', {
          filter: `${HTTP} --verdict DROPPED`,
        }),
        byVerdict('l7w-verdict-out', 'Outgoing HTTP Traffic by Verdict', 'source'),
        methodStatus('l7w-method-status-out', 'Outgoing HTTP Requests by method and status count', 'outgoing'),
        heat4xx('l7w-4xx-heat'),
      ],
    },
    { title: 'Latency and Kafka (flowlens)', panels: extras('l7w') },
  ],
};
