/**
 * A small builder for Grafana dashboard JSON (schema 39, Grafana 10/11): panels laid out
 * left to right in a 24-column grid, rows (collapsed rows carry their panels), template
 * variables on a Prometheus data-source variable.
 */

/** One PromQL query of a panel. */
export interface Target {
  expr: string;
  legend?: string;
  /** Instant query (tables, bar gauges). */
  instant?: boolean;
}

/** Panel kinds used by the ACNS dashboards. */
export type PanelKind = 'timeseries' | 'stat' | 'table' | 'bargauge' | 'heatmap' | 'text';

/** A panel before layout. */
export interface PanelSpec {
  kind: PanelKind;
  title: string;
  /** Grafana unit id (`Bps`, `pps`, `ops`, `percent`, `none`, `s`, ...) or a free-text suffix. */
  unit?: string;
  /** Queries (none for text panels). */
  targets?: Target[];
  description?: string;
  /** Stat reduction (`max`, `min`, `lastNotNull`). */
  reduce?: 'max' | 'min' | 'lastNotNull' | 'mean';
  /** Stack series (stacked timeseries). */
  stack?: boolean;
  /** Legend as a table with these calculations. */
  legendCalcs?: string[];
  /** Heatmap colour scheme. */
  colors?: 'Purples' | 'Oranges';
  /** Markdown for text panels. */
  content?: string;
  /** Width in grid columns (default by kind) and height. */
  w?: number;
  h?: number;
  /** Series (by legend) drawn dashed on the right axis. */
  rightAxis?: string;
}

/** A row and its panels. */
export interface RowSpec {
  title: string;
  collapsed?: boolean;
  panels: PanelSpec[];
}

/** A template variable. */
export interface VariableSpec {
  name: string;
  label: string;
  /** PromQL `label_values(...)` / `query_result(...)`; absent for the data-source variable. */
  query?: string;
  /** Regex applied to the values (a capture group extracts). */
  regex?: string;
  multi?: boolean;
  /** "All" option, and the regex it stands for. */
  allValue?: string;
}

/** A dashboard before rendering. */
export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: VariableSpec[];
  /** Panels above the first row. */
  header?: PanelSpec[];
  rows: RowSpec[];
}

const DS = { type: 'prometheus', uid: '${datasource}' };
const DEFAULT_W: Record<PanelKind, number> = {
  timeseries: 12,
  stat: 4,
  table: 24,
  bargauge: 12,
  heatmap: 12,
  text: 24,
};
const DEFAULT_H: Record<PanelKind, number> = {
  timeseries: 8,
  stat: 4,
  table: 8,
  bargauge: 8,
  heatmap: 8,
  text: 3,
};

/** The variables most dashboards share. */
export const DATASOURCE: VariableSpec = { name: 'datasource', label: 'Data Source' };

/** Cluster variable over a metric that carries the scrape's `cluster` label. */
export function clusterVar(metric = 'up'): VariableSpec {
  return { name: 'cluster', label: 'Cluster', query: `label_values(${metric}, cluster)` };
}

/** Nodes (the `instance` label) of the selected cluster. */
export function nodesVar(metric = 'up'): VariableSpec {
  return {
    name: 'Nodes',
    label: 'Nodes',
    query: `label_values(${metric}{cluster="$cluster"}, instance)`,
    multi: true,
    allValue: '.*',
  };
}

/** Namespaces seen as the prefix of Hubble's `source`/`destination` pod labels. */
export function namespaceVar(metric: string): VariableSpec {
  return {
    name: 'namespace',
    label: 'Namespace',
    query: `label_values(${metric}{cluster="$cluster"}, source)`,
    regex: '/^([^/]+)\\/.+/',
    allValue: '[^/]+',
  };
}

/** Workloads: pod names of the namespace without their last random suffix (`coredns-7df79d6879-9tj9p` → `coredns-7df79d6879`). */
export function workloadVar(metric: string): VariableSpec {
  return {
    name: 'workload',
    label: 'Workload',
    query: `label_values(${metric}{cluster="$cluster", source=~"$namespace/.+"}, source)`,
    regex: '/^[^/]+\\/(.+)-[a-z0-9]+$/',
    allValue: '.+',
  };
}

type Json = Record<string, unknown>;

function variableJson(v: VariableSpec): Json {
  if (v.query === undefined) {
    return {
      name: v.name,
      label: v.label,
      type: 'datasource',
      query: 'prometheus',
      current: {},
      hide: 0,
      refresh: 1,
      regex: '',
      options: [],
    };
  }
  return {
    name: v.name,
    label: v.label,
    type: 'query',
    datasource: DS,
    definition: v.query,
    query: { query: v.query, refId: `${v.name}-query` },
    regex: v.regex ?? '',
    refresh: 2,
    sort: 1,
    multi: v.multi ?? false,
    includeAll: v.allValue !== undefined,
    ...(v.allValue !== undefined ? { allValue: v.allValue } : {}),
    current: {},
    hide: 0,
    options: [],
  };
}

function targetsJson(p: PanelSpec): Json[] {
  return (p.targets ?? []).map((t, i) => ({
    datasource: DS,
    refId: String.fromCharCode(65 + i),
    expr: t.expr,
    legendFormat: t.legend ?? '__auto',
    range: !t.instant,
    instant: t.instant ?? false,
    ...(p.kind === 'table' ? { format: 'table' } : p.kind === 'heatmap' ? { format: 'heatmap' } : {}),
  }));
}

function panelJson(p: PanelSpec, id: number, gridPos: Json): Json {
  const base: Json = {
    id,
    type: p.kind,
    title: p.title,
    gridPos,
    ...(p.description ? { description: p.description } : {}),
  };
  if (p.kind === 'text') return { ...base, options: { mode: 'markdown', content: p.content ?? '' } };
  const unit = p.unit ?? 'none';
  const common = { ...base, datasource: DS, targets: targetsJson(p) };
  switch (p.kind) {
    case 'timeseries':
      return {
        ...common,
        fieldConfig: {
          defaults: {
            unit,
            min: 0,
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: p.stack ? 30 : 10,
              stacking: { mode: p.stack ? 'normal' : 'none', group: 'A' },
            },
          },
          overrides: p.rightAxis
            ? [
                {
                  matcher: { id: 'byName', options: p.rightAxis },
                  properties: [
                    { id: 'custom.axisPlacement', value: 'right' },
                    { id: 'unit', value: 'percent' },
                    { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
                  ],
                },
              ]
            : [],
        },
        options: {
          legend: p.legendCalcs
            ? { displayMode: 'table', placement: 'right', calcs: p.legendCalcs, showLegend: true }
            : { displayMode: 'list', placement: 'bottom', calcs: [], showLegend: true },
          tooltip: { mode: 'multi', sort: 'desc' },
        },
      };
    case 'stat':
      return {
        ...common,
        fieldConfig: { defaults: { unit, decimals: 2 }, overrides: [] },
        options: {
          reduceOptions: { calcs: [p.reduce ?? 'lastNotNull'], fields: '', values: false },
          colorMode: 'value',
          graphMode: 'area',
          textMode: 'auto',
        },
      };
    case 'bargauge':
      return {
        ...common,
        fieldConfig: { defaults: { unit, min: 0 }, overrides: [] },
        options: {
          displayMode: 'gradient',
          orientation: 'horizontal',
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
          showUnfilled: true,
        },
      };
    case 'table':
      return {
        ...common,
        fieldConfig: { defaults: { unit }, overrides: [] },
        options: { showHeader: true, cellHeight: 'sm' },
        transformations: [{ id: 'merge', options: {} }],
      };
    case 'heatmap':
      return {
        ...common,
        fieldConfig: { defaults: { unit }, overrides: [] },
        options: {
          calculate: false,
          yAxis: { axisPlacement: 'left' },
          rowsFrame: { layout: 'auto' },
          color: { mode: 'scheme', scheme: p.colors ?? 'Purples', steps: 64, exponent: 0.5 },
          cellGap: 1,
          tooltip: { show: true, yHistogram: false },
          legend: { show: true },
        },
      };
  }
}

/** Lays panels out left to right, wrapping at 24 columns; returns the next y. */
function layout(panels: PanelSpec[], y0: number, nextId: () => number): { json: Json[]; y: number } {
  const json: Json[] = [];
  let x = 0;
  let y = y0;
  let rowH = 0;
  for (const p of panels) {
    const w = p.w ?? DEFAULT_W[p.kind];
    const h = p.h ?? DEFAULT_H[p.kind];
    if (x + w > 24) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    json.push(panelJson(p, nextId(), { x, y, w, h }));
    x += w;
    rowH = Math.max(rowH, h);
  }
  return { json, y: y + rowH };
}

/** Renders a dashboard to Grafana JSON. */
export function buildDashboard(d: DashboardSpec): Json {
  let id = 0;
  const nextId = () => ++id;
  const panels: Json[] = [];
  let y = 0;
  if (d.header) {
    const r = layout(d.header, y, nextId);
    panels.push(...r.json);
    y = r.y;
  }
  for (const row of d.rows) {
    const rowPanel: Json = {
      id: nextId(),
      type: 'row',
      title: row.title,
      collapsed: row.collapsed ?? false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    };
    y += 1;
    const r = layout(row.panels, y, nextId);
    if (row.collapsed) {
      rowPanel.panels = r.json;
      panels.push(rowPanel);
    } else {
      panels.push(rowPanel, ...r.json);
      y = r.y;
    }
  }
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['k8s:network-observability', 'flowlens'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-30m', to: 'now' },
    timepicker: {},
    annotations: { list: [] },
    links: [],
    templating: { list: d.variables.map(variableJson) },
    panels,
  };
}

/** Every PromQL expression of a rendered dashboard, with its panel title (rows included). */
export function dashboardQueries(json: Json): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  const walk = (panels: Json[]) => {
    for (const p of panels) {
      for (const t of (p.targets as Json[] | undefined) ?? [])
        out.push({ panel: String(p.title), expr: String(t.expr) });
      walk((p.panels as Json[] | undefined) ?? []);
    }
  };
  walk(json.panels as Json[]);
  return out;
}
