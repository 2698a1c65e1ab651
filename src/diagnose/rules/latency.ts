/**
 * Rule `latency`: response-time regressions of HTTP/gRPC servers, Kafka brokers and DNS
 * servers against the earlier part of the data. The share of responses slower than the
 * baseline's 90th percentile is analysed like an error rate (so a change point gives the
 * onset); the p95 inside the slow period is then compared with the p95 before it.
 */
import { EndpointRegistry } from '../endpoint.js';
import type { DiagnosisRule, FindingDraft, RuleContext } from '../rule.js';
import {
  BucketHistogram,
  HIST_BINS,
  histCount,
  histQuantile,
  latencyBin,
  mergeCounts,
  Series,
} from '../series.js';
import {
  analyzeRate,
  fig,
  magnitude,
  peerOf,
  rangeOf,
  subjectOf,
  topKey,
  topPods,
  wlName,
} from './common.js';

interface LatencySource {
  key: string;
  protocol: 'http' | 'kafka' | 'dns';
  hist: BucketHistogram;
  pods: Map<string, number>;
  clients: Map<string, number>;
  samples: string[];
  routes?: Map<string, BucketHistogram>;
}

function sources(ctx: RuleContext): LatencySource[] {
  const out = new Map<string, LatencySource>();
  const get = (key: string, protocol: LatencySource['protocol']) => {
    const id = protocol + '|' + key;
    let s = out.get(id);
    if (!s)
      out.set(
        id,
        (s = {
          key,
          protocol,
          hist: new BucketHistogram(),
          pods: new Map(),
          clients: new Map(),
          samples: [],
          routes: new Map(),
        }),
      );
    return s;
  };
  for (const r of ctx.acc.l7.http.map.values()) {
    if (r.latency.count === 0) continue;
    const s = get(r.server, 'http');
    s.hist.merge(r.latency);
    mergeCounts(s.pods, r.podTotal);
    mergeCounts(s.clients, r.clients);
    s.samples.push(...r.latencySamples.list(3));
    const rk = `${r.method} ${r.route}`.trim();
    const rh = s.routes!.get(rk) ?? new BucketHistogram();
    rh.merge(r.latency);
    s.routes!.set(rk, rh);
  }
  for (const k of ctx.acc.l7.kafka.map.values()) {
    if (k.latency.count === 0) continue;
    const s = get(k.broker, 'kafka');
    s.hist.merge(k.latency);
    mergeCounts(s.clients, k.clients);
  }
  for (const [wk, d] of ctx.acc.dns.servers.map) {
    if (d.latency.count === 0) continue;
    const s = get(wk, 'dns');
    s.hist.merge(d.latency);
    mergeCounts(s.pods, d.podResponses);
    mergeCounts(s.clients, d.clients);
  }
  return [...out.values()];
}

/** Responses slower than bin `cut` per bucket, and all responses per bucket. */
function slowSeries(h: BucketHistogram, cut: number): { slow: Series; all: Series } {
  const slow = new Series();
  const all = new Series();
  for (const [b, bins] of h.buckets) {
    let s = 0;
    let n = 0;
    for (let i = 0; i < HIST_BINS; i++) {
      n += bins[i];
      if (i > cut) s += bins[i];
    }
    all.add(b, n);
    if (s > 0) slow.add(b, s);
  }
  return { slow, all };
}

function analyze(ctx: RuleContext, src: LatencySource): FindingDraft | undefined {
  const th = ctx.thresholds;
  const inWindow = src.hist.range(ctx.from, ctx.to);
  if (histCount(inWindow) < th.latencyMinSamples) return undefined;
  // "Slow" = slower than the median of all the data: a regression covering any share of the
  // window makes the slow fraction jump inside it (to near 1 when it covers little, from near 0
  // when it covers most).
  const cut = latencyBin(histQuantile(src.hist.range(ctx.dataFrom, ctx.to), 0.5) * 1e6);
  const { slow, all } = slowSeries(src.hist, cut);
  const a = analyzeRate(ctx, slow, all);
  if (!a || !a.changed) return undefined;
  const during = src.hist.range(a.onset, a.end);
  const before = new Uint32Array(HIST_BINS);
  const whole = src.hist.range(ctx.dataFrom, ctx.to);
  for (let i = 0; i < HIST_BINS; i++) before[i] = whole[i] - during[i];
  if (histCount(during) < th.latencyMinSamples || histCount(before) < th.latencyMinSamples) return undefined;
  const p95 = histQuantile(during, 0.95);
  const p95b = histQuantile(before, 0.95);
  const p50 = histQuantile(during, 0.5);
  const p50b = histQuantile(before, 0.5);
  const factor = p95 / p95b;
  if (!(factor >= th.latencyWarnFactor) || p95 - p95b < th.latencyMinIncreaseMs) return undefined;
  const severity = factor >= th.latencyCritFactor ? 'critical' : 'warning';
  const name = wlName(src.key);
  const { namespace, workload } = EndpointRegistry.splitWorkloadKey(src.key);
  const routes = [...(src.routes ?? new Map<string, BucketHistogram>())]
    .map(([route, h]) => {
      const d = h.range(a.onset, a.end);
      const all2 = h.range(ctx.dataFrom, ctx.to);
      const b = all2.map((x, i) => x - d[i]);
      return {
        route,
        p95Ms: Math.round(histQuantile(d, 0.95) * 10) / 10,
        baselineP95Ms: Math.round(histQuantile(b, 0.95) * 10) / 10,
        responses: histCount(d),
      };
    })
    .filter((r) => r.responses > 0)
    .sort((x, y) => y.p95Ms / (y.baselineP95Ms || 1) - x.p95Ms / (x.baselineP95Ms || 1))
    .slice(0, 10);
  const what =
    src.protocol === 'dns' ? 'DNS answers' : src.protocol === 'kafka' ? 'Kafka responses' : 'responses';
  const range = rangeOf(ctx, a.onset, a.end);
  const observeArgs =
    src.protocol === 'dns'
      ? ['--from-namespace', namespace, '--from-workload', workload, '--protocol', 'dns']
      : src.protocol === 'kafka'
        ? ['--from-namespace', namespace, '--from-workload', workload, '--protocol', 'kafka']
        : ['--from-namespace', namespace, '--from-workload', workload, '--protocol', 'http'];
  return {
    id: `latency:${name}:${src.protocol}`,
    kind: 'latency',
    severity,
    score: magnitude(a.events, Math.min(1, factor / 10)),
    title: `${src.protocol === 'dns' ? 'DNS' : src.protocol === 'kafka' ? 'Kafka' : 'HTTP'} latency of ${name} rose ${factor.toFixed(1)}× (p95 ${p95.toFixed(1)} ms, was ${p95b.toFixed(1)} ms)`,
    subject: subjectOf(src.key, topPods(src.pods)),
    peer: peerOf(topKey(src.clients), { protocol: src.protocol }),
    since: ctx.time(a.onset),
    lastSeen: ctx.time(a.end + 1),
    evidence: {
      figures: [
        fig('p95_latency_ms', 'p95 response time', p95, 'ms', p95b),
        fig('p50_latency_ms', 'median response time', p50, 'ms', p50b),
        fig(
          'slow_ratio',
          `share of ${what} slower than the overall median`,
          a.ratio,
          'ratio',
          a.baselineRatio,
        ),
        fig('responses', `${what} in the period`, histCount(during), 'count'),
      ],
      flows: src.samples.slice(-10),
      test: a.test,
      details: { protocol: src.protocol, routes },
    },
    explanation:
      `Since ${ctx.time(a.onset)} ${pct2(a.ratio)} of the ${what} of ${name} are slower than the overall median (${pct2(a.baselineRatio ?? 0)} before); ` +
      `the p95 went from ${p95b.toFixed(1)} ms to ${p95.toFixed(1)} ms. ` +
      (src.protocol === 'dns'
        ? 'Slow DNS delays every new connection of its clients.'
        : 'Check the pods’ load and what they call downstream.'),
    next: [ctx.next.observe(`show the ${what} of ${name}`, observeArgs, range)],
  };
}

function pct2(r: number): string {
  return `${Math.round(r * 1000) / 10}%`;
}

/** The latency rule. */
export const latencyRule: DiagnosisRule = {
  name: 'latency',
  kind: 'latency',
  help: 'Response-time regressions (p95 against the earlier window) of HTTP/gRPC servers, Kafka brokers and DNS servers, from l7.latency_ns. Thresholds: latencyMinSamples, latencyWarnFactor, latencyCritFactor, latencyMinIncreaseMs.',
  run(ctx) {
    const out: FindingDraft[] = [];
    for (const s of sources(ctx)) {
      const f = analyze(ctx, s);
      if (f) out.push(f);
    }
    return out;
  },
};
