/**
 * Rule `policy-drop`: flows dropped by network policy (POLICY_DENIED, POLICY_DENY), one
 * finding per source workload → destination and port, attributed to the policies behind the
 * drop: through the policy set when one is given (which policies select the pods, why none of
 * their rules admits the flow, the smallest rule that would), else from the flow's own
 * `*_denied_by` fields, else as a default deny of the isolated side.
 */
import { EndpointRegistry } from '../endpoint.js';
import type { DiagnosisRule, FindingDraft, RuleContext } from '../rule.js';
import type { PolicyDropStat } from '../tables/drops.js';
import type { PolicyAttribution, Severity } from '../types.js';
import {
  analyzeRate,
  fig,
  magnitude,
  pct,
  peerOf,
  rangeOf,
  subjectOf,
  topKey,
  topPods,
  wlName,
} from './common.js';

function fromFlowFields(s: PolicyDropStat): PolicyAttribution[] {
  return [...s.deniedBy.values()].map((p) => ({
    kind: p.kind || 'NetworkPolicy',
    namespace: p.namespace,
    name: p.name,
    direction: p.direction,
    role: 'deny-rule' as const,
    reasons: ['named by the datapath in the flow’s *_denied_by field'],
    source: 'flow' as const,
  }));
}

function inferred(s: PolicyDropStat, direction: 'ingress' | 'egress'): PolicyAttribution {
  const side = direction === 'ingress' ? s.dst : s.src;
  const who = side ? wlName(side.workloadKey) : 'the pod';
  return {
    kind: 'default-deny',
    namespace: side?.namespace || undefined,
    direction,
    role: 'denies',
    reasons: [
      `${who} is isolated for ${direction} by at least one policy and none admits this flow; give --policies to name the policies`,
    ],
    source: 'inferred',
  };
}

function directionOf(s: PolicyDropStat): 'ingress' | 'egress' {
  return topKey(s.directions) === 'EGRESS' ? 'egress' : 'ingress';
}

/** The policy drop rule. */
export const policyDropRule: DiagnosisRule = {
  name: 'policy-drop',
  kind: 'policy-drop',
  help: 'Flows dropped by policy (POLICY_DENIED/POLICY_DENY) per source workload, destination and port, with the policies behind them and the smallest rule that would admit the traffic. Thresholds: policyDropMin.',
  run(ctx) {
    const out: FindingDraft[] = [];
    for (const s of ctx.acc.drops.policy.map.values()) {
      const f = finding(ctx, s);
      if (f) out.push(f);
    }
    return out;
  },
};

function finding(ctx: RuleContext, s: PolicyDropStat): FindingDraft | undefined {
  const th = ctx.thresholds;
  if (!s.src || !s.dst || s.series.sum(ctx.from, ctx.to) === 0) return undefined;
  const edge = ctx.acc.traffic.edges.map.get(s.src.workloadKey + '>' + s.dst.workloadKey);
  const totals = edge ? edge.flows : s.series;
  const a = analyzeRate(ctx, s.series, totals);
  if (!a) return undefined;
  // Did this traffic get through before the drops started? Then a change broke it.
  const forwardedBefore = edge ? edge.forwarded.sum(ctx.dataFrom, a.onset - 1) : 0;
  let severity: Severity = a.events >= th.policyDropMin ? 'warning' : 'info';
  if (
    a.events >= th.policyDropMin &&
    (forwardedBefore > 0 || a.ratio >= 0.5) &&
    a.events >= 10 * th.policyDropMin
  )
    severity = 'critical';
  if (a.events >= th.policyDropMin && forwardedBefore > 0 && a.changed) severity = 'critical';
  const direction = directionOf(s);
  const att = s.representative && ctx.attributor ? ctx.attributor.attribute(s.representative) : undefined;
  let policies: PolicyAttribution[] = att?.policies ?? [];
  if (policies.length === 0) policies = fromFlowFields(s);
  if (policies.length === 0) policies = [inferred(s, direction)];
  const srcName = wlName(s.src.workloadKey);
  const dstIP = topKey(s.dstIPs);
  const dstName =
    s.dst.kind === 'pod'
      ? wlName(s.dst.workloadKey)
      : dstIP
        ? `${s.dst.workload} (${dstIP})`
        : s.dst.workload;
  const portText = s.port ? ` port ${s.port}/${s.protocol}` : s.protocol ? ` ${s.protocol}` : '';
  const named = policies.filter((p) => p.name).map((p) => `${p.namespace ? p.namespace + '/' : ''}${p.name}`);
  const srcPods = topPods(s.srcPods);
  const dstPods = topPods(s.dstPods);
  const range = rangeOf(ctx, a.onset, a.end);
  const sw = EndpointRegistry.splitWorkloadKey(s.src.workloadKey);
  const fromArgs =
    srcPods.length === 1 && sw.namespace
      ? ['--from-pod', `${sw.namespace}/${srcPods[0]}`]
      : sw.namespace
        ? ['--from-namespace', sw.namespace, '--from-workload', sw.workload]
        : [];
  const toArgs =
    s.dst.kind === 'pod'
      ? dstPods.length === 1
        ? ['--to-pod', `${s.dst.namespace}/${dstPods[0]}`]
        : ['--to-namespace', s.dst.namespace, '--to-workload', s.dst.workload]
      : dstIP
        ? ['--to-ip', dstIP]
        : [];
  const samples = s.samples.list();
  const next = [
    ctx.next.observe(
      `show the dropped flows from ${srcName} to ${dstName}`,
      [...fromArgs, ...toArgs, ...(s.port ? ['--to-port', String(s.port)] : []), '--verdict', 'DROPPED'],
      range,
    ),
  ];
  if (samples.length > 0)
    next.push(
      ctx.next.explain(
        'explain which policies drop it and what rule would admit it',
        samples[samples.length - 1],
      ),
    );
  const lostTraffic = edge ? edge.forwarded.sum(a.onset, a.end) : 0;
  const explanation =
    `${a.events} flows from ${srcName} to ${dstName}${portText} were dropped by network policy (${direction}) since ${ctx.time(a.onset)}` +
    (forwardedBefore > 0
      ? `; the same traffic was forwarded before (${forwardedBefore} flows), so a policy change broke it`
      : '') +
    (lostTraffic === 0
      ? '; none of it gets through now. '
      : `; ${lostTraffic} flows of the pair were still forwarded. `) +
    (att?.explanation ??
      (named.length > 0
        ? `The datapath names ${named.join(', ')}.`
        : `No policy file was given, so the policy is inferred: ${policies[0].reasons[0]}.`));
  return {
    id: `policy-drop:${srcName}>${wlName(s.dst.workloadKey)}:${s.port}/${s.protocol}`,
    kind: 'policy-drop',
    severity,
    // A change that broke working traffic ranks above traffic that was never allowed.
    score: magnitude(a.events, a.ratio) + (forwardedBefore > 0 ? 1 : 0),
    title: `Policy drops: ${srcName} → ${dstName}${portText} denied${named.length ? ` (${named.slice(0, 2).join(', ')})` : ''}`,
    subject: subjectOf(s.src.workloadKey, srcPods),
    peer: peerOf(s.dst.kind === 'pod' ? s.dst.workloadKey : undefined, {
      ...(s.dst.kind !== 'pod' ? { workload: s.dst.workload } : {}),
      ...(dstPods.length ? { pods: dstPods } : {}),
      ...(dstIP ? { ip: dstIP } : {}),
      ...(s.port ? { port: s.port } : {}),
      ...(s.protocol ? { protocol: s.protocol } : {}),
    }),
    since: ctx.time(a.onset),
    lastSeen: ctx.time(a.end + 1),
    evidence: {
      figures: [
        fig('dropped', 'flows dropped by policy', a.events, 'count'),
        fig('drop_ratio', 'share of the pair’s flows dropped', a.ratio, 'ratio', a.baselineRatio),
        fig(
          'forwarded_before',
          'flows of the pair forwarded before the drops began',
          forwardedBefore,
          'count',
        ),
      ],
      flows: samples,
      test: a.test,
      details: {
        direction,
        sourcePods: srcPods,
        destinationPods: dstPods,
        destinationIPs: [...s.dstIPs.keys()].slice(0, 10),
        dropShare: pct(a.ratio),
      },
    },
    explanation,
    next,
    policies,
    ...(att?.proposal ? { proposal: att.proposal } : {}),
  };
}
