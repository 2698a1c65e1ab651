/**
 * ECharts options for each panel shape. Every label and legend is drawn on the canvas and the
 * tooltip uses rich text, so no flow string ever becomes HTML.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { HeatmapData, Series } from '../model/series';
import { axisTime, formatValue, shortNumber } from '../model/format';
import { GRID_LINE, PALETTE, TEXT } from './echarts';

const axisCommon = {
  axisLine: { lineStyle: { color: GRID_LINE } },
  axisLabel: { color: TEXT, fontSize: 10 },
  splitLine: { lineStyle: { color: GRID_LINE } },
};

/** Shortens long legend names (the full name stays in the tooltip). */
function shorten(s: string, n = 48): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** Time series (optionally stacked areas, optionally a dashed second-axis series). */
export function seriesOption(
  series: Series[],
  o: { unit?: string; stacked?: boolean; secondary?: Series[]; unit2?: string },
): EChartsCoreOption {
  const all = [...series, ...(o.secondary ?? [])];
  const lines = series.map((s, i) => ({
    name: s.name,
    type: 'line',
    data: s.points,
    showSymbol: false,
    symbolSize: 4,
    triggerLineEvent: true,
    stack: o.stacked ? 'total' : undefined,
    areaStyle: o.stacked ? { opacity: 0.35 } : undefined,
    lineStyle: { width: 1.5 },
    color: PALETTE[i % PALETTE.length],
    connectNulls: false,
  }));
  const second = (o.secondary ?? []).map((s, i) => ({
    name: s.name,
    type: 'line',
    yAxisIndex: 1,
    data: s.points,
    showSymbol: false,
    triggerLineEvent: true,
    lineStyle: { width: 1.5, type: 'dashed' },
    color: PALETTE[(series.length + i + 3) % PALETTE.length],
  }));
  return {
    animation: false,
    grid: {
      left: 48,
      right: o.secondary?.length ? 48 : 12,
      top: 10,
      bottom: all.length > 1 || (all.length === 1 && all[0].key.length > 0) ? 44 : 24,
    },
    tooltip: {
      trigger: 'axis',
      renderMode: 'richText',
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatValue(v, o.unit) : String(v)),
    },
    legend:
      all.length > 1 || (all.length === 1 && all[0].key.length > 0)
        ? {
            type: 'scroll',
            bottom: 0,
            textStyle: { color: TEXT, fontSize: 10 },
            formatter: (n: string) => shorten(n),
          }
        : undefined,
    xAxis: { type: 'time', ...axisCommon, splitLine: { show: false } },
    yAxis: [
      {
        type: 'value',
        ...axisCommon,
        axisLabel: { ...axisCommon.axisLabel, formatter: (v: number) => shortNumber(v) },
      },
      ...(o.secondary?.length
        ? [
            {
              type: 'value',
              ...axisCommon,
              splitLine: { show: false },
              axisLabel: { ...axisCommon.axisLabel, formatter: `{value}${o.unit2 ?? ''}` },
            },
          ]
        : []),
    ],
    series: [...lines, ...second],
  };
}

/** Heatmap of rows (pods) over time buckets. */
export function heatmapOption(
  h: HeatmapData,
  o: { unit?: string; color: 'purple' | 'orange' },
): EChartsCoreOption {
  const span = h.times.length > 1 ? h.times[h.times.length - 1] - h.times[0] : 0;
  const colors = o.color === 'orange' ? ['#2b1d0e', '#ff9830', '#ffcf6e'] : ['#1f1530', '#8f3bb8', '#d683ff'];
  return {
    animation: false,
    grid: { left: 150, right: 12, top: 8, bottom: 40 },
    tooltip: {
      renderMode: 'richText',
      confine: true,
      formatter: (p: { data: [number, number, number] }) =>
        `${h.rows[p.data[1]]}\n${axisTime(h.times[p.data[0]], span)}: ${formatValue(p.data[2], o.unit)}`,
    },
    xAxis: {
      type: 'category',
      data: h.times.map((t) => axisTime(t, span)),
      ...axisCommon,
      splitLine: { show: false },
    },
    yAxis: {
      type: 'category',
      data: h.rows,
      ...axisCommon,
      axisLabel: { ...axisCommon.axisLabel, formatter: (s: string) => shorten(s, 24) },
    },
    visualMap: {
      min: 0,
      max: Math.max(h.max, 1e-9),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 80,
      itemWidth: 8,
      textStyle: { color: TEXT, fontSize: 9 },
      inRange: { color: colors },
      formatter: (v: number) => shortNumber(v),
    },
    series: [{ type: 'heatmap', data: h.cells, progressive: 2000 }],
  };
}

/** Horizontal bar gauge of the top groups. */
export function barsOption(bars: { name: string; value: number }[], unit?: string): EChartsCoreOption {
  const rows = [...bars].reverse();
  return {
    animation: false,
    grid: { left: 120, right: 60, top: 4, bottom: 4 },
    tooltip: {
      renderMode: 'richText',
      confine: true,
      valueFormatter: (v: unknown) => formatValue(Number(v), unit),
    },
    xAxis: { type: 'value', show: false },
    yAxis: {
      type: 'category',
      data: rows.map((b) => b.name),
      ...axisCommon,
      axisLabel: { ...axisCommon.axisLabel, formatter: (s: string) => shorten(s, 18) },
    },
    series: [
      {
        type: 'bar',
        data: rows.map((b) => b.value),
        barMaxWidth: 14,
        itemStyle: { color: '#73bf69' },
        label: {
          show: true,
          position: 'right',
          color: TEXT,
          fontSize: 10,
          formatter: (p: { value: number }) => shortNumber(p.value),
        },
      },
    ],
  };
}

/** A bare sparkline under a stat. */
export function sparkOption(points: [number, number][]): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 0, right: 0, top: 2, bottom: 0 },
    xAxis: { type: 'time', show: false },
    yAxis: { type: 'value', show: false, min: 0 },
    series: [
      {
        type: 'line',
        data: points,
        showSymbol: false,
        lineStyle: { width: 1, color: '#73bf69' },
        areaStyle: { opacity: 0.15, color: '#73bf69' },
        silent: true,
      },
    ],
  };
}
