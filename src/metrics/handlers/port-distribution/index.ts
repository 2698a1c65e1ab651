/** `port-distribution`: hubble_port_distribution_total{protocol, port} for forwarded non-reply flows. */
import type { Flow } from '../../../flow/index.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';

function protoPort(flow: Flow): [string, string] | undefined {
  const l4 = flow.l4!;
  if (l4.TCP) return ['TCP', String(l4.TCP.destination_port ?? 0)];
  if (l4.UDP) return ['UDP', String(l4.UDP.destination_port ?? 0)];
  if (l4.SCTP) return ['SCTP', String(l4.SCTP.destination_port ?? 0)];
  if (l4.ICMPv4) return ['ICMPv4', '0'];
  if (l4.ICMPv6) return ['ICMPv6', '0'];
  if (l4.VRRP) return ['VRRP', '0'];
  if (l4.IGMP) return ['IGMP', '0'];
  return undefined;
}

/** The `port-distribution` handler plugin. */
export const portDistributionPlugin: MetricPlugin = {
  name: 'port-distribution',
  help: 'hubble_port_distribution_total{protocol,port} (counter) for forwarded requests',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const n = ctx.size;
    const fam = contextFamily(
      h,
      'hubble_port_distribution_total',
      'Numbers of packets distributed by destination port',
      'counter',
      ['protocol', 'port'],
    );
    const fill: LabelFill<[string, string]> = (out, flow, level, pp) => {
      ctx.fill(out, 0, flow, level);
      out[n] = pp[0];
      out[n + 1] = pp[1];
    };
    return {
      observe(flow, facts) {
        if (!facts.forwarded || facts.l4 === undefined || facts.reply !== 0) return;
        const pp = protoPort(flow);
        if (pp === undefined) return;
        fam.add(ctx.keyOf(facts), `${pp[0]}|${pp[1]}`, fill, flow, pp, 1);
      },
    };
  },
};
