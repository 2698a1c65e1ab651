/**
 * Dashboard definitions as data: rows of panels, each with the API queries it needs and a pure
 * `compute` turning the answers into what the panel draws. Titles follow
 * ../shared/specs/acns-dashboards.md; `$namespace`/`$workload` are replaced at render time.
 */
import type {
  AggregateResponse,
  Dimension,
  FlowsResponse,
  Measure,
} from '../../../server/http/contract';
import type { HeatmapData, Series } from '../series';
import type { TemplateVars } from '../drilldown';

/** A query to /api/v1/aggregate. */
export interface AggregateQuery {
  kind: 'aggregate';
  groupBy: Dimension[];
  /** `flowlens observe` filter flags. */
  filter?: string;
  /** Which endpoint the namespace/workload variables select ("outgoing" = source). */
  side?: 'source' | 'destination';
  measure?: Measure;
  /** With a step (time series) or one total per group. */
  series: boolean;
  k?: number;
  /** Only the last part of the range, e.g. '10m' for the "(past 10 minutes)" stats. */
  window?: string;
  /** False for cluster-wide panels that ignore the namespace/workload variables. */
  scoped?: boolean;
}

/** A sample of flows from /api/v1/flows, for dimensions the aggregate API lacks. */
export interface FlowSampleQuery {
  kind: 'flows';
  filter?: string;
  side?: 'source' | 'destination';
  limit: number;
  scoped?: boolean;
  /** The newest flows overall, not within the range (a cheap tail read, for names). */
  unwindowed?: boolean;
}

export type PanelQuery = AggregateQuery | FlowSampleQuery;
export type QueryResult = AggregateResponse | FlowsResponse;

/** What a panel's compute sees besides the answers. */
export interface ComputeContext {
  from: number;
  to: number;
  now: number;
  step: number;
  axis: number[];
  /** Length of the range in seconds. */
  seconds: number;
  vars: TemplateVars;
}

/** What a panel draws. `empty` panels show "No data". */
export type PanelData =
  | { type: 'series'; series: Series[]; stacked?: boolean; secondary?: Series[]; unit2?: string }
  | { type: 'stat'; value: number | undefined; spark?: [number, number][] }
  | { type: 'heatmap'; heatmap: HeatmapData }
  | { type: 'table'; columns: string[]; rows: { cells: string[]; key: string[] }[] }
  | { type: 'bars'; bars: { name: string; key: string[]; value: number }[] }
  | { type: 'text'; text: string }
  | { type: 'unavailable'; reason: string };

export type PanelKind = 'text' | 'stat' | 'timeseries' | 'stacked' | 'heatmap' | 'table' | 'bargauge' | 'unavailable';

/** One panel. */
export interface PanelDef {
  /** Stable id, unique across all dashboards (used by tests and deep links). */
  id: string;
  title: string;
  kind: PanelKind;
  unit?: string;
  description?: string;
  /** Where flowlens differs from the upstream panel (data it cannot have, approximations). */
  note?: string;
  queries: PanelQuery[];
  compute: (results: QueryResult[], ctx: ComputeContext) => PanelData;
  /** How a click maps the drawn key to flows: the key's dimensions, the panel filter and side. */
  drill?: { groupBy: Dimension[]; filter?: string; side?: 'source' | 'destination' };
  /** Grid width out of 12 columns. */
  span?: number;
  /** A flowlens addition (not in the ACNS dashboard). */
  extra?: boolean;
}

/** A row of panels; collapsed rows load when opened. */
export interface RowDef {
  title: string;
  collapsed?: boolean;
  panels: PanelDef[];
}

export type VariableName = 'node' | 'namespace' | 'workload';

/** One dashboard at a stable route. */
export interface DashboardDef {
  id: string;
  path: string;
  title: string;
  /** Upstream name, e.g. "Kubernetes / Networking / Clusters". */
  upstream: string;
  variables: VariableName[];
  /** How to choose a default namespace/workload when none is selected. */
  pick?: { filter?: string; l7?: boolean; prefer?: string };
  rows: RowDef[];
  notes?: string[];
}

/**
 * True when the data has something to draw. A series of zeros is data (the answer is "none");
 * no series at all is "No data".
 */
export function hasData(d: PanelData): boolean {
  switch (d.type) {
    case 'series':
      return d.series.length > 0 && d.series.some((s) => s.points.length > 0);
    case 'stat':
      return d.value !== undefined;
    case 'heatmap':
      return d.heatmap.cells.length > 0;
    case 'table':
      return d.rows.length > 0;
    case 'bars':
      return d.bars.length > 0;
    case 'text':
      return true;
    case 'unavailable':
      return false;
  }
}
