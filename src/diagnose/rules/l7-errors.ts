/**
 * Rule `l7-errors`: HTTP 5xx (and gRPC non-OK status) and 4xx ratios per server workload,
 * broken down by route, and Kafka error codes and missing responses per broker workload and
 * topic. A finding needs enough errors, a high enough ratio and, when there is a baseline, a
 * significant increase over it.
 */
import type { FindingDraft, RuleContext, DiagnosisRule } from '../rule.js';
import { Series } from '../series.js';
import type { HttpRouteStat, KafkaStat } from '../tables/l7.js';
import {
  analyzeRate,
  fig,
  magnitude,
  pct,
  peerOf,
  rangeOf,
  severityOf,
  subjectOf,
  topKey,
  topPods,
  wlName,
  type RateAnalysis,
} from './common.js';
import { EndpointRegistry } from '../endpoint.js';
import { mergeCounts } from '../series.js';

interface WorkloadHttp {
  total: Series;
  errors: Series;
  e4xx: Series;
  routes: HttpRouteStat[];
  podErrors: Map<string, number>;
  clients: Map<string, number>;
  grpc: boolean;
}

function byWorkload(ctx: RuleContext): Map<string, WorkloadHttp> {
  const out = new Map<string, WorkloadHttp>();
  for (const r of ctx.acc.l7.http.map.values()) {
    let w = out.get(r.server);
    if (!w)
      out.set(
        r.server,
        (w = {
          total: new Series(),
          errors: new Series(),
          e4xx: new Series(),
          routes: [],
          podErrors: new Map(),
          clients: new Map(),
          grpc: false,
        }),
      );
    w.total.merge(r.total);
    w.errors.merge(r.e5xx);
    w.errors.merge(r.grpcErr);
    w.e4xx.merge(r.e4xx);
    w.routes.push(r);
    mergeCounts(w.podErrors, r.podErrors);
    mergeCounts(w.clients, r.clients);
    if (r.grpcErr.total > 0 || r.protocol === 'HTTP/2') w.grpc ||= r.grpcErr.total > 0;
  }
  return out;
}

function routeBreakdown(
  ctx: RuleContext,
  routes: HttpRouteStat[],
  pick: (r: HttpRouteStat) => Series[],
  a: RateAnalysis,
) {
  return routes
    .map((r) => {
      const errs = pick(r).reduce((s, x) => s + x.sum(a.onset, a.end), 0);
      const total = r.total.sum(a.onset, a.end);
      return {
        route: `${r.method} ${r.route}`.trim(),
        errors: errs,
        responses: total,
        ratio: total ? errs / total : 0,
        codes: Object.fromEntries(r.codes),
      };
    })
    .filter((x) => x.errors > 0)
    .sort((x, y) => y.errors - x.errors)
    .slice(0, 10);
}

function httpFinding(
  ctx: RuleContext,
  wk: string,
  w: WorkloadHttp,
  cls: '5xx' | '4xx',
): FindingDraft | undefined {
  const th = ctx.thresholds;
  const errors = cls === '5xx' ? w.errors : w.e4xx;
  if (errors.sum(ctx.from, ctx.to) < th.l7MinErrors) return undefined;
  const a = analyzeRate(ctx, errors, w.total);
  if (!a) return undefined;
  const warn = cls === '5xx' ? th.l7WarnRatio : th.l7Warn4xxRatio;
  const crit = cls === '5xx' ? th.l7CritRatio : Math.max(th.l7CritRatio, 0.5);
  let severity = severityOf(a.ratio, a.events, th.l7MinErrors, warn, crit);
  // With a baseline, demand a real increase (a steady 4xx share is usually by design).
  if (severity && a.baselineRatio !== undefined && !(a.test.pValue < 1e-4 && a.ratio >= 2 * a.baselineRatio))
    severity = cls === '5xx' && a.ratio >= crit ? 'warning' : undefined;
  if (!severity) {
    if (!(a.changed && a.test.pValue < 1e-6 && a.ratio >= warn / 2)) return undefined;
    severity = 'info';
  }
  const routes = routeBreakdown(ctx, w.routes, (r) => (cls === '5xx' ? [r.e5xx, r.grpcErr] : [r.e4xx]), a);
  const top = routes[0];
  const name = wlName(wk);
  const label = cls === '5xx' ? (w.grpc ? '5xx/gRPC errors' : 'HTTP 5xx') : 'HTTP 4xx';
  const samples = w.routes.flatMap((r) => r.samples.list(4)).slice(0, 10);
  const client = topKey(w.clients);
  const { namespace, workload } = EndpointRegistry.splitWorkloadKey(wk);
  const range = rangeOf(ctx, a.onset, a.end);
  const status = cls === '5xx' ? '5+' : '4+';
  return {
    kind: 'l7-errors',
    severity,
    score: magnitude(a.events, a.ratio),
    title: `${label}: ${pct(a.ratio)} of responses from ${name} fail${top ? ` (top route ${top.route})` : ''}`,
    subject: subjectOf(wk, topPods(w.podErrors)),
    peer: peerOf(client, top ? { name: top.route } : {}),
    since: ctx.time(a.onset),
    lastSeen: ctx.time(a.end + 1),
    evidence: {
      figures: [
        fig(`error_ratio_${cls}`, `${label} share of responses`, a.ratio, 'ratio', a.baselineRatio),
        fig('errors', `${label} responses`, a.events, 'count'),
        fig('responses', 'responses in the period', a.total, 'count'),
      ],
      flows: samples,
      test: a.test,
      details: {
        class: cls,
        routes,
        clients: Object.fromEntries(
          [...w.clients]
            .sort((x, y) => y[1] - x[1])
            .slice(0, 10)
            .map(([k, v]) => [wlName(k), v]),
        ),
      },
    },
    explanation:
      `${name} answered ${a.events} of ${a.total} HTTP requests with ${cls === '5xx' ? 'server errors (5xx or a gRPC error status)' : 'client errors (4xx)'} ` +
      `since ${ctx.time(a.onset)}${a.baselineRatio !== undefined ? `, against ${pct(a.baselineRatio)} before` : ''}.` +
      (top ? ` Most failures are on ${top.route} (${pct(top.ratio)} of its responses).` : '') +
      (cls === '5xx'
        ? ' Look at what the pods depend on: resets, drops or DNS failures towards their backends usually come first.'
        : ''),
    next: [
      ctx.next.observe(
        `show the failing responses of ${name}`,
        ['--from-workload', workload, '--from-namespace', namespace, '--http-status', status],
        range,
      ),
      ctx.next.observe(
        `show everything ${name} sends and receives, to find the failing dependency`,
        ['--namespace', namespace, '--workload', workload, '--verdict', 'DROPPED'],
        range,
      ),
    ],
  };
}

function kafkaFinding(ctx: RuleContext, s: KafkaStat): FindingDraft | undefined {
  const th = ctx.thresholds;
  // Missing responses count as failures too (requests the broker never answered).
  const missing = new Series();
  for (const [b, req] of s.requests.points) {
    const m = req - s.responses.get(b);
    if (m > 0) missing.add(b, m);
  }
  const failures = new Series();
  failures.merge(s.errors);
  failures.merge(missing);
  const attempts = s.requests.total > 0 ? s.requests : s.responses;
  if (failures.sum(ctx.from, ctx.to) < th.l7MinErrors) return undefined;
  const a = analyzeRate(ctx, failures, attempts);
  if (!a) return undefined;
  let severity = severityOf(a.ratio, a.events, th.l7MinErrors, th.l7WarnRatio, th.l7CritRatio);
  if (severity && a.baselineRatio !== undefined && !(a.test.pValue < 1e-4 && a.ratio >= 2 * a.baselineRatio))
    severity = undefined;
  if (!severity) return undefined;
  const name = wlName(s.broker);
  const { namespace, workload } = EndpointRegistry.splitWorkloadKey(s.broker);
  const missingN = missing.sum(a.onset, a.end);
  const codes = Object.fromEntries(s.codes);
  return {
    kind: 'l7-errors',
    severity,
    score: magnitude(a.events, a.ratio),
    title: `Kafka errors: ${pct(a.ratio)} of ${s.apiKey || 'requests'} on topic ${s.topic || '?'} at ${name} fail`,
    subject: subjectOf(s.broker, topPods(s.podErrors)),
    peer: peerOf(topKey(s.clients), { name: s.topic, protocol: 'kafka' }),
    since: ctx.time(a.onset),
    lastSeen: ctx.time(a.end + 1),
    evidence: {
      figures: [
        fig(
          'error_ratio',
          'failed Kafka requests (error code or no response)',
          a.ratio,
          'ratio',
          a.baselineRatio,
        ),
        fig('errors', 'responses with an error code', a.events - missingN, 'count'),
        fig('missing_responses', 'requests without a response', missingN, 'count'),
      ],
      flows: s.samples.list(),
      test: a.test,
      details: { topic: s.topic, apiKey: s.apiKey, errorCodes: codes },
    },
    explanation:
      `The Kafka broker ${name} failed ${a.events} of ${a.total} ${s.apiKey || ''} requests on topic ${s.topic || '?'} since ${ctx.time(a.onset)}` +
      `${Object.keys(codes).length ? ` (error codes ${Object.keys(codes).join(', ')})` : ''}${missingN ? `, ${missingN} never answered` : ''}.`,
    next: [
      ctx.next.observe(
        `show the Kafka traffic of ${name}`,
        ['--to-namespace', namespace, '--to-workload', workload, '--protocol', 'kafka'],
        rangeOf(ctx, a.onset, a.end),
      ),
    ],
  };
}

/** The L7 error rule. */
export const l7ErrorsRule: DiagnosisRule = {
  name: 'l7-errors',
  kind: 'l7-errors',
  help: 'HTTP 5xx/gRPC and 4xx ratios per server workload and route, Kafka error codes and unanswered requests per broker and topic. Thresholds: l7MinErrors, l7WarnRatio, l7CritRatio, l7Warn4xxRatio.',
  run(ctx) {
    const out: FindingDraft[] = [];
    for (const [wk, w] of byWorkload(ctx)) {
      const f5 = httpFinding(ctx, wk, w, '5xx');
      if (f5) out.push(f5);
      const f4 = httpFinding(ctx, wk, w, '4xx');
      if (f4) out.push({ ...f4, id: `l7-errors:${wlName(wk)}:4xx` });
    }
    for (const s of ctx.acc.l7.kafka.map.values()) {
      const f = kafkaFinding(ctx, s);
      if (f) out.push({ ...f, id: `l7-errors:${wlName(s.broker)}:kafka:${s.topic}` });
    }
    return out;
  },
};
