/**
 * Helpers shared by the rules: rate analysis with onset detection over time buckets, pod and
 * workload naming, and figure construction.
 */
import { EndpointRegistry } from '../endpoint.js';
import type { RuleContext } from '../rule.js';
import type { Series } from '../series.js';
import { proportionIncrease, round } from '../stats.js';
import type { Figure, FindingPeer, FindingSubject, Severity, StatTest } from '../types.js';

/** Longest series the segment search runs on; longer ones are coarsened. */
const MAX_POINTS = 240;

/** The outcome of looking at an event rate (errors / responses, drops / flows...) over time. */
export interface RateAnalysis {
  /** Events and total in the anomalous period (or the whole window when there is no change). */
  events: number;
  total: number;
  ratio: number;
  /** The same outside that period (undefined when there is no data outside). */
  baselineEvents?: number;
  baselineTotal?: number;
  baselineRatio?: number;
  /** First and last bucket of the anomalous period (clipped to data with events). */
  onset: number;
  end: number;
  /** Whether a significant change point was found (the problem started within the data). */
  changed: boolean;
  test: StatTest;
  /** Events and total inside the diagnosed window. */
  windowEvents: number;
  windowTotal: number;
}

function binomLL(x: number, n: number): number {
  if (n <= 0 || x <= 0 || x >= n) return 0;
  const p = x / n;
  return x * Math.log(p) + (n - x) * Math.log(1 - p);
}

/** Sums a series into dense, possibly coarsened, buckets of the context's data range. */
export function denseRange(ctx: RuleContext, s: Series | undefined, factor: number): Float64Array {
  const n = Math.ceil((ctx.to - ctx.dataFrom + 1) / factor);
  const out = new Float64Array(n);
  if (!s) return out;
  for (const [b, v] of s.points) {
    if (b < ctx.dataFrom || b > ctx.to) continue;
    out[Math.floor((b - ctx.dataFrom) / factor)] += v;
  }
  return out;
}

/** The coarsening factor that keeps the data range under MAX_POINTS buckets. */
export function coarseFactor(ctx: RuleContext): number {
  return Math.max(1, Math.ceil((ctx.to - ctx.dataFrom + 1) / MAX_POINTS));
}

/**
 * Analyses events/totals over the data range: finds the contiguous period (overlapping the
 * window) whose rate is highest relative to the rest (binomial likelihood ratio). When the gain
 * passes `thresholds.changeGain` the period is the anomaly and the rest its baseline; otherwise
 * the whole window is the period and data before the window the baseline.
 * Returns undefined when the window has no events.
 */
export function analyzeRate(
  ctx: RuleContext,
  events: Series | Float64Array,
  totals: Series | Float64Array,
): RateAnalysis | undefined {
  const k = coarseFactor(ctx);
  const e = events instanceof Float64Array ? events : denseRange(ctx, events, k);
  const t = totals instanceof Float64Array ? totals : denseRange(ctx, totals, k);
  return analyzeDense(ctx, e, t, k);
}

/** analyzeRate over already dense arrays (coarsened by `k`). */
export function analyzeDense(
  ctx: RuleContext,
  e: Float64Array,
  t: Float64Array,
  k: number,
): RateAnalysis | undefined {
  const n = e.length;
  const wFrom = Math.floor((ctx.from - ctx.dataFrom) / k);
  const P = new Float64Array(n + 1);
  const T = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    P[i + 1] = P[i] + e[i];
    T[i + 1] = T[i] + Math.max(t[i], e[i]);
  }
  const X = P[n];
  const N = T[n];
  const wx = P[n] - P[wFrom];
  const wt = T[n] - T[wFrom];
  if (wx <= 0) return undefined;
  const whole = binomLL(X, N);
  let best = { a: 0, b: 0, gain: -1 };
  for (let a = 0; a < n; a++) {
    if (e[a] === 0) continue; // a period starts with an event
    for (let b = Math.max(a + 1, wFrom + 1); b <= n; b++) {
      if (e[b - 1] === 0) continue; // and ends with one
      const xi = P[b] - P[a];
      const ni = T[b] - T[a];
      const xo = X - xi;
      const no = N - ni;
      if (no <= 0 || ni <= 0) continue;
      if (xi / ni <= xo / no) continue;
      const gain = binomLL(xi, ni) + binomLL(xo, no) - whole;
      if (gain > best.gain) best = { a, b, gain };
    }
  }
  const changed = best.gain >= ctx.thresholds.changeGain;
  let a: number;
  let b: number;
  if (changed) {
    a = best.a;
    b = best.b;
  } else {
    a = wFrom;
    while (a < n && e[a] === 0) a++;
    b = n;
    while (b > a && e[b - 1] === 0) b--;
  }
  const xi = P[b] - P[a];
  const ni = T[b] - T[a];
  // Baseline: outside the period when it changed; otherwise the data before the window.
  const xo = changed ? X - xi : P[wFrom];
  const no = changed ? N - ni : T[wFrom];
  const test = proportionIncrease(xi, ni, xo, no);
  return {
    events: xi,
    total: ni,
    ratio: ni > 0 ? xi / ni : 0,
    baselineEvents: no > 0 ? xo : undefined,
    baselineTotal: no > 0 ? no : undefined,
    baselineRatio: no > 0 ? xo / no : undefined,
    onset: ctx.dataFrom + a * k,
    end: Math.min(ctx.to, ctx.dataFrom + b * k - 1),
    changed,
    test: {
      name: changed ? 'binomial change point + two-proportion z' : 'two-proportion z',
      statistic: round(test.statistic),
      pValue: test.pValue,
    },
    windowEvents: wx,
    windowTotal: wt,
  };
}

/** Severity from a ratio and a count against warning/critical thresholds. */
export function severityOf(
  ratio: number,
  count: number,
  minCount: number,
  warn: number,
  crit: number,
): Severity | undefined {
  if (count < minCount) return undefined;
  if (ratio >= crit) return 'critical';
  if (ratio >= warn) return 'warning';
  return undefined;
}

/** Pod names from a pod-key counter map, busiest first. */
export function topPods(m: Map<string, number> | undefined, limit = 20): string[] {
  if (!m) return [];
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([k]) => EndpointRegistry.podName(k));
}

/** The key with the largest count. */
export function topKey(m: Map<string, number> | undefined): string | undefined {
  let best: string | undefined;
  let n = -Infinity;
  for (const [k, v] of m ?? []) if (v > n) [best, n] = [k, v];
  return best;
}

/** A subject from a workload key and its pods. */
export function subjectOf(workloadKey: string, pods: string[], node?: string): FindingSubject {
  const { namespace, workload } = EndpointRegistry.splitWorkloadKey(workloadKey);
  const s: FindingSubject = { namespace, workload, pods };
  if (node) s.node = node;
  return s;
}

/** A peer from a workload key. */
export function peerOf(
  workloadKey: string | undefined,
  extra: Partial<FindingPeer> = {},
): FindingPeer | undefined {
  if (!workloadKey) return Object.keys(extra).length ? { ...extra } : undefined;
  const { namespace, workload } = EndpointRegistry.splitWorkloadKey(workloadKey);
  const p: FindingPeer = { workload, ...extra };
  if (namespace) p.namespace = namespace;
  return p;
}

/** A figure, rounded for display. */
export function fig(
  name: string,
  label: string,
  value: number,
  unit: Figure['unit'],
  baseline?: number,
): Figure {
  const r = (x: number) => (Number.isInteger(x) ? x : round(x));
  const f: Figure = { name, label, value: r(value), unit };
  if (baseline !== undefined && Number.isFinite(baseline)) f.baseline = r(baseline);
  return f;
}

/** Percentage text. */
export function pct(r: number): string {
  if (r >= 0.1) return `${Math.round(r * 100)}%`;
  if (r >= 0.01) return `${(r * 100).toFixed(1)}%`;
  return `${(r * 100).toFixed(2)}%`;
}

/** `namespace/workload`, or the bare name for non-namespaced endpoints. */
export function wlName(workloadKey: string): string {
  return workloadKey.startsWith('~') ? workloadKey.slice(1) : workloadKey;
}

/** Time range (epoch ms) of a bucket span, for observe commands. */
export function rangeOf(ctx: RuleContext, from: number, to: number): { fromMs: number; toMs: number } {
  return { fromMs: ctx.acc.bucketStart(from), toMs: ctx.acc.bucketStart(to + 1) };
}

/** Score from a severity-free magnitude: log-scaled count times the ratio excess. */
export function magnitude(count: number, ratio: number): number {
  return round(Math.log10(1 + count) * (0.5 + Math.min(1, ratio)), 3);
}
