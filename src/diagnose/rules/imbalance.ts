/**
 * Rule `imbalance`: uneven load across the replicas of a workload or the endpoints of a
 * Service. Each live replica's share of new connections (TCP SYNs seen at its ingress; else
 * all ingress flows) is compared with the expected 1/N by a chi-square goodness-of-fit test;
 * a finding needs both a tiny p-value and a large deviation, so small samples and ordinary
 * noise never raise one. Replicas seen anywhere in the window but receiving nothing count with
 * a share of 0.
 */
import { EndpointRegistry } from '../endpoint.js';
import type { DiagnosisRule, FindingDraft, RuleContext } from '../rule.js';
import { Series } from '../series.js';
import { fromPortKey, type LoadGroup, type PodLoad } from '../tables/traffic.js';
import { chiSquareGoodnessOfFit, round } from '../stats.js';
import { analyzeRate, fig, peerOf, rangeOf, subjectOf, topKey, wlName } from './common.js';

type Measure = 'conns' | 'ingress' | 'any';

interface Candidate {
  pod: string;
  load?: PodLoad;
}

/** The replicas that lived through the common part of the window, and that span. */
function replicas(
  ctx: RuleContext,
  g: LoadGroup,
): { pods: Candidate[]; from: number; to: number } | undefined {
  const cand = new Map<string, Candidate>();
  for (const [pod, load] of g.pods) cand.set(pod, { pod, load });
  for (const wk of g.workloads.keys()) {
    for (const pod of ctx.acc.endpoints.podsOf.get(wk)?.keys() ?? [])
      if (!cand.has(pod)) cand.set(pod, { pod });
  }
  let from = ctx.from;
  let to = ctx.to;
  const live: Candidate[] = [];
  for (const c of cand.values()) {
    const seen = findSeen(ctx, c.pod);
    if (!seen || seen.last < ctx.from || seen.first > ctx.to) continue;
    live.push(c);
  }
  // Use the span in which every live replica existed; drop replicas that lived too briefly.
  const spans = live.map((c) => findSeen(ctx, c.pod)!);
  const window = ctx.to - ctx.from + 1;
  const keep = live.filter(
    (_, i) => Math.min(spans[i].last, ctx.to) - Math.max(spans[i].first, ctx.from) + 1 >= 0.5 * window,
  );
  for (const c of keep) {
    const s = findSeen(ctx, c.pod)!;
    from = Math.max(from, s.first);
    to = Math.min(to, s.last);
  }
  if (keep.length < 2 || to < from) return undefined;
  return { pods: keep, from, to };
}

function findSeen(ctx: RuleContext, pod: string) {
  const info = ctx.acc.endpoints.pod(pod);
  return info ? ctx.acc.endpoints.podsOf.get(info.workloadKey)?.get(pod) : undefined;
}

function pickMeasure(
  ctx: RuleContext,
  pods: Candidate[],
  from: number,
  to: number,
  minTotal: number,
): Measure | undefined {
  for (const m of ['conns', 'ingress', 'any'] as const) {
    const total = pods.reduce((s, c) => s + (c.load?.[m].sum(from, to) ?? 0), 0);
    if (total >= minTotal) return m;
  }
  return undefined;
}

/** The imbalance rule. */
export const imbalanceRule: DiagnosisRule = {
  name: 'imbalance',
  kind: 'imbalance',
  help: 'Uneven load across the replicas of a workload or Service: each replica’s share of new connections against 1/N, chi-square goodness-of-fit test. Thresholds: imbalanceP, imbalanceMinDeviation, imbalanceMinExpected.',
  run(ctx) {
    const th = ctx.thresholds;
    const out: FindingDraft[] = [];
    for (const [gk, g] of ctx.acc.traffic.groups.map) {
      const r = replicas(ctx, g);
      if (!r) continue;
      const n = r.pods.length;
      const measure = pickMeasure(ctx, r.pods, r.from, r.to, n * th.imbalanceMinExpected);
      if (!measure) continue;
      const counts = r.pods.map((c) => c.load?.[measure].sum(r.from, r.to) ?? 0);
      const total = counts.reduce((a, b) => a + b, 0);
      const test = chiSquareGoodnessOfFit(counts);
      const shares = counts.map((c) => c / total);
      const dev = shares.map((s) => s * n - 1);
      const maxDev = Math.max(...dev.map(Math.abs));
      if (!(test.pValue < th.imbalanceP) || maxDev < th.imbalanceMinDeviation) continue;
      const order = counts.map((_, i) => i).sort((a, b) => counts[b] - counts[a]);
      const hot = order[0];
      const cold = order[order.length - 1];
      const hotFactor = shares[hot] * n;
      const coldFactor = shares[cold] * n;
      const severity = hotFactor >= 2 || coldFactor <= 0.25 ? 'warning' : 'info';
      // Onset: when the hottest replica's share rose.
      const groupTotal = new Series();
      for (const c of r.pods) if (c.load) groupTotal.merge(c.load[measure]);
      const hotLoad = r.pods[hot].load?.[measure];
      const a = hotLoad ? analyzeRate(ctx, hotLoad, groupTotal) : undefined;
      const onset = a?.changed ? Math.max(a.onset, r.from) : r.from;
      const wk = topKey(g.workloads) ?? '';
      const name = gk.startsWith('svc:') ? `Service ${gk.slice(4)}` : wlName(wk);
      const podNames = order.map((i) => EndpointRegistry.podName(r.pods[i].pod));
      const { namespace, workload } = EndpointRegistry.splitWorkloadKey(wk);
      const what = measure === 'conns' ? 'new connections' : 'incoming flows';
      const perPod = order.map((i) => ({
        pod: EndpointRegistry.podName(r.pods[i].pod),
        count: counts[i],
        share: round(shares[i]),
        expected: round(1 / n),
      }));
      const range = rangeOf(ctx, onset, r.to);
      const topPort = [...g.ports].sort((x, y) => y[1] - x[1])[0]?.[0];
      out.push({
        id: `imbalance:${gk.slice(gk.indexOf(':') + 1)}`,
        kind: 'imbalance',
        severity,
        score: round(Math.log10(1 + total) * Math.min(2, maxDev), 3),
        title: `Imbalance across ${n} replicas of ${name}: ${podNames[0]} gets ${Math.round(shares[hot] * 100)}% of ${what} (expected ${Math.round(100 / n)}%)`,
        subject: subjectOf(wk, podNames),
        peer: peerOf(topKey(g.clients), topPort ? { ...fromPortKey(topPort) } : {}),
        since: ctx.time(onset),
        lastSeen: ctx.time(r.to + 1),
        evidence: {
          figures: [
            fig('hottest_share', `share of ${what} on ${podNames[0]}`, shares[hot], 'ratio', 1 / n),
            fig(
              'coldest_share',
              `share of ${what} on ${podNames[podNames.length - 1]}`,
              shares[cold],
              'ratio',
              1 / n,
            ),
            fig('replicas', 'live replicas', n, 'count'),
            fig('total', `${what} counted`, total, 'count'),
          ],
          flows: [],
          test: {
            name: 'chi-square goodness of fit against equal shares',
            statistic: round(test.statistic),
            pValue: test.pValue,
            df: test.df,
          },
          details: { group: gk, measure, pods: perPod },
        },
        explanation:
          `The ${n} replicas behind ${name} should each get about ${Math.round(100 / n)}% of the ${what}; ${podNames[0]} gets ${Math.round(shares[hot] * 100)}% (${hotFactor.toFixed(1)}× its share) ` +
          `and ${podNames[podNames.length - 1]} ${Math.round(shares[cold] * 100)}%. With ${total} ${what} this cannot be chance (chi-square p = ${test.pValue.toExponential(1)}). ` +
          'Typical causes: session affinity, long-lived connections pinned by a client pool, a topology-aware routing hint, or unready replicas.',
        next: [
          ctx.next.observe(
            `show the ${what} to ${podNames[0]}`,
            [
              '--to-pod',
              `${namespace}/${podNames[0]}`,
              '--traffic-direction',
              'ingress',
              ...(measure === 'conns' ? ['--tcp-flags', 'SYN'] : []),
            ],
            range,
          ),
          ctx.next.observe(
            `compare with ${podNames[podNames.length - 1]}`,
            ['--to-pod', `${namespace}/${podNames[podNames.length - 1]}`, '--traffic-direction', 'ingress'],
            range,
          ),
          ...(gk.startsWith('wl:')
            ? []
            : [ctx.next.observe(`show all traffic to the Service`, ['--to-service', gk.slice(4)], range)]),
        ].slice(0, workload ? 3 : 1),
      });
    }
    return out;
  },
};
