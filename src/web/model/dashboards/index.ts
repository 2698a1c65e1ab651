/**
 * The eight ACNS dashboards in the order of the navigation, and lookups over them.
 */
import { clustersDashboard } from './clusters';
import { dnsClusterDashboard, dnsWorkloadDashboard } from './dns';
import { dropsWorkloadDashboard } from './drops';
import { l7NamespaceDashboard, l7WorkloadDashboard } from './l7';
import { podFlowsNamespaceDashboard, podFlowsWorkloadDashboard } from './pod-flows';
import type { DashboardDef, PanelDef } from './types';

export type * from './types';
export { hasData } from './types';

/** All dashboards, in route order. */
export const DASHBOARDS: readonly DashboardDef[] = [
  clustersDashboard,
  dnsClusterDashboard,
  dnsWorkloadDashboard,
  dropsWorkloadDashboard,
  podFlowsNamespaceDashboard,
  podFlowsWorkloadDashboard,
  l7NamespaceDashboard,
  l7WorkloadDashboard,
];

/** The dashboard with this id (the last path segment). */
export function dashboardById(id: string): DashboardDef | undefined {
  return DASHBOARDS.find((d) => d.id === id);
}

/** Every panel of a dashboard in order. */
export function panelsOf(d: DashboardDef): PanelDef[] {
  return d.rows.flatMap((r) => r.panels);
}

/** Replaces `$namespace`, `$workload`, `$cluster` in a title. */
export function expandTitle(title: string, vars: { namespace?: string; workload?: string; cluster?: string }): string {
  return title
    .replace(/\$namespace/g, vars.namespace || 'all namespaces')
    .replace(/\$workload/g, vars.workload || 'all workloads')
    .replace(/\$cluster/g, vars.cluster || 'this cluster');
}
