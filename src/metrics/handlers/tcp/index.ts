/** `tcp`: hubble_tcp_flags_total{flag, family}: FIN, SYN or SYN-ACK, RST of forwarded TCP flows. */
import type { Flow } from '../../../flow/index.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type FlowFacts } from '../../facts.js';
import { ipVersionName } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';

/** The `tcp` handler plugin. */
export const tcpPlugin: MetricPlugin = {
  name: 'tcp',
  help: 'hubble_tcp_flags_total{flag,family} (counter): FIN, SYN, SYN-ACK, RST of forwarded TCP flows',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const n = ctx.size;
    const fam = contextFamily(h, 'hubble_tcp_flags_total', 'TCP flag occurrences', 'counter', [
      'flag',
      'family',
    ]);
    const fill: LabelFill<string> = (out, flow, level, flag) => {
      ctx.fill(out, 0, flow, level);
      out[n] = flag;
      out[n + 1] = ipVersionName(flow);
    };
    const FLAGS = ['FIN', 'SYN', 'SYN-ACK', 'RST'];
    const inc = (flow: Flow, facts: FlowFacts, k1: number, flag: number) => {
      // (flag, IP version) as a small integer; unusual versions fall back to text.
      const v = facts.ipVersion();
      const k2 = v > 0 ? flag + (v - 1) * 4 : `${flag}|${flow.IP?.ipVersion}`;
      fam.add(k1, k2, fill, flow, FLAGS[flag]!, 1);
    };
    return {
      observe(flow, facts) {
        if (!facts.forwarded) return;
        const flags = facts.tcpFlags();
        if (flags === 0 || facts.ipVersion() === 0) return;
        if ((flags & (TCP_FIN | TCP_SYN | TCP_RST)) === 0) return;
        const k1 = ctx.keyOf(facts);
        if ((flags & TCP_FIN) !== 0) inc(flow, facts, k1, 0);
        if ((flags & TCP_SYN) !== 0) inc(flow, facts, k1, (flags & TCP_ACK) !== 0 ? 2 : 1);
        if ((flags & TCP_RST) !== 0) inc(flow, facts, k1, 3);
      },
    };
  },
};
