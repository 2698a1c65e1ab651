/**
 * Rule `tcp-reset`: RST storms between two workloads: which pods send them, which receive
 * them, their share of the pair's TCP flows against the baseline, and whether they follow the
 * load (Pearson correlation of resets and TCP flows over time).
 */
import { EndpointRegistry } from '../endpoint.js';
import type { DiagnosisRule, FindingDraft, RuleContext } from '../rule.js';
import { Series } from '../series.js';
import { pearson, round } from '../stats.js';
import {
  analyzeRate,
  coarseFactor,
  denseRange,
  fig,
  magnitude,
  peerOf,
  rangeOf,
  severityOf,
  subjectOf,
  topKey,
  topPods,
  wlName,
} from './common.js';

/**
 * The pair's TCP connections (SYNs, either direction), the denominator of the reset ratio: a
 * reset aborts a connection, so resets per connection do not depend on how many packets the
 * connections carry. Falls back to TCP flows when the flows carry no flags.
 */
function pairConnections(ctx: RuleContext, a: string, b: string): { conns: Series; tcp: Series } {
  const conns = new Series();
  const tcp = new Series();
  for (const key of [a + '>' + b, b + '>' + a]) {
    const e = ctx.acc.traffic.edges.map.get(key);
    if (!e) continue;
    conns.merge(e.syn);
    tcp.merge(e.tcp);
  }
  return { conns: conns.total > 0 ? conns : tcp, tcp };
}

/** The TCP reset rule. */
export const tcpResetRule: DiagnosisRule = {
  name: 'tcp-reset',
  kind: 'tcp-reset',
  help: 'RST storms per sending and receiving workload: RST share of the pair’s TCP flows against the baseline, the pods involved, and whether the storm follows load. Thresholds: rstMin, rstWarnRatio, rstCritRatio.',
  run(ctx) {
    const th = ctx.thresholds;
    const out: FindingDraft[] = [];
    for (const [key, r] of ctx.acc.traffic.rst.map) {
      if (r.series.sum(ctx.from, ctx.to) < th.rstMin) continue;
      const [sender, receiver] = key.split('>');
      const { conns, tcp } = pairConnections(ctx, sender, receiver);
      const a = analyzeRate(ctx, r.series, conns);
      if (!a) continue;
      let severity = severityOf(a.ratio, a.events, th.rstMin, th.rstWarnRatio, th.rstCritRatio);
      if (
        severity &&
        a.baselineRatio !== undefined &&
        !(a.test.pValue < 1e-4 && a.ratio >= 2 * a.baselineRatio)
      )
        severity = undefined;
      if (!severity) continue;
      const k = coarseFactor(ctx);
      const from = Math.floor((a.onset - ctx.dataFrom) / k);
      const to = Math.floor((a.end - ctx.dataFrom) / k) + 1;
      const rc = denseRange(ctx, r.series, k).subarray(from, to);
      const tc = denseRange(ctx, tcp, k).subarray(from, to);
      const corr = round(pearson(rc, tc), 3);
      const followsLoad = rc.length >= 3 && corr >= 0.6;
      const sName = wlName(sender);
      const rName = wlName(receiver);
      const senders = topPods(r.senders);
      const receivers = topPods(r.receivers);
      const port = Number(topKey(r.ports) ?? 0) || undefined;
      const sw = EndpointRegistry.splitWorkloadKey(sender);
      const rw = EndpointRegistry.splitWorkloadKey(receiver);
      const range = rangeOf(ctx, a.onset, a.end);
      const fromArgs =
        senders.length === 1 && sw.namespace
          ? ['--from-pod', `${sw.namespace}/${senders[0]}`]
          : sw.namespace
            ? ['--from-namespace', sw.namespace, '--from-workload', sw.workload]
            : [];
      const toArgs =
        receivers.length === 1 && rw.namespace
          ? ['--to-pod', `${rw.namespace}/${receivers[0]}`]
          : rw.namespace
            ? ['--to-namespace', rw.namespace, '--to-workload', rw.workload]
            : [];
      out.push({
        id: `tcp-reset:${sName}>${rName}`,
        kind: 'tcp-reset',
        severity,
        score: magnitude(a.events, a.ratio),
        title: `TCP resets: ${senders.slice(0, 3).join(', ')}${senders.length > 3 ? '…' : ''} (${sName}) sends RSTs to ${rName} (${Math.round(a.ratio * 100) / 100} per connection)`,
        subject: subjectOf(sender, senders),
        peer: peerOf(receiver, { pods: receivers, protocol: 'TCP', ...(port ? { port } : {}) }),
        since: ctx.time(a.onset),
        lastSeen: ctx.time(a.end + 1),
        evidence: {
          figures: [
            fig(
              'rst_ratio',
              'RST flows per new TCP connection of the pair',
              a.ratio,
              'ratio',
              a.baselineRatio,
            ),
            fig('rst', 'RST flows', a.events, 'count'),
            fig(
              'rst_rate',
              'RST flows per second',
              a.events / Math.max(1, ((a.end - a.onset + 1) * ctx.acc.bucketMs) / 1000),
              'per_s',
            ),
            fig('load_correlation', 'correlation of resets with TCP flows over time', corr, 'ratio'),
          ],
          flows: r.samples.list(),
          test: a.test,
          details: {
            senders: Object.fromEntries(
              [...r.senders]
                .sort((x, y) => y[1] - x[1])
                .slice(0, 10)
                .map(([p, n]) => [EndpointRegistry.podName(p), n]),
            ),
            receivers: Object.fromEntries(
              [...r.receivers]
                .sort((x, y) => y[1] - x[1])
                .slice(0, 10)
                .map(([p, n]) => [EndpointRegistry.podName(p), n]),
            ),
            followsLoad,
          },
        },
        explanation:
          `${senders.join(', ')} sent ${a.events} TCP resets to ${rName} since ${ctx.time(a.onset)} (${Math.round(a.ratio * 100) / 100} per new connection` +
          `${a.baselineRatio !== undefined ? `, ${Math.round(a.baselineRatio * 100) / 100} before` : ''}). ` +
          (followsLoad
            ? 'The resets rise and fall with the traffic (correlation ' +
              corr +
              '), so a share of connections is refused or aborted under load: look at the connection limits and health of the sending pods.'
            : 'The resets do not follow the traffic volume (correlation ' +
              corr +
              '): the sending side refuses connections regardless of load — a crashed listener, a restart, or an aborted connection pool.'),
        next: [
          ctx.next.observe(
            `show the resets from ${sName} to ${rName}`,
            [...fromArgs, ...toArgs, '--tcp-flags', 'RST'],
            range,
          ),
          ctx.next.observe(
            `show all TCP traffic between them`,
            [
              ...(sw.namespace ? ['--namespace', sw.namespace] : []),
              '--protocol',
              'tcp',
              ...(port ? ['--port', String(port)] : []),
            ],
            range,
          ),
        ],
      });
    }
    return out;
  },
};
