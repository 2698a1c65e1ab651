/**
 * Kubernetes / Networking / Clusters (spec §1), panel for panel. Flow records carry neither
 * byte nor packet counters, so the bytes/packets panels plot flow events per second (one Hubble
 * trace event per observed packet); NIC and socket counters have no flow equivalent and say so.
 */
import type { Flow } from '../../../flow/types';
import type { FlowsResponse } from '../../../server/http/contract';
import { reducePoints } from '../series';
import {
  aggAt,
  aggQuery,
  podLabel,
  maxMin,
  sumTimeseries,
  summed,
  textPanel,
  timeseries,
  unavailable,
} from './panels';
import type { ComputeContext, DashboardDef, PanelDef, QueryResult } from './types';

const BYTES_NOTE = 'Flow records carry no byte or packet counts: this panel counts flow events per second.';
const FWD = '--verdict FORWARDED';
const DROP = '--verdict DROPPED';

/** The cluster name of a flow (endpoint field, else the Cilium policy label). */
export function clusterOf(f: Flow | undefined): string | undefined {
  for (const ep of [f?.source, f?.destination]) {
    if (ep?.cluster_name) return ep.cluster_name;
    const l = ep?.labels?.find((x) => x.startsWith('k8s:io.cilium.k8s.policy.cluster='));
    if (l) return l.slice(l.indexOf('=') + 1);
  }
  return undefined;
}

function clusterNames(res: QueryResult): string[] {
  const names = new Set<string>();
  for (const ev of (res as FlowsResponse).flows ?? []) {
    const c = clusterOf(ev.flow);
    if (c) names.add(c);
  }
  return names.size ? [...names].sort() : ['default'];
}

/** "Current … by Cluster" tables: one row per cluster seen, with the current rate. */
function currentByCluster(id: string, title: string, filter: string): PanelDef {
  return {
    id,
    title,
    kind: 'table',
    unit: 'flows/s',
    note: BYTES_NOTE,
    span: 6,
    queries: [{ kind: 'flows', limit: 50, scoped: false, unwindowed: true }, aggQuery(['verdict'], { filter })],
    compute: (res, ctx: ComputeContext) => {
      const names = clusterNames(res[0]);
      const s = summed([res[1]], ctx, title);
      const cur = reducePoints(s.points, 'last', { now: ctx.now, step: ctx.step }) ?? 0;
      // One server holds one cluster; with several, the API cannot split the rate (no cluster dimension).
      const value = names.length === 1 ? cur.toFixed(2) : '—';
      return { type: 'table', columns: ['Cluster', 'Current (flows/s)'], rows: names.map((n) => ({ cells: [n, value], key: [] })) };
    },
    drill: { groupBy: [], filter },
  };
}

/** "… by Cluster" time series, named after the cluster. */
function byCluster(id: string, title: string, filter: string): PanelDef {
  return {
    id,
    title,
    kind: 'timeseries',
    unit: 'flows/s',
    note: BYTES_NOTE,
    span: 6,
    queries: [{ kind: 'flows', limit: 50, scoped: false, unwindowed: true }, aggQuery(['verdict'], { filter })],
    compute: (res, ctx) => ({ type: 'series', series: [summed([res[1]], ctx, clusterNames(res[0]).join(', '))] }),
    drill: { groupBy: [], filter },
  };
}

const direction = (d: 'egress' | 'ingress', verdict: string): string => `${verdict} --traffic-direction ${d}`;

/** Drops without a traffic direction; drawn as a zero line when every drop has one. */
function droppedUnknown(): PanelDef {
  const unknown = (k: string[]) => k[0] === '' || k[0] === 'TRAFFIC_DIRECTION_UNKNOWN';
  return {
    ...timeseries('clusters-dropped-unknown', 'Packets Dropped - Unknown', ['traffic_direction'], { filter: DROP, span: 4 }),
    compute: (res, ctx) => {
      const s = summed([{ ...aggAt(res), groups: aggAt(res).groups.filter((g) => unknown(g.key)) }], ctx, 'unknown');
      return { type: 'series', series: [s] };
    },
  };
}

const NIC = 'NIC driver counters (Retina node metrics, non-Cilium only) are not part of flow records.';

export const clustersDashboard: DashboardDef = {
  id: 'clusters',
  path: '/dashboards/clusters',
  title: 'Clusters',
  upstream: 'Kubernetes / Networking / Clusters',
  variables: ['node'],
  notes: [BYTES_NOTE],
  rows: [
    {
      title: '',
      panels: [
        textPanel(
          'clusters-intro',
          'This dashboard visualises network observability data from Linux and Windows clusters, here computed from flow records. Collapse the sections you do not need.',
        ),
      ],
    },
    {
      title: 'Fleet View',
      panels: [
        currentByCluster('clusters-current-traffic', 'Current Traffic by Cluster', FWD),
        byCluster('clusters-bytes-forwarded', 'Bytes Forwarded by Cluster', FWD),
        currentByCluster('clusters-current-dropped', 'Current Dropped Traffic by Cluster', DROP),
        byCluster('clusters-bytes-dropped', 'Bytes Dropped by Cluster', DROP),
        byCluster('clusters-packets-dropped', 'Packets Dropped By Cluster', DROP),
      ],
    },
    {
      title: 'Traffic (on $cluster)',
      panels: [
        ...maxMin('clusters-egress-bytes', 'Egress Bytes', { filter: direction('egress', FWD), note: BYTES_NOTE }),
        ...maxMin('clusters-egress-packets', 'Egress Packets', { filter: direction('egress', FWD) }),
        ...maxMin('clusters-ingress-bytes', 'Ingress Bytes', { filter: direction('ingress', FWD), note: BYTES_NOTE }),
        ...maxMin('clusters-ingress-packets', 'Ingress Packets', { filter: direction('ingress', FWD) }),
        sumTimeseries('clusters-egress-bytes-ts', 'Egress Bytes', 'egress', { filter: direction('egress', FWD), note: BYTES_NOTE }),
        sumTimeseries('clusters-egress-packets-ts', 'Egress Packets', 'egress', { filter: direction('egress', FWD) }),
        sumTimeseries('clusters-ingress-bytes-ts', 'Ingress Bytes', 'ingress', { filter: direction('ingress', FWD), note: BYTES_NOTE }),
        sumTimeseries('clusters-ingress-packets-ts', 'Ingress Packets', 'ingress', { filter: direction('ingress', FWD) }),
      ],
    },
    {
      title: 'Drops (on $cluster)',
      panels: [
        sumTimeseries('clusters-dropped-egress', 'Packets Dropped - Egress', 'egress', { filter: direction('egress', DROP), span: 4 }),
        sumTimeseries('clusters-dropped-ingress', 'Packets Dropped - Ingress', 'ingress', { filter: direction('ingress', DROP), span: 4 }),
        droppedUnknown(),
        timeseries('clusters-bytes-dropped-reason', 'Bytes Dropped by Reason', ['drop_reason'], { filter: DROP, note: BYTES_NOTE }),
        timeseries('clusters-packets-dropped-reason', 'Packets Dropped by Reason', ['drop_reason'], { filter: DROP }),
        timeseries('clusters-bytes-dropped-node', 'Bytes Dropped by Node', ['node'], { filter: DROP, note: BYTES_NOTE }),
        timeseries('clusters-packets-dropped-node', 'Packets Dropped by Node', ['node'], { filter: DROP }),
      ],
    },
    {
      title: 'Connections (on $cluster)',
      collapsed: true,
      panels: [
        timeseries('clusters-tcp-by-state', 'TCP Active Connections by State', ['tcp_flag'], {
          filter: '--protocol tcp',
          note: 'Approximated by TCP flows per flag combination (SYN, SYN-ACK, FIN, RST); socket states are not in flow records.',
        }),
        timeseries('clusters-tcp-by-remote', 'TCP Active Connections by Remote Addr', ['destination_namespace', 'destination_pod'], {
          filter: '--protocol tcp',
          label: podLabel,
          note: 'Approximated by TCP flows per destination.',
        }),
        unavailable('clusters-tcp-timeouts', 'TCP Connection Timeouts', 'Kernel TCP timeout counters (non-Cilium only) are not part of flow records.', 4),
        sumTimeseries('clusters-tcp-resets', 'TCP Connection Resets', 'RST', { filter: '--tcp-flags RST', span: 4 }),
        unavailable('clusters-tcp-reorders', 'TCP Connection Reorders', 'Kernel TCP reorder counters (non-Cilium only) are not part of flow records.', 4),
        sumTimeseries('clusters-win-tcp', 'Windows TCP Packets', 'TCP', { filter: '--protocol tcp', span: 4, note: 'All nodes (flows do not say the node OS).' }),
        sumTimeseries('clusters-win-rst', 'Windows TCP RST Packets', 'RST', { filter: '--tcp-flags RST', span: 4 }),
        sumTimeseries('clusters-win-synack', 'Windows TCP SYN-ACK Packets', 'SYN-ACK', { filter: '--tcp-flags SYN,ACK', span: 4 }),
        sumTimeseries('clusters-udp', 'UDP Connections', 'UDP', { filter: '--protocol udp', note: 'UDP flows per second.' }),
      ],
    },
    {
      title: 'Interfaces/Nodes (on $cluster)',
      collapsed: true,
      panels: [
        timeseries('clusters-rx-by-if', 'RX Packets by Interface', ['node'], { filter: '--traffic-direction ingress', note: 'Per node (flows carry no interface for most events).' }),
        timeseries('clusters-tx-by-if', 'TX Packets by Interface', ['node'], { filter: '--traffic-direction egress', note: 'Per node.' }),
        unavailable('clusters-rx-cache-full', 'Rx Cache Full error', NIC),
        unavailable('clusters-tx-no-op', 'Tx No Op Errors', NIC),
        timeseries('clusters-dropped-rx', 'Dropped Rx Packets', ['node'], { filter: direction('ingress', DROP) }),
        timeseries('clusters-dropped-tx', 'Dropped Tx Packets', ['node'], { filter: direction('egress', DROP) }),
        unavailable('clusters-rx-comp-full', 'Rx Comp Full Errors', NIC),
        unavailable('clusters-tx-send-full', 'Tx Send Full Errors', NIC),
      ],
    },
  ],
};

