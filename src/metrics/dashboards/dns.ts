/**
 * Kubernetes / Networking / DNS (Cluster) and DNS (Workload) (acns-dashboards.md §2, §3), on
 * Hubble's DNS metrics, Retina's DNS response counter for the response table, and flowlens's
 * DNS latency histogram (`flowlens_dns_latency_seconds`) and unanswered-request counter.
 *
 * Labels follow flowlens's default `dns:query;sourceContext=pod;destinationContext=pod`:
 * requests name the client in `source`, responses name it in `destination`.
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

const Q = 'hubble_dns_queries_total';
const R = 'hubble_dns_responses_total';
const LAT = 'flowlens_dns_latency_seconds_bucket';

/** Share of requests without a response, in percent, never below 0. */
function missingPct(qf: string, rf: string, by = ''): string {
  const b = by ? ` by (${by})` : '';
  return `clamp_min((sum${b} (rate(${sel(Q, qf)}[$__rate_interval])) - sum${b} (rate(${sel(R, rf)}[$__rate_interval]))) / sum${b} (rate(${sel(Q, qf)}[$__rate_interval])) * 100, 0)`;
}

function quantiles(filter: string, by = '', legendPrefix = ''): PanelSpec['targets'] {
  return ['0.5', '0.95', '0.99'].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (rate(${sel(LAT, filter)}[$__rate_interval])))`,
    legend: `${legendPrefix}p${Number(q) * 100}`,
  }));
}

function latencyPanels(client: string, server: string): PanelSpec[] {
  return [
    {
      kind: 'timeseries',
      title: 'DNS Latency',
      unit: 's',
      description:
        'Request-to-response latency of DNS lookups (flowlens: response latency_ns, or request/response pairing).',
      targets: quantiles(client),
    },
    {
      kind: 'timeseries',
      title: 'DNS Latency p95 by Server',
      unit: 's',
      targets: [
        {
          expr: `histogram_quantile(0.95, sum by (le, destination) (rate(${sel(LAT, [client, server].filter(Boolean).join(', '))}[$__rate_interval])))`,
          legend: '{{destination}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Slowest DNS Clients (p95)',
      unit: 's',
      targets: [
        {
          expr: `topk(10, histogram_quantile(0.95, sum by (le, source) (rate(${sel(LAT, client)}[$__rate_interval]))))`,
          legend: '{{source}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'DNS Latency by Return Code (p95)',
      unit: 's',
      targets: [
        {
          expr: `histogram_quantile(0.95, sum by (le, rcode) (rate(${sel(LAT, client)}[$__rate_interval])))`,
          legend: '{{rcode}}',
        },
      ],
    },
  ];
}

/** DNS (Cluster). */
export const dnsClusterDashboard: DashboardSpec = {
  uid: 'flowlens-acns-dns-cluster',
  title: 'Kubernetes / Networking / DNS (Cluster)',
  description: 'DNS health of the whole cluster or selected nodes (Hubble DNS metrics, flowlens DNS latency)',
  variables: [DATASOURCE, clusterVar(Q), nodesVar(Q)],
  rows: [
    {
      title: 'Cluster Snapshot',
      panels: [
        {
          kind: 'timeseries',
          title: 'DNS Requests and Responses',
          unit: 'r/s',
          w: 24,
          rightAxis: 'Requests missing Response (%)',
          targets: [
            { expr: sumRate(Q), legend: 'Requests' },
            { expr: sumRate(R), legend: 'Responses' },
            { expr: missingPct('', ''), legend: 'Requests missing Response (%)' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'DNS Errors',
          unit: 'resp/s',
          targets: [
            { expr: sumRate(R, 'rcode!="No Error"', 'rcode, qtypes'), legend: '{{rcode}} ({{qtypes}})' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'DNS Errors by Node',
          unit: 'resp/s',
          targets: [{ expr: sumRate(R, 'rcode!="No Error"', 'instance'), legend: '{{instance}}' }],
        },
      ],
    },
    {
      title: 'Cluster-Level',
      panels: [
        {
          kind: 'timeseries',
          title: 'DNS Response IPs Returned',
          unit: 'resp/s',
          targets: [{ expr: sumRate(R, 'rcode="No Error"', 'ips_returned'), legend: '{{ips_returned}} IPs' }],
        },
        {
          kind: 'timeseries',
          title: 'DNS Missing Response by Query Type',
          unit: 'percent',
          targets: [{ expr: missingPct('', '', 'qtypes'), legend: '{{qtypes}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Top DNS Queries (Requests)',
          unit: 'req/min',
          targets: [
            { expr: `topk(10, ${sumRate(Q, '', 'query, qtypes')} * 60)`, legend: '{{query}} ({{qtypes}})' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Top DNS Queries (Responses)',
          unit: 'resp/min',
          targets: [
            { expr: `topk(10, ${sumRate(R, '', 'query, qtypes')} * 60)`, legend: '{{query}} ({{qtypes}})' },
          ],
        },
        {
          kind: 'table',
          title: 'DNS Response Table',
          description:
            'Responses with answers over the time range (Retina networkobservability_dns_response_count; non-Cilium only).',
          targets: [
            {
              expr: `sum by (query, query_type, response, return_code) (rate(${sel('networkobservability_dns_response_count', 'num_response!="0"')}[$__range])) * 60`,
              instant: true,
            },
          ],
        },
      ],
    },
    { title: 'DNS Latency', panels: latencyPanels('', '') },
    {
      title: 'Top Pods (all namespaces)',
      panels: [
        {
          kind: 'timeseries',
          title: 'Top Pods with DNS Errors',
          unit: 'resp/min',
          targets: [
            {
              expr: `topk(10, ${sumRate(R, 'rcode!="No Error"', 'destination')} * 60)`,
              legend: '{{destination}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Pods with the Most Requests',
          unit: 'req/min',
          targets: [{ expr: `topk(10, ${sumRate(Q, '', 'source')} * 60)`, legend: '{{source}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Pods with Unanswered DNS Requests',
          unit: 'req/min',
          w: 24,
          description: 'Requests that got no response within the timeout (flowlens_dns_unanswered_total).',
          targets: [
            {
              expr: `topk(10, ${sumRate('flowlens_dns_unanswered_total', '', 'source')} * 60)`,
              legend: '{{source}}',
            },
          ],
        },
      ],
    },
  ],
};

const W = '"$namespace/$workload-[a-z0-9]+"';
const CLIENT = `source=~${W}`;
const CLIENT_R = `destination=~${W}`;

/** DNS (Workload): the DNS traffic of one workload's pods as clients (and as a server). */
export const dnsWorkloadDashboard: DashboardSpec = {
  uid: 'flowlens-acns-dns-workload',
  title: 'Kubernetes / Networking / DNS (Workload)',
  description: "DNS requests, responses, errors and latency of one workload's pods",
  variables: [DATASOURCE, clusterVar(Q), nodesVar(Q), namespaceVar(Q), workloadVar(Q)],
  rows: [
    {
      title: 'Workload Snapshot',
      panels: [
        { kind: 'stat', title: 'DNS Requests', unit: 'r/s', w: 6, targets: [{ expr: sumRate(Q, CLIENT) }] },
        {
          kind: 'stat',
          title: 'DNS Responses',
          unit: 'r/s',
          w: 6,
          targets: [{ expr: sumRate(R, CLIENT_R) }],
        },
        {
          kind: 'stat',
          title: 'Requests Missing Response %',
          unit: 'percent',
          w: 6,
          targets: [{ expr: missingPct(CLIENT, CLIENT_R) }],
        },
        {
          kind: 'stat',
          title: 'Requests Served (as DNS server)',
          unit: 'r/s',
          w: 6,
          targets: [{ expr: sumRate(Q, `destination=~${W}`) }],
        },
      ],
    },
    {
      title: 'DNS (for $workload)',
      panels: [
        {
          kind: 'timeseries',
          title: 'DNS Requests',
          unit: 'req/s',
          targets: [{ expr: sumRate(Q, CLIENT, 'qtypes'), legend: '{{qtypes}}' }],
        },
        {
          kind: 'timeseries',
          title: 'DNS Responses',
          unit: 'resp/s',
          targets: [{ expr: sumRate(R, CLIENT_R, 'qtypes'), legend: '{{qtypes}}' }],
        },
        {
          kind: 'timeseries',
          title: 'DNS Errors',
          unit: 'resp/s',
          targets: [
            {
              expr: sumRate(R, `${CLIENT_R}, rcode!="No Error"`, 'rcode, qtypes'),
              legend: '{{rcode}} ({{qtypes}})',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'DNS Response IPs Returned',
          unit: 'resp/s',
          targets: [
            { expr: sumRate(R, `${CLIENT_R}, rcode="No Error"`, 'ips_returned'), legend: '{{ips_returned}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Top DNS Queries (Requests)',
          unit: 'req/min',
          legendCalcs: ['max', 'lastNotNull'],
          targets: [
            {
              expr: `topk(10, ${sumRate(Q, CLIENT, 'query, qtypes')} * 60)`,
              legend: '{{query}} ({{qtypes}})',
            },
          ],
        },
        {
          kind: 'table',
          title: 'DNS Response Table',
          w: 12,
          targets: [
            {
              expr: `sum by (query, qtypes, rcode) (increase(${sel(R, CLIENT_R)}[$__range]))`,
              instant: true,
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Top Pods with DNS Errors',
          unit: 'req/min',
          legendCalcs: ['max', 'lastNotNull'],
          w: 24,
          targets: [
            {
              expr: `topk(10, ${sumRate(R, `${CLIENT_R}, rcode!="No Error"`, 'destination')} * 60)`,
              legend: '{{destination}}',
            },
          ],
        },
      ],
    },
    { title: 'DNS Latency (for $workload)', panels: latencyPanels(CLIENT, '') },
  ],
};
