/**
 * Kubernetes / Networking / DNS (Cluster) (spec §2) and DNS (Workload) (spec §3), plus DNS
 * latency panels that ACNS lacks (Hubble and Retina export no DNS latency; flows carry it).
 */
import type { FlowsResponse } from '../../../server/http/contract';
import { isDnsError, missingPercent, rcodeName } from '../dns';
import { aggregateFlows, maskBefore, sampleSpan } from '../flow-aggregate';
import { onAxis, reducePoints, seriesOf, type Series } from '../series';
import { aggAt, aggQuery, podLabel, timeseries } from './panels';
import type { ComputeContext, DashboardDef, PanelDef, QueryResult } from './types';

const DNS = '--protocol dns';

/** Responses carry an rcode (the store keys requests with ''): keeps one kind, drops the rcode. */
const keepResponses =
  (want: boolean, n: number) =>
  (k: string[]): string[] | null =>
    isResponseKey(k[n]) === want ? k.slice(0, n) : null;

const isResponseKey = (rcode: string): boolean => rcode !== '';

/** Requests, responses and the missing-response share (second axis) from groupBy [dns_rcode]. */
function requestsResponses(res: QueryResult[], ctx: ComputeContext): { req: Series; resp: Series; missing: Series } {
  const pick = (want: boolean): Series => {
    const s = seriesOf(aggAt(res).groups, ctx.axis, ctx.step, { regroup: (k) => (isResponseKey(k[0]) === want ? [] : null) });
    return s[0] ?? { name: '', key: [], points: ctx.axis.map((t) => [t, 0]) };
  };
  const req = { ...pick(false), name: 'Requests', key: [] };
  const resp = { ...pick(true), name: 'Responses', key: [] };
  const missing: Series = {
    name: 'Requests missing Response (%)',
    key: [],
    points: req.points.map(([t, v], i) => [t, missingPercent(v, resp.points[i][1])]),
  };
  return { req, resp, missing };
}

function requestsAndResponses(id: string): PanelDef {
  return {
    id,
    title: 'DNS Requests and Responses',
    kind: 'timeseries',
    unit: 'r/s',
    span: 12,
    queries: [aggQuery(['dns_rcode'], { filter: DNS, k: 50 })],
    compute: (res, ctx) => {
      const { req, resp, missing } = requestsResponses(res, ctx);
      return { type: 'series', series: [req, resp], secondary: [missing], unit2: '%' };
    },
    drill: { groupBy: [], filter: DNS },
  };
}

const errLabel = (k: string[]): string => `${rcodeName(k[0])}${k[1] ? ` (${k[1]})` : ''}`;

function dnsErrors(id: string, o: { side?: 'source' | 'destination' } = {}): PanelDef {
  return timeseries(id, 'DNS Errors', ['dns_rcode', 'dns_qtype'], {
    filter: DNS,
    unit: 'resp/s',
    k: 50,
    side: o.side,
    regroup: (k) => (isDnsError(k[0]) ? k : null),
    label: errLabel,
  });
}

/** Successful responses per number of IPs in the answer, from a flow sample. */
function ipsReturned(id: string): PanelDef {
  return {
    id,
    title: 'DNS Response IPs Returned',
    kind: 'timeseries',
    unit: 'resp/s',
    note: 'The aggregate API has no "number of IPs" dimension: counted from the newest 500 DNS flows of the range.',
    span: 6,
    queries: [{ kind: 'flows', filter: DNS, limit: 500 }],
    compute: (res, ctx) => {
      const sample = res[0] as FlowsResponse;
      const oldest = sample.truncated ? sampleSpan(sample.flows ?? [])?.[0] : undefined;
      const groups = aggregateFlows(sample.flows ?? [], ctx.step, (f) => {
        const d = f.l7?.dns;
        if (!d || f.l7?.type !== 'RESPONSE' || isDnsError(String(d.rcode ?? 0))) return null;
        return [String(d.ips?.length ?? 0)];
      });
      const series = seriesOf(groups, ctx.axis, ctx.step, { label: (k) => `${k[0]} IPs` }).map((s) => ({
        ...s,
        points: maskBefore(s.points, oldest, ctx.step),
      }));
      return { type: 'series', series };
    },
    drill: { groupBy: [], filter: DNS },
  };
}

function missingByQtype(id: string): PanelDef {
  return {
    id,
    title: 'DNS Missing Response by Query Type',
    kind: 'timeseries',
    unit: 'percent',
    span: 6,
    queries: [aggQuery(['dns_qtype', 'dns_rcode'], { filter: DNS, k: 100 })],
    compute: (res, ctx) => {
      const byType = new Map<string, { req?: [number, number][]; resp?: [number, number][] }>();
      for (const g of aggAt(res).groups) {
        const kind = isResponseKey(g.key[1]) ? 'resp' : 'req';
        const e = byType.get(g.key[0]) ?? {};
        const pts = onAxis(g.points, ctx.axis, ctx.step);
        const prev = e[kind];
        e[kind] = prev ? prev.map(([t, v], i): [number, number] => [t, v + pts[i][1]]) : pts;
        byType.set(g.key[0], e);
      }
      const series: Series[] = [];
      for (const [qt, e] of byType) {
        if (!e.req) continue;
        const pts = e.req.map(([t, v], i): [number, number] => [t, missingPercent(v, e.resp?.[i][1] ?? 0)]);
        if (pts.some(([, v]) => v > 0)) series.push({ name: qt || '(none)', key: [qt], points: pts });
      }
      return { type: 'series', series };
    },
    drill: { groupBy: ['dns_qtype'], filter: DNS },
  };
}

function topQueries(id: string, title: string, responses: boolean, side?: 'source' | 'destination'): PanelDef {
  return timeseries(id, title, ['dns_query', 'dns_qtype', 'dns_rcode'], {
    filter: DNS,
    side,
    unit: responses ? 'resp/min' : 'req/min',
    perMinute: true,
    k: 200,
    regroup: keepResponses(responses, 2),
    label: (k) => `${k[0]} (${k[1]})`,
    drillBy: ['dns_query', 'dns_qtype'],
  });
}

/** The response table: query, type, returned IPs (from a sample), return code, responses/min. */
function responseTable(id: string, workload: boolean): PanelDef {
  return {
    id,
    title: 'DNS Response Table',
    kind: 'table',
    span: 12,
    note: 'Returned IPs come from the newest 500 DNS flows of the range.',
    queries: [
      aggQuery(['dns_query', 'dns_qtype', 'dns_rcode'], { filter: DNS, series: false, k: 300 }),
      { kind: 'flows', filter: DNS, limit: 500 },
    ],
    compute: (res, ctx) => {
      const ips = new Map<string, Set<string>>();
      for (const ev of (res[1] as FlowsResponse).flows ?? []) {
        const d = ev.flow?.l7?.dns;
        if (!d?.query) continue;
        const set = ips.get(d.query) ?? new Set<string>();
        for (const ip of d.ips ?? []) if (set.size < 8) set.add(ip);
        ips.set(d.query, set);
      }
      const rows = aggAt(res)
        .groups.filter((g) => isResponseKey(g.key[2]))
        .map((g) => {
          const perMin = ((g.total / ctx.seconds) * 60).toFixed(2);
          const resp = [...(ips.get(g.key[0]) ?? [])].join(', ');
          const rc = rcodeName(g.key[2]);
          const cells = workload ? [g.key[0], g.key[1], rc, perMin] : [g.key[0], g.key[1], resp, rc, perMin];
          return { cells, key: [g.key[0], g.key[1]] };
        });
      const columns = workload
        ? ['Query', 'Type', 'Return Code', 'Responses/min']
        : ['Query', 'Type', 'Response', 'Return Code', 'Responses/min'];
      return { type: 'table', columns, rows };
    },
    drill: { groupBy: ['dns_query', 'dns_qtype'], filter: DNS },
  };
}

function topPodsErrors(id: string): PanelDef {
  return timeseries(id, 'Top Pods with DNS Errors', ['destination_namespace', 'destination_pod', 'dns_rcode'], {
    filter: DNS,
    unit: 'resp/min',
    perMinute: true,
    k: 300,
    regroup: (k) => (isDnsError(k[2]) ? [k[0], k[1]] : null),
    label: podLabel,
    drillBy: ['destination_namespace', 'destination_pod'],
    description: 'Pods receiving non-success DNS responses (the response goes to the asking pod).',
  });
}

/** flowlens extras: mean and p95 DNS latency, and p95 per query. */
function latencyPanels(prefix: string): PanelDef[] {
  return [
    {
      id: `${prefix}-latency`,
      title: 'DNS Response Latency',
      kind: 'timeseries',
      unit: 'ms',
      span: 6,
      extra: true,
      queries: [
        aggQuery(['l7_protocol'], { filter: DNS, measure: 'latency_mean_ms' }),
        aggQuery(['l7_protocol'], { filter: DNS, measure: 'latency_p95_ms' }),
      ],
      compute: (res, ctx) => {
        const pick = (i: number, name: string): Series => ({
          name,
          key: [],
          points: onAxis(aggAt(res, i).groups[0]?.points, ctx.axis, ctx.step, { raw: true }),
        });
        return { type: 'series', series: [pick(0, 'mean'), pick(1, 'p95')] };
      },
      drill: { groupBy: [], filter: DNS },
    },
    timeseries(`${prefix}-latency-by-query`, 'DNS Latency by Query (p95)', ['dns_query'], {
      filter: DNS,
      unit: 'ms',
      measure: 'latency_p95_ms',
      k: 10,
      extra: true,
    }),
  ];
}

export const dnsClusterDashboard: DashboardDef = {
  id: 'dns-cluster',
  path: '/dashboards/dns-cluster',
  title: 'DNS (Cluster)',
  upstream: 'Kubernetes / Networking / DNS (Cluster)',
  variables: ['node'],
  rows: [
    {
      title: 'Cluster Snapshot',
      panels: [
        requestsAndResponses('dnsc-req-resp'),
        dnsErrors('dnsc-errors'),
        timeseries('dnsc-errors-by-node', 'DNS Errors by Node', ['node', 'dns_rcode'], {
          filter: DNS,
          unit: 'resp/s',
          k: 100,
          regroup: (k) => (isDnsError(k[1]) ? [k[0]] : null),
          drillBy: ['node'],
        }),
      ],
    },
    {
      title: 'Cluster-Level',
      panels: [
        ipsReturned('dnsc-ips-returned'),
        missingByQtype('dnsc-missing-by-qtype'),
        topQueries('dnsc-top-queries-req', 'Top DNS Queries (Requests)', false),
        topQueries('dnsc-top-queries-resp', 'Top DNS Queries (Responses)', true),
        responseTable('dnsc-response-table', false),
      ],
    },
    {
      title: 'Top Pods (all namespaces)',
      panels: [
        topPodsErrors('dnsc-top-pods-errors'),
        timeseries('dnsc-pods-most-requests', 'Pods with the Most Requests', ['source_namespace', 'source_pod', 'dns_rcode'], {
          filter: DNS,
          unit: 'req/min',
          perMinute: true,
          k: 300,
          regroup: keepResponses(false, 2),
          label: podLabel,
          drillBy: ['source_namespace', 'source_pod'],
        }),
      ],
    },
    { title: 'DNS Latency (flowlens)', panels: latencyPanels('dnsc') },
  ],
};

/** Workload snapshot stats: mean request/response rates, missing %, error rate. */
function snapshotStat(id: string, title: string, which: 'req' | 'resp' | 'missing' | 'errors'): PanelDef {
  return {
    id,
    title,
    kind: 'stat',
    unit: which === 'missing' ? 'percent' : 'r/s',
    span: 3,
    queries: [aggQuery(['dns_rcode'], { filter: DNS, k: 50 })],
    compute: (res, ctx) => {
      if (which === 'errors') {
        const s = seriesOf(aggAt(res).groups, ctx.axis, ctx.step, {
          regroup: (k) => (isDnsError(k[0]) ? [] : null),
        });
        const pts = s[0]?.points ?? ctx.axis.map((t): [number, number] => [t, 0]);
        return { type: 'stat', value: reducePoints(pts, 'mean'), spark: pts };
      }
      const { req, resp, missing } = requestsResponses(res, ctx);
      const s = which === 'req' ? req : which === 'resp' ? resp : missing;
      const value =
        which === 'missing'
          ? missingPercent(reducePoints(req.points, 'mean') ?? 0, reducePoints(resp.points, 'mean') ?? 0)
          : reducePoints(s.points, 'mean');
      return { type: 'stat', value, spark: s.points };
    },
    drill: { groupBy: [], filter: DNS },
  };
}

export const dnsWorkloadDashboard: DashboardDef = {
  id: 'dns-workload',
  path: '/dashboards/dns-workload',
  title: 'DNS (Workload)',
  upstream: 'Kubernetes / Networking / DNS (Workload)',
  variables: ['node', 'namespace', 'workload'],
  pick: { filter: DNS, prefer: 'coredns' },
  rows: [
    {
      title: 'Workload Snapshot',
      panels: [
        snapshotStat('dnsw-snap-requests', 'Requests', 'req'),
        snapshotStat('dnsw-snap-responses', 'Responses', 'resp'),
        snapshotStat('dnsw-snap-missing', 'Requests Missing Response %', 'missing'),
        snapshotStat('dnsw-snap-errors', 'Error Responses', 'errors'),
      ],
    },
    {
      title: 'DNS (for $workload)',
      panels: [
        timeseries('dnsw-requests', 'DNS Requests', ['dns_qtype', 'dns_rcode'], {
          filter: DNS,
          unit: 'req/s',
          k: 100,
          regroup: keepResponses(false, 1),
          drillBy: ['dns_qtype'],
        }),
        timeseries('dnsw-responses', 'DNS Responses', ['dns_qtype', 'dns_rcode'], {
          filter: DNS,
          unit: 'resp/s',
          k: 100,
          regroup: keepResponses(true, 1),
          drillBy: ['dns_qtype'],
        }),
        dnsErrors('dnsw-errors'),
        ipsReturned('dnsw-ips-returned'),
        topQueries('dnsw-top-queries-req', 'Top DNS Queries (Requests)', false),
        responseTable('dnsw-response-table', true),
        topPodsErrors('dnsw-top-pods-errors'),
      ],
    },
    { title: 'DNS Latency (flowlens)', panels: latencyPanels('dnsw') },
  ],
};

