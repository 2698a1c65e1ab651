/** `tcp`: hubble_tcp_flags_total{flag, family}: FIN, SYN or SYN-ACK, RST of forwarded TCP flows. */
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
    const inc = (flow: Parameters<typeof fill>[1], flag: number) => {
      const v = flow.IP?.ipVersion;
      const k2 =
        v === undefined
          ? flag
          : v === 'IPv4' || v === 1
            ? flag + 4
            : v === 'IPv6' || v === 2
              ? flag + 8
              : `${flag}|${v}`;
      const s = fam.atKey(ctx.key(flow), k2, fill, flow, FLAGS[flag]!);
      if (s === undefined) return;
      s.value += 1;
      if (fam.exemplars) fam.exemplar(s, flow, 1);
    };
    return {
      observe(flow, facts) {
        if (!facts.forwarded) return;
        const flags = facts.l4?.TCP?.flags;
        if (flags === undefined || flow.IP === undefined) return;
        if (flags.FIN === true) inc(flow, 0);
        if (flags.SYN === true) inc(flow, flags.ACK === true ? 2 : 1);
        if (flags.RST === true) inc(flow, 3);
      },
    };
  },
};
