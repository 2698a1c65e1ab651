/**
 * `policy`: hubble_policy_verdicts_total{direction, match, action} for policy-verdict events
 * (except those from the host) and L7 records (`match` = `l7/http`, `l7/dns`, `l7/kafka`).
 */
import type { Flow } from '../../../flow/index.js';
import type { FlowFacts } from '../../facts.js';
import { EVENT, POLICY_MATCH, directionName, verdictName } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';

function matchLabel(flow: Flow): string {
  if ((flow.event_type?.type ?? 0) === EVENT.L7) {
    const l7 = flow.l7;
    return 'l7/' + (l7?.dns ? 'dns' : l7?.http ? 'http' : l7?.kafka ? 'kafka' : '');
  }
  return POLICY_MATCH[flow.policy_match_type ?? 0] ?? 'unknown';
}

/** (direction, match, action) as one small integer, or their text when unusual. */
function policyCode(flow: Flow, facts: FlowFacts): number | string {
  let match: number;
  if (facts.eventType === EVENT.L7) {
    // protocol: 0 DNS, 1 HTTP, 2 Kafka, 3 other (flow-fields.ts protocolIndex)
    match = 8 + facts.protocol;
  } else {
    const m = flow.policy_match_type ?? 0;
    match = m >= 0 && m < POLICY_MATCH.length ? m : 7;
  }
  const d = flow.traffic_direction;
  const dir = d === undefined ? 0 : d === 'INGRESS' || d === 1 ? 1 : d === 'EGRESS' || d === 2 ? 2 : -1;
  if (dir < 0 || facts.verdict < 0) return `${directionName(flow)}|${matchLabel(flow)}|${verdictName(flow)}`;
  return (dir * 16 + match) * 1024 + facts.verdict;
}

/** The `policy` handler plugin. */
export const policyPlugin: MetricPlugin = {
  name: 'policy',
  help: 'hubble_policy_verdicts_total{direction,match,action} (counter) for policy verdicts and L7 records',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const n = ctx.size;
    const fam = contextFamily(
      h,
      'hubble_policy_verdicts_total',
      'Total number of Cilium network policy verdicts',
      'counter',
      ['direction', 'match', 'action'],
    );
    const fill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      out[n] = directionName(flow).toLowerCase();
      out[n + 1] = matchLabel(flow);
      out[n + 2] = verdictName(flow).toLowerCase();
    };
    return {
      observe(flow, facts) {
        const t = facts.eventType;
        if (t === EVENT.PolicyVerdict) {
          if (flow.source?.identity === 1) return;
        } else if (t !== EVENT.L7) return;
        fam.add(ctx.keyOf(facts), policyCode(flow, facts), fill, flow, undefined, 1);
      },
    };
  },
};
