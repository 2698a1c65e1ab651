/**
 * The ECharts build the UI uses: only the charts and components it draws (tree-shaken), the
 * canvas renderer, and a dark theme matching the page. Tooltips render as rich text on the
 * canvas, never as HTML, because series names are attacker-controlled flow strings.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  DataZoomInsideComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  DataZoomInsideComponent,
  CanvasRenderer,
]);

export { echarts };

export const PALETTE = [
  '#73bf69',
  '#f2cc0c',
  '#8ab8ff',
  '#ff780a',
  '#f2495c',
  '#5794f2',
  '#b877d9',
  '#fade2a',
  '#1f78c1',
  '#ba43a9',
];

export const TEXT = '#c7d0d9';
export const GRID_LINE = '#2c3235';
