import { describe, expect, it } from 'vitest';
import type { AggregateResponse, Dimension, FlowsResponse } from '../../../server/http/contract';
import type { FlowEvent } from '../../../flow/types';
import { bucketAxis } from '../series';
import { DASHBOARDS, dashboardById, expandTitle, hasData, panelsOf } from './index';
import type { ComputeContext, PanelQuery } from './types';

/** Panel titles in upstream order (spec §1, §2, §5, §6), untitled stats by their legend. */
const SPEC_ORDER: Record<string, string[]> = {
  clusters: [
    '',
    'Current Traffic by Cluster',
    'Bytes Forwarded by Cluster',
    'Current Dropped Traffic by Cluster',
    'Bytes Dropped by Cluster',
    'Packets Dropped By Cluster',
    'Max Egress Bytes',
    'Min Egress Bytes',
    'Max Egress Packets',
    'Min Egress Packets',
    'Max Ingress Bytes',
    'Min Ingress Bytes',
    'Max Ingress Packets',
    'Min Ingress Packets',
    'Egress Bytes',
    'Egress Packets',
    'Ingress Bytes',
    'Ingress Packets',
    'Packets Dropped - Egress',
    'Packets Dropped - Ingress',
    'Packets Dropped - Unknown',
    'Bytes Dropped by Reason',
    'Packets Dropped by Reason',
    'Bytes Dropped by Node',
    'Packets Dropped by Node',
    'TCP Active Connections by State',
    'TCP Active Connections by Remote Addr',
    'TCP Connection Timeouts',
    'TCP Connection Resets',
    'TCP Connection Reorders',
    'Windows TCP Packets',
    'Windows TCP RST Packets',
    'Windows TCP SYN-ACK Packets',
    'UDP Connections',
    'RX Packets by Interface',
    'TX Packets by Interface',
    'Rx Cache Full error',
    'Tx No Op Errors',
    'Dropped Rx Packets',
    'Dropped Tx Packets',
    'Rx Comp Full Errors',
    'Tx Send Full Errors',
  ],
  'dns-cluster': [
    'DNS Requests and Responses',
    'DNS Errors',
    'DNS Errors by Node',
    'DNS Response IPs Returned',
    'DNS Missing Response by Query Type',
    'Top DNS Queries (Requests)',
    'Top DNS Queries (Responses)',
    'DNS Response Table',
    'Top Pods with DNS Errors',
    'Pods with the Most Requests',
  ],
};

const snapshot = (scope: 'Outgoing' | 'Incoming', what: 'Traffic' | 'Drops') => [
  `Pods with ${scope} ${what} (past 10 minutes)`,
  `Max ${scope} ${what}`,
  `Min ${scope} ${what}`,
];
const flag = (f: 'RST' | 'FIN') => [
  `Pods with Outgoing ${f} (past 10 minutes)`,
  `Max Outgoing ${f} Packets`,
  f === 'FIN' ? 'MIN Outgoing FIN' : 'Min Outgoing RST',
  `Pods with Incoming ${f} (past 10 minutes)`,
  `Max Incoming ${f} Packets`,
  `Min Incoming ${f}`,
  `Heatmap of Outgoing TCP ${f} by Top Source Pods`,
  `Heatmap of Incoming TCP ${f} by Top Destination Pods`,
  `Stacked (Total) Outgoing TCP ${f} by Source Pod`,
  `Stacked (Total) Incoming TCP ${f} by Destination Pod`,
];
const podFlows = [
  ...snapshot('Outgoing', 'Traffic'),
  ...snapshot('Incoming', 'Traffic'),
  ...snapshot('Outgoing', 'Drops'),
  ...snapshot('Incoming', 'Drops'),
  'Outgoing Traffic by Trace Type',
  'Incoming Traffic by Trace Type',
  'Outgoing Traffic by Verdict',
  'Incoming Traffic by Verdict',
  'Heatmap of Outgoing Traffic for Top Source Pods',
  'Heatmap of Incoming Traffic for Top Destination Pods',
  'Stacked (Total) Outgoing Traffic by Source Pod',
  'Stacked (Total) Incoming Traffic by Destination Pod',
  'Heatmap of Outgoing Drops for Top Source Pods',
  'Heatmap of Incoming Drops for Top Destination Pods',
  'Stacked (Total) Outgoing Drops by Source Pod',
  'Stacked (Total) Incoming Drops by Destination Pod',
  'Pods Missing SYN-ACKs (past 10 minutes)',
  'Max Packets Missing SYN-ACKs',
  'Min Packets Missing SYN-ACKs',
  'Heatmap of Missing TCP SYN-ACKs by Top Source Pods',
  'Stacked (Total) Missing TCP SYN-ACKs by Source Pod',
  ...flag('RST'),
  ...flag('FIN'),
];
SPEC_ORDER['pod-flows-workload'] = podFlows;
SPEC_ORDER['pod-flows-namespace'] = [
  'Top Source Namespaces (Outgoing Traffic)',
  'Top Destination Namespaces (Incoming Traffic)',
  'Top Namespaces with Outgoing Drops',
  'Top Namespaces with Incoming Drops',
  ...podFlows,
];

describe('dashboard definitions', () => {
  it('has the eight dashboards at their stable routes', () => {
    expect(DASHBOARDS.map((d) => d.path)).toEqual([
      '/dashboards/clusters',
      '/dashboards/dns-cluster',
      '/dashboards/dns-workload',
      '/dashboards/drops-workload',
      '/dashboards/pod-flows-namespace',
      '/dashboards/pod-flows-workload',
      '/dashboards/l7-namespace',
      '/dashboards/l7-workload',
    ]);
    for (const d of DASHBOARDS) expect(dashboardById(d.id)).toBe(d);
  });
  for (const [id, titles] of Object.entries(SPEC_ORDER)) {
    it(`${id}: panel titles in upstream order (flowlens extras last)`, () => {
      const d = dashboardById(id)!;
      const ours = panelsOf(d).filter((p) => !p.extra).map((p) => p.title);
      expect(ours).toEqual(titles);
      const extras = panelsOf(d).map((p) => !!p.extra);
      expect(extras.indexOf(true) === -1 || extras.slice(extras.indexOf(true)).every(Boolean)).toBe(true);
    });
  }
  it('gives every panel a unique id', () => {
    const ids = DASHBOARDS.flatMap((d) => panelsOf(d).map((p) => p.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('has DNS latency panels ACNS lacks', () => {
    const titles = panelsOf(dashboardById('dns-cluster')!).map((p) => p.title);
    expect(titles).toContain('DNS Response Latency');
  });
  it('expands template titles', () => {
    expect(expandTitle('Drops (for $workload) in $namespace', { namespace: 'shop', workload: 'web' })).toBe('Drops (for web) in shop');
  });
});

/** Plausible group keys per dimension, enough to exercise every compute. */
const VALUES: Partial<Record<Dimension, string[]>> = {
  verdict: ['FORWARDED', 'DROPPED'],
  is_reply: ['false', 'true'],
  dns_rcode: ['', '0', '3', '2'],
  dns_qtype: ['A', 'AAAA'],
  dns_query: ['api.shop.svc.cluster.local.', 'example.com.'],
  tcp_flag: ['SYN', 'SYN,ACK', 'RST', 'FIN,ACK'],
  http_status: ['', '200', '404', '503'],
  http_method: ['GET', 'POST'],
  traffic_direction: ['EGRESS', 'INGRESS', 'TRAFFIC_DIRECTION_UNKNOWN'],
  kafka_error: ['0', '3'],
};

function fakeAggregate(q: PanelQuery & { kind: 'aggregate' }, ctx: ComputeContext): AggregateResponse {
  let keys: string[][] = [[]];
  for (const dim of q.groupBy) {
    const vals = VALUES[dim] ?? [`${dim}-1`, `${dim}-2`];
    keys = keys.flatMap((k) => vals.map((v) => [...k, v]));
  }
  const rc = q.groupBy.indexOf('dns_rcode');
  const groups = keys.map((key, i) => {
    // DNS requests (rcode '') outnumber responses now and then, so some go unanswered.
    const boost = rc >= 0 && key[rc] === '' ? 5 : 1;
    const points = ctx.axis.map((t, j): [number, number] => [t, boost * (((i + 1) * (j + 2)) % 7 || 1)]);
    return { key, total: points.reduce((a, [, v]) => a + v, 0), points: q.series ? points : undefined };
  });
  return { groupBy: q.groupBy, measure: q.measure ?? 'flows', groups, coverage: { examined: 1, lost: 0, nodes: [] } };
}

function fakeFlows(ctx: ComputeContext): FlowsResponse {
  const flows: FlowEvent[] = ctx.axis.flatMap((t) => [
    { flow: { time: new Date(t + 1).toISOString(), event_type: { type: 4 }, trace_observation_point: 'TO_STACK', source: { cluster_name: 'c1' } } },
    {
      flow: {
        time: new Date(t + 2).toISOString(),
        event_type: { type: 129 },
        is_reply: true,
        l7: { type: 'RESPONSE', dns: { query: 'api.shop.svc.cluster.local.', ips: ['10.0.0.1'], qtypes: ['A'] } },
      },
    },
  ]);
  return { flows, truncated: false, coverage: { examined: flows.length, lost: 0, nodes: [] } };
}

describe('every panel computes data from plausible answers', () => {
  const now = Date.parse('2026-11-20T09:00:00Z');
  const ctx: ComputeContext = {
    from: now - 1_800_000,
    to: now,
    now,
    step: 15,
    axis: bucketAxis(now - 1_800_000, now, 15),
    seconds: 1800,
    vars: { namespace: 'shop' },
  };
  for (const d of DASHBOARDS) {
    it(d.id, () => {
      for (const p of panelsOf(d)) {
        const answers = p.queries.map((q) => (q.kind === 'aggregate' ? fakeAggregate(q, ctx) : fakeFlows(ctx)));
        const data = p.compute(answers, ctx);
        if (p.kind === 'unavailable') {
          expect(data.type, p.id).toBe('unavailable');
          continue;
        }
        expect(hasData(data), `${p.id} ${p.title}`).toBe(true);
        const want = { stat: 'stat', timeseries: 'series', stacked: 'series', heatmap: 'heatmap', table: 'table', bargauge: 'bars', text: 'text' }[p.kind];
        expect(data.type, p.id).toBe(want);
      }
    });
  }
  it('DNS errors keep only non-success rcodes, labelled like ACNS', () => {
    const p = panelsOf(dashboardById('dns-cluster')!).find((x) => x.id === 'dnsc-errors')!;
    const data = p.compute([fakeAggregate(p.queries[0] as PanelQuery & { kind: 'aggregate' }, ctx)], ctx);
    expect(data.type === 'series' && data.series.map((s) => s.name).sort()).toEqual([
      'Non-Existent Domain (A)',
      'Non-Existent Domain (AAAA)',
      'Server Failure (A)',
      'Server Failure (AAAA)',
    ]);
  });
  it('the cluster table names the cluster from flow labels', () => {
    const p = panelsOf(dashboardById('clusters')!).find((x) => x.id === 'clusters-current-traffic')!;
    const data = p.compute([fakeFlows(ctx), fakeAggregate(p.queries[1] as PanelQuery & { kind: 'aggregate' }, ctx)], ctx);
    expect(data.type === 'table' && data.rows[0].cells[0]).toBe('c1');
  });
});
