/**
 * A React wrapper around one ECharts instance: created on mount, updated with `notMerge` when
 * the option changes, resized with its box, disposed on unmount. Clicks are forwarded with the
 * chart so handlers can convert pixels to data.
 */
import { useEffect, useRef } from 'react';
import type { EChartsCoreOption, ECElementEvent } from 'echarts/core';
import { echarts } from './echarts';

export interface EChartProps {
  option: EChartsCoreOption;
  height: number;
  onClick?: (e: ECElementEvent, chart: echarts.ECharts) => void;
  /** Click on empty plot area: the pixel position. */
  onBackgroundClick?: (px: [number, number], chart: echarts.ECharts) => void;
  className?: string;
}

export function EChart({ option, height, onClick, onBackgroundClick, className }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const handlers = useRef({ onClick, onBackgroundClick });
  handlers.current = { onClick, onBackgroundClick };

  useEffect(() => {
    const el = ref.current!;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    chart.on('click', (e) => handlers.current.onClick?.(e as ECElementEvent, chart));
    chart.getZr().on('click', (e) => {
      if (e.target) return;
      handlers.current.onBackgroundClick?.([e.offsetX, e.offsetY], chart);
    });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(option, { notMerge: true, lazyUpdate: false });
  }, [option]);

  return <div ref={ref} className={className} style={{ height, width: '100%' }} data-echarts="" />;
}
