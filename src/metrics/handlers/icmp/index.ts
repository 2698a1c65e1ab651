/** `icmp`: hubble_icmp_total{family, type} for every ICMP flow. */
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';
import { icmpTypeCode } from './type-code.js';

/** The `icmp` handler plugin. */
export const icmpPlugin: MetricPlugin = {
  name: 'icmp',
  help: 'hubble_icmp_total{family,type} (counter) for ICMPv4/ICMPv6 flows',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const n = ctx.size;
    const fam = contextFamily(h, 'hubble_icmp_total', 'Number of ICMP messages', 'counter', [
      'family',
      'type',
    ]);
    const fill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      const l4 = flow.l4!;
      const v6 = l4.ICMPv4 === undefined;
      const m = (v6 ? l4.ICMPv6 : l4.ICMPv4)!;
      out[n] = v6 ? 'IPv6' : 'IPv4';
      out[n + 1] = icmpTypeCode(v6, m.type ?? 0, m.code ?? 0);
    };
    return {
      observe(flow, facts) {
        const l4 = facts.l4;
        if (l4 === undefined || (l4.ICMPv4 === undefined && l4.ICMPv6 === undefined)) return;
        const m = (l4.ICMPv4 ?? l4.ICMPv6)!;
        const v6 = l4.ICMPv4 === undefined;
        const type = m.type ?? 0;
        const code = m.code ?? 0;
        // (version, type, code) as one small integer while type and code fit a byte, else text.
        const k2 =
          Number.isInteger(type) &&
          Number.isInteger(code) &&
          type >= 0 &&
          type < 256 &&
          code >= 0 &&
          code < 256
            ? (v6 ? 65536 : 0) + type * 256 + code
            : `${v6 ? 6 : 4}|${type}|${code}`;
        fam.add(ctx.keyOf(facts), k2, fill, flow, undefined, 1);
      },
    };
  },
};
