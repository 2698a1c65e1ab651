/**
 * Kubernetes / Networking / Clusters: node-level traffic, drops, connections and NIC health
 * (acns-dashboards.md §1), on Retina's `networkobservability_*` families.
 */
import { clusterVar, DATASOURCE, nodesVar, type DashboardSpec, type PanelSpec } from './grafana.js';
import { SEL, sumRate } from './promql.js';

const N = 'networkobservability_';

function stat(
  title: string,
  legend: string,
  metric: string,
  direction: string,
  reduce: 'max' | 'min',
  unit: string,
): PanelSpec {
  return {
    kind: 'stat',
    title,
    unit,
    reduce,
    w: 3,
    targets: [{ expr: sumRate(N + metric, `direction="${direction}"`), legend }],
  };
}

function nic(title: string, names: string, unit: string, description?: string): PanelSpec {
  return {
    kind: 'timeseries',
    title,
    unit,
    description,
    targets: [
      {
        expr: sumRate(N + 'interface_stats', `statistic_name=~"${names}"`, 'instance'),
        legend: '{{instance}}',
      },
    ],
  };
}

const STANDIN = (driver: string, generic: string) =>
  `NIC driver counter ${driver} where the agent can read driver statistics (Retina reads ethtool); flowlens's /proc collector reports the kernel's generic ${generic} instead.`;

/** The Clusters dashboard. */
export const clustersDashboard: DashboardSpec = {
  uid: 'flowlens-acns-clusters',
  title: 'Kubernetes / Networking / Clusters',
  description:
    'Node-level traffic, drops, connections and NIC health (Retina networkobservability_* metrics)',
  variables: [DATASOURCE, clusterVar(), nodesVar()],
  header: [
    {
      kind: 'text',
      title: '',
      content:
        'This dashboard visualises Network Observability metrics (`networkobservability_*`) from Linux and Windows nodes. Collapse the sections you do not need. Node-level figures come from flows (forward, drop, TCP flags) and, with `--node-stats`, from /proc on each node (sockets, interfaces).',
    },
  ],
  rows: [
    {
      title: 'Fleet View',
      panels: [
        {
          kind: 'table',
          title: 'Current Traffic by Cluster',
          unit: 'Bps',
          w: 12,
          targets: [{ expr: `sum by (cluster) (rate(${N}forward_bytes[$__rate_interval]))`, instant: true }],
        },
        {
          kind: 'timeseries',
          title: 'Bytes Forwarded by Cluster',
          unit: 'bps',
          targets: [
            {
              expr: `sum by (cluster) (rate(${N}forward_bytes[$__rate_interval])) * 8`,
              legend: '{{cluster}}',
            },
          ],
        },
        {
          kind: 'table',
          title: 'Current Dropped Traffic by Cluster',
          unit: 'Bps',
          w: 12,
          targets: [{ expr: `sum by (cluster) (rate(${N}drop_bytes[$__rate_interval]))`, instant: true }],
        },
        {
          kind: 'timeseries',
          title: 'Bytes Dropped by Cluster',
          unit: 'Bps',
          targets: [
            { expr: `sum by (cluster) (rate(${N}drop_bytes[$__rate_interval]))`, legend: '{{cluster}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Packets Dropped By Cluster',
          unit: 'pps',
          w: 24,
          targets: [
            { expr: `sum by (cluster) (rate(${N}drop_count[$__rate_interval]))`, legend: '{{cluster}}' },
          ],
        },
      ],
    },
    {
      title: 'Traffic (on $cluster)',
      panels: [
        stat('', 'Max Egress Bytes', 'forward_bytes', 'egress', 'max', 'Bps'),
        stat('', 'Min Egress Bytes', 'forward_bytes', 'egress', 'min', 'Bps'),
        stat('', 'Max Egress Packets', 'forward_count', 'egress', 'max', 'pps'),
        stat('', 'Min Egress Packets', 'forward_count', 'egress', 'min', 'pps'),
        stat('', 'Max Ingress Bytes', 'forward_bytes', 'ingress', 'max', 'Bps'),
        stat('', 'Min Ingress Bytes', 'forward_bytes', 'ingress', 'min', 'Bps'),
        stat('', 'Max Ingress Packets', 'forward_count', 'ingress', 'max', 'pps'),
        stat('', 'Min Ingress Packets', 'forward_count', 'ingress', 'min', 'pps'),
        {
          kind: 'timeseries',
          title: 'Egress Bytes',
          unit: 'Bps',
          targets: [{ expr: sumRate(N + 'forward_bytes', 'direction="egress"'), legend: 'egress' }],
        },
        {
          kind: 'timeseries',
          title: 'Egress Packets',
          unit: 'pps',
          targets: [{ expr: sumRate(N + 'forward_count', 'direction="egress"'), legend: 'egress' }],
        },
        {
          kind: 'timeseries',
          title: 'Ingress Bytes',
          unit: 'Bps',
          targets: [{ expr: sumRate(N + 'forward_bytes', 'direction="ingress"'), legend: 'ingress' }],
        },
        {
          kind: 'timeseries',
          title: 'Ingress Packets',
          unit: 'pps',
          targets: [{ expr: sumRate(N + 'forward_count', 'direction="ingress"'), legend: 'ingress' }],
        },
      ],
    },
    {
      title: 'Drops (on $cluster)',
      panels: [
        {
          kind: 'timeseries',
          title: 'Packets Dropped - Egress',
          unit: 'pps',
          w: 8,
          targets: [{ expr: sumRate(N + 'drop_count', 'direction="egress"'), legend: 'egress' }],
        },
        {
          kind: 'timeseries',
          title: 'Packets Dropped - Ingress',
          unit: 'pps',
          w: 8,
          targets: [{ expr: sumRate(N + 'drop_count', 'direction="ingress"'), legend: 'ingress' }],
        },
        {
          kind: 'timeseries',
          title: 'Packets Dropped - Unknown',
          unit: 'pps',
          w: 8,
          description:
            'Drops whose direction is unknown (non-Cilium only). Shows 0 when every drop has a direction.',
          targets: [
            {
              expr: `${sumRate(N + 'drop_count', 'direction="unknown"')} or (0 * sum(${sumRate(N + 'drop_count')}))`,
              legend: 'unknown',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Bytes Dropped by Reason',
          unit: 'Bps',
          description:
            'Dropped bytes per drop reason (Hubble drop reason names when derived from flows; Retina: iptable_rule_drop, tcp_connect_basic, ...). Zero when flows carry no packet size.',
          targets: [{ expr: sumRate(N + 'drop_bytes', '', 'reason'), legend: '{{reason}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Packets Dropped by Reason',
          unit: 'pps',
          description:
            'Dropped packets per reason, plus the NIC rx_dropped / tx_dropped counters as pseudo-reasons.',
          targets: [
            { expr: sumRate(N + 'drop_count', '', 'reason'), legend: '{{reason}}' },
            {
              expr: `label_replace(${sumRate(N + 'interface_stats', 'statistic_name=~"rx_dropped|tx_dropped"', 'statistic_name')}, "reason", "$1", "statistic_name", "(.*)")`,
              legend: '{{reason}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Bytes Dropped by Node',
          unit: 'Bps',
          targets: [{ expr: sumRate(N + 'drop_bytes', '', 'instance'), legend: '{{instance}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Packets Dropped by Node',
          unit: 'pps',
          targets: [{ expr: sumRate(N + 'drop_count', '', 'instance'), legend: '{{instance}}' }],
        },
      ],
    },
    {
      title: 'Connections (on $cluster)',
      collapsed: true,
      panels: [
        {
          kind: 'timeseries',
          title: 'TCP Active Connections by State',
          description: 'Non-Cilium only.',
          targets: [{ expr: `sum by (state) (${N}tcp_state{${SEL}})`, legend: '{{state}}' }],
        },
        {
          kind: 'timeseries',
          title: 'TCP Active Connections by Remote Addr',
          description: 'Non-Cilium only. Current Retina (and flowlens) report one series, address="AllIPs".',
          targets: [
            {
              expr: `sum by (address) (${N}tcp_connection_remote{${SEL}, address!~"127.0.0.1|0.0.0.0"})`,
              legend: '{{address}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'TCP Connection Timeouts',
          w: 8,
          targets: [
            {
              expr: sumRate(N + 'tcp_connection_stats', 'statistic_name=~"(?i)tcptimeouts"', 'instance'),
              legend: '{{instance}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'TCP Connection Resets',
          w: 8,
          description: 'Windows resetcount; Linux EstabResets and OutRsts (/proc/net/snmp).',
          targets: [
            {
              expr: sumRate(
                N + 'tcp_connection_stats',
                'statistic_name=~"(?i)resetcount|estabresets|outrsts"',
                'instance',
              ),
              legend: '{{instance}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'TCP Connection Reorders',
          w: 8,
          targets: [
            {
              expr: sumRate(N + 'tcp_connection_stats', 'statistic_name=~"(?i)tcptsreorder"', 'instance'),
              legend: '{{instance}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Windows TCP Packets',
          unit: 'pps',
          w: 8,
          description:
            'Retina reads these from VFP on Windows; flowlens derives them from forwarded TCP flows on every OS.',
          targets: [{ expr: sumRate(N + 'tcp_flag_counters', '', 'instance'), legend: '{{instance}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Windows TCP RST Packets',
          unit: 'pps',
          w: 8,
          targets: [
            { expr: sumRate(N + 'tcp_flag_counters', 'flag="rst"', 'instance'), legend: '{{instance}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Windows TCP SYN-ACK Packets',
          unit: 'pps',
          w: 8,
          targets: [
            { expr: sumRate(N + 'tcp_flag_counters', 'flag="synack"', 'instance'), legend: '{{instance}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'UDP Connections',
          w: 24,
          targets: [
            {
              expr: `sum by (instance) (${N}udp_connection_stats{${SEL}, statistic_name=~"(?i)active"})`,
              legend: '{{instance}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Interfaces/Nodes (on $cluster)',
      collapsed: true,
      panels: [
        {
          kind: 'timeseries',
          title: 'RX Packets by Interface',
          unit: 'pps',
          targets: [
            {
              expr: sumRate(N + 'interface_stats', 'statistic_name="rx_packets"', 'instance, interface_name'),
              legend: '{{instance}} {{interface_name}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'TX Packets by Interface',
          unit: 'pps',
          targets: [
            {
              expr: sumRate(N + 'interface_stats', 'statistic_name="tx_packets"', 'instance, interface_name'),
              legend: '{{instance}} {{interface_name}}',
            },
          ],
        },
        nic(
          'Rx Cache Full error',
          'rx[0-9]+_cache_full|rx_fifo_errors',
          'none',
          STANDIN('rxN_cache_full', 'rx_fifo_errors (receive ring overruns)'),
        ),
        nic('Tx No Op Errors', 'tx[0-9]+_nop|tx_fifo_errors', 'none', STANDIN('txN_nop', 'tx_fifo_errors')),
        nic('Dropped Rx Packets', 'rx_dropped', 'pps'),
        nic('Dropped Tx Packets', 'tx_dropped', 'pps'),
        nic(
          'Rx Comp Full Errors',
          'rx_comp_full|rx_missed_errors',
          'pps',
          STANDIN('rx_comp_full', 'rx_missed_errors'),
        ),
        nic(
          'Tx Send Full Errors',
          'tx_send_full|tx_aborted_errors',
          'pps',
          STANDIN('tx_send_full', 'tx_aborted_errors'),
        ),
      ],
    },
  ],
};
