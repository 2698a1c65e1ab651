/**
 * One dashboard panel: title bar (title, unit, notes, link to its flows) and the body for its
 * shape. Clicking a series point, a heatmap cell, a bar or a table row opens the flows behind it.
 * `data-state` tells tests and screen readers whether it holds data.
 */
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { ECElementEvent } from 'echarts/core';
import type { ComputeContext, PanelData, PanelDef } from '../model/dashboards';
import { hasData } from '../model/dashboards';
import { drilldown, flowsHref, type TemplateVars } from '../model/drilldown';
import { formatValue } from '../model/format';
import { barsOption, heatmapOption, seriesOption, sparkOption } from './chart-options';
import { EChart } from './EChart';
import type { echarts } from './echarts';

export type PanelState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'done'; data: PanelData; sample?: string };

interface Props {
  def: PanelDef;
  title: string;
  state: PanelState;
  ctx?: ComputeContext;
  vars: TemplateVars;
  /** The API requests behind the panel (data-queries, for tests and debugging). */
  queries?: string[];
}

function dataState(def: PanelDef, s: PanelState): string {
  if (def.kind === 'unavailable') return 'unavailable';
  if (s.status !== 'done') return s.status;
  return hasData(s.data) ? 'data' : 'nodata';
}

export function Panel({ def, title, state, ctx, vars, queries }: Props) {
  const navigate = useNavigate();
  const ds = dataState(def, state);
  const open = (key: string[], window?: [number, number]) => {
    if (!def.drill || !ctx) return;
    navigate(flowsHref(drilldown(def.drill, vars, def.drill.groupBy, key, window ?? [ctx.from, ctx.to])));
  };
  const bucket = (t: number): [number, number] => [t, t + (ctx?.step ?? 60) * 1000];
  const allHref =
    def.drill && ctx ? flowsHref(drilldown(def.drill, vars, [], [], [ctx.from, ctx.to])) : undefined;
  const testTitle = def.title || def.id;

  return (
    <section
      className={`panel panel-${def.kind}`}
      data-testid="panel"
      data-panel-id={def.id}
      data-panel-title={testTitle}
      data-kind={def.kind}
      data-state={ds}
      data-queries={queries ? JSON.stringify(queries) : undefined}
      data-series={
        state.status === 'done' && state.data.type === 'series' ? state.data.series.length : undefined
      }
      aria-label={title || 'text'}
      aria-busy={state.status === 'loading'}
    >
      {def.kind !== 'text' && (
        <header className="panel-head">
          <h3 title={def.description ?? title}>{title || '\u00a0'}</h3>
          {def.extra && (
            <span className="badge extra" title="Added by flowlens (not in the ACNS dashboard)">
              flowlens
            </span>
          )}
          {def.note && (
            <span className="badge note" title={def.note}>
              ⓘ
            </span>
          )}
          {state.status === 'done' && state.sample && <span className="badge sample">{state.sample}</span>}
          {def.unit && <span className="unit">{def.unit}</span>}
          {allHref && (
            <Link className="flows-link" to={allHref} title="Open the flows behind this panel">
              flows ↗
            </Link>
          )}
        </header>
      )}
      <div className="panel-body">
        <Body def={def} state={state} ctx={ctx} open={open} bucket={bucket} />
      </div>
    </section>
  );
}

interface BodyProps {
  def: PanelDef;
  state: PanelState;
  ctx?: ComputeContext;
  open: (key: string[], window?: [number, number]) => void;
  bucket: (t: number) => [number, number];
}

function Body({ def, state, ctx, open, bucket }: BodyProps) {
  if (state.status === 'idle')
    return <div className={`panel-msg idle idle-${def.kind}`}>Waiting to scroll into view</div>;
  if (state.status === 'loading') return <div className="panel-msg">Loading…</div>;
  if (state.status === 'error') return <div className="panel-msg error">Error: {state.message}</div>;
  const d = state.data;
  if (d.type === 'unavailable')
    return <div className="panel-msg unavailable">Not available from flow records: {d.reason}</div>;
  if (d.type === 'text') return <p className="panel-text">{d.text}</p>;
  if (!hasData(d)) return <div className="panel-msg">No data</div>;
  switch (d.type) {
    case 'stat':
      return <Stat value={d.value} unit={def.unit} spark={d.spark} onClick={() => open([])} />;
    case 'series':
      return <SeriesChart data={d} def={def} ctx={ctx} open={open} bucket={bucket} />;
    case 'heatmap':
      return (
        <EChart
          height={Math.max(160, 40 + d.heatmap.rows.length * 18)}
          option={heatmapOption(d.heatmap, {
            unit: def.unit,
            color: /drop|rst|4xx/i.test(def.title) ? 'orange' : 'purple',
          })}
          onClick={(e) => {
            const [x, y] = e.data as [number, number, number];
            open(d.heatmap.keys[y], bucket(d.heatmap.times[x]));
          }}
        />
      );
    case 'bars':
      return (
        <EChart
          height={Math.max(120, d.bars.length * 22)}
          option={barsOption(d.bars, def.unit)}
          onClick={(e) => open([...d.bars].reverse()[e.dataIndex]?.key ?? [])}
        />
      );
    case 'table':
      return (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                {d.columns.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r, i) => (
                <tr key={i} onClick={() => open(r.key)} className="clickable">
                  {r.cells.map((c, j) => (
                    <td key={j}>{c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
  }
}

function Stat({
  value,
  unit,
  spark,
  onClick,
}: {
  value?: number;
  unit?: string;
  spark?: [number, number][];
  onClick: () => void;
}) {
  const option = useMemo(() => (spark ? sparkOption(spark) : undefined), [spark]);
  return (
    <div className="stat clickable" onClick={onClick} role="button" tabIndex={0}>
      <div className="stat-value" data-testid="stat-value">
        {formatValue(value, unit)}
      </div>
      {option && <EChart height={34} option={option} />}
    </div>
  );
}

function SeriesChart({
  data,
  def,
  ctx,
  open,
  bucket,
}: Omit<BodyProps, 'state'> & { data: Extract<PanelData, { type: 'series' }> }) {
  const option = useMemo(
    () =>
      seriesOption(data.series, {
        unit: def.unit,
        stacked: data.stacked,
        secondary: data.secondary,
        unit2: data.unit2,
      }),
    [data, def.unit],
  );
  const timeAt = (chart: echarts.ECharts, px: [number, number]): number | undefined => {
    const v = chart.convertFromPixel({ xAxisIndex: 0 }, px) as unknown;
    const t = Array.isArray(v) ? Number(v[0]) : Number(v);
    if (!Number.isFinite(t) || !ctx) return undefined;
    return ctx.axis[
      Math.max(0, Math.min(ctx.axis.length - 1, Math.floor((t - ctx.axis[0]) / (ctx.step * 1000))))
    ];
  };
  const onClick = (e: ECElementEvent, chart: echarts.ECharts) => {
    const s = data.series[e.seriesIndex ?? -1];
    const key = s?.key ?? [];
    let t: number | undefined;
    if (typeof e.dataIndex === 'number' && s) t = s.points[e.dataIndex]?.[0];
    const ev = e.event as { offsetX?: number; offsetY?: number } | undefined;
    if (t === undefined && ev?.offsetX !== undefined) t = timeAt(chart, [ev.offsetX, ev.offsetY ?? 0]);
    open(key, t !== undefined ? bucket(t) : undefined);
  };
  return (
    <EChart
      height={data.series.length + (data.secondary?.length ?? 0) > 1 ? 220 : 190}
      option={option}
      onClick={onClick}
      onBackgroundClick={(px, chart) => {
        const t = timeAt(chart, px);
        if (t !== undefined) open([], bucket(t));
      }}
    />
  );
}
