/**
 * Kubernetes / Networking / Drops (Workload) (spec §4, partial upstream layout): drops to and
 * from the pods of one workload, by reason and by pod.
 */
import { maxMin, podCount, podHeatmap, stackedByPod, timeseries } from './panels';
import type { DashboardDef } from './types';

const DROP = '--verdict DROPPED';

export const dropsWorkloadDashboard: DashboardDef = {
  id: 'drops-workload',
  path: '/dashboards/drops-workload',
  title: 'Drops (Workload)',
  upstream: 'Kubernetes / Networking / Drops (Workload)',
  variables: ['node', 'namespace', 'workload'],
  pick: { filter: DROP },
  notes: ['Upstream publishes no JSON for this dashboard: panel order follows the Microsoft documentation.'],
  rows: [
    {
      title: 'Workload Snapshot ($workload)',
      panels: [
        podCount('dw-pods-out', 'Pods with Outgoing Drops (past 10 minutes)', 'source', { filter: DROP }),
        ...maxMin('dw-out', 'Outgoing Drops', { filter: DROP, side: 'source' }),
        podCount('dw-pods-in', 'Pods with Incoming Drops (past 10 minutes)', 'destination', { filter: DROP }),
        ...maxMin('dw-in', 'Incoming Drops', { filter: DROP, side: 'destination' }),
      ],
    },
    {
      title: 'Drops (for $workload)',
      panels: [
        timeseries('dw-reason-out', 'Dropped Outgoing Traffic by Reason', ['drop_reason'], { filter: DROP, side: 'source' }),
        timeseries('dw-reason-in', 'Dropped Incoming Traffic by Reason', ['drop_reason'], {
          filter: DROP,
          side: 'destination',
        }),
        podHeatmap('dw-heat-out', 'Heatmap of Outgoing Drops for Top Source Pods', 'source', { filter: DROP }),
        podHeatmap('dw-heat-in', 'Heatmap of Incoming Drops for Top Destination Pods', 'destination', { filter: DROP }),
        stackedByPod('dw-stacked-out', 'Stacked (Total) Outgoing Drops by Source Pod', 'source', { filter: DROP }),
        stackedByPod('dw-stacked-in', 'Stacked (Total) Incoming Drops by Destination Pod', 'destination', { filter: DROP }),
      ],
    },
  ],
};
