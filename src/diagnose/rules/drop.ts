/**
 * Rule `drop`: drops for reasons other than policy, grouped by reason and node (a node with
 * CT_MAP_INSERTION_FAILED, FIB_LOOKUP_FAILED...), as a share of the node's flows against the
 * baseline, with the workload pairs that lose traffic.
 */
import type { DiagnosisRule, FindingDraft } from '../rule.js';
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
} from './common.js';

/** What a drop reason usually means, for the explanation. */
const MEANING: Record<string, string> = {
  CT_MAP_INSERTION_FAILED:
    'the connection-tracking map of the node is full: raise bpf-ct-global-tcp-max/any-max or find the pod opening connections in bulk',
  FIB_LOOKUP_FAILED:
    'the node has no route for the destination (a missing route, a down interface or a stale node address)',
  STALE_OR_UNROUTABLE_IP:
    'packets use an IP that no longer belongs to a live endpoint (a deleted pod still being addressed)',
  SERVICE_BACKEND_NOT_FOUND: 'a Service has no ready backend for the connection',
  UNKNOWN_L3_TARGET_ADDRESS: 'the destination address is not known to the node',
  NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT: 'the tunnel to the destination node is missing',
  INVALID_SOURCE_IP:
    'packets carry a source IP the endpoint does not own (spoofing or a misconfigured interface)',
  MISSED_TAIL_CALL:
    'the datapath program chain is incomplete on the node (agent upgrade or regeneration in progress)',
  UNSUPPORTED_L3_PROTOCOL:
    'packets of a protocol the datapath does not handle (often IPv6 on an IPv4-only cluster)',
};

/** The non-policy drop rule. */
export const dropRule: DiagnosisRule = {
  name: 'drop',
  kind: 'drop',
  help: 'Drops for reasons other than policy, per reason and node, as a share of the node’s flows against the baseline, with the affected workload pairs. Thresholds: dropMin, dropWarnRatio, dropCritRatio.',
  run(ctx) {
    const th = ctx.thresholds;
    const out: FindingDraft[] = [];
    for (const s of ctx.acc.drops.other.map.values()) {
      if (s.series.sum(ctx.from, ctx.to) < th.dropMin) continue;
      const node = ctx.acc.traffic.nodes.get(s.node);
      const a = analyzeRate(ctx, s.series, node?.flows ?? s.series);
      if (!a) continue;
      let severity = severityOf(a.ratio, a.events, th.dropMin, th.dropWarnRatio, th.dropCritRatio);
      if (
        severity &&
        a.baselineRatio !== undefined &&
        a.baselineRatio > 0 &&
        !(a.test.pValue < 1e-4 && a.ratio >= 2 * a.baselineRatio)
      )
        severity = 'info';
      if (!severity) severity = 'info';
      const pairs = [...s.pairs].sort((x, y) => y[1] - x[1]).slice(0, 10);
      // The workload that loses the most traffic is the subject's workload.
      const wlCounts = new Map<string, number>();
      for (const [pod, n] of s.pods) {
        const info = ctx.acc.endpoints.pod(pod);
        if (info) wlCounts.set(info.workloadKey, (wlCounts.get(info.workloadKey) ?? 0) + n);
      }
      const topWl = topKey(wlCounts);
      const podsOnNode = new Map([...s.pods].filter(([p]) => ctx.acc.endpoints.nodeOf.get(p) === s.node));
      const pods = topPods(podsOnNode.size ? podsOnNode : s.pods);
      const subject = topWl
        ? subjectOf(topWl, pods, s.node)
        : { namespace: '', workload: s.node, pods, node: s.node };
      const meaning = MEANING[s.reason];
      const range = rangeOf(ctx, a.onset, a.end);
      out.push({
        id: `drop:${s.reason}@${s.node}`,
        kind: 'drop',
        severity,
        score: magnitude(a.events, a.ratio * 10),
        title: `Drops on node ${s.node}: ${s.reason} (${pct(a.ratio)} of the node’s flows)`,
        subject,
        peer: pairs.length ? peerOf(pairs[0][0].split('>')[1]) : undefined,
        since: ctx.time(a.onset),
        lastSeen: ctx.time(a.end + 1),
        evidence: {
          figures: [
            fig('dropped', `flows dropped with ${s.reason}`, a.events, 'count'),
            fig('drop_ratio', 'share of the node’s flows', a.ratio, 'ratio', a.baselineRatio),
          ],
          flows: s.samples.list(),
          test: a.test,
          details: {
            reason: s.reason,
            node: s.node,
            pairs: pairs.map(([k, n]) => ({
              from: wlName(k.split('>')[0]),
              to: wlName(k.split('>')[1]),
              drops: n,
            })),
          },
        },
        explanation:
          `Node ${s.node} dropped ${a.events} flows with reason ${s.reason} since ${ctx.time(a.onset)} (${pct(a.ratio)} of its flows` +
          `${a.baselineRatio !== undefined ? `, ${pct(a.baselineRatio)} before` : ''}). ` +
          (meaning ? `This usually means ${meaning}. ` : '') +
          (pairs.length
            ? `Most affected: ${pairs
                .slice(0, 3)
                .map(([k]) => k.split('>').map(wlName).join(' → '))
                .join(', ')}.`
            : ''),
        next: [
          ctx.next.observe(
            `show the ${s.reason} drops on ${s.node}`,
            ['--node-name', s.node, '--verdict', 'DROPPED', '--type', 'drop'],
            range,
          ),
          ctx.next.observe(
            'list them with their reason as JSON',
            [
              '--allowlist',
              JSON.stringify(
                s.reason.startsWith('kernel ')
                  ? // a kernel reason without a Hubble name: the flows carry DROP_REASON_UNKNOWN
                    { node_name: [s.node], verdict: ['DROPPED'], drop_reason_desc: ['DROP_REASON_UNKNOWN'] }
                  : { node_name: [s.node], drop_reason_desc: [s.reason] },
              ),
              '-o',
              'json',
            ],
            range,
          ),
        ],
      });
    }
    return out;
  },
};
