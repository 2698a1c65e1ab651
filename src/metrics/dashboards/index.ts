/**
 * The eight ACNS dashboards as Grafana JSON, generated from the specs in this folder. The
 * repository's dashboards/*.json are this output (a test keeps them in sync), and
 * `flowlens dashboards export DIR` writes it.
 */
import { clustersDashboard } from './clusters.js';
import { dnsClusterDashboard, dnsWorkloadDashboard } from './dns.js';
import { buildDashboard, type DashboardSpec } from './grafana.js';
import { l7NamespaceDashboard, l7WorkloadDashboard } from './l7.js';
import {
  dropsWorkloadDashboard,
  podFlowsNamespaceDashboard,
  podFlowsWorkloadDashboard,
} from './pod-flows.js';

export {
  buildDashboard,
  dashboardQueries,
  type DashboardSpec,
  type PanelSpec,
  type RowSpec,
  type VariableSpec,
} from './grafana.js';

/** File name (without `.json`) and spec of each shipped dashboard, in ACNS order. */
export const DASHBOARDS: readonly { file: string; spec: DashboardSpec }[] = [
  { file: 'clusters', spec: clustersDashboard },
  { file: 'dns-cluster', spec: dnsClusterDashboard },
  { file: 'dns-workload', spec: dnsWorkloadDashboard },
  { file: 'drops-workload', spec: dropsWorkloadDashboard },
  { file: 'pod-flows-namespace', spec: podFlowsNamespaceDashboard },
  { file: 'pod-flows-workload', spec: podFlowsWorkloadDashboard },
  { file: 'l7-namespace', spec: l7NamespaceDashboard },
  { file: 'l7-workload', spec: l7WorkloadDashboard },
];

/** Each dashboard's file name and JSON text (2-space indented, trailing newline). */
export function renderDashboards(): { file: string; title: string; json: string }[] {
  return DASHBOARDS.map((d) => ({
    file: `${d.file}.json`,
    title: d.spec.title,
    json: JSON.stringify(buildDashboard(d.spec), null, 2) + '\n',
  }));
}
