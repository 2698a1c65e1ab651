/**
 * `protocol`: case-insensitive names. L4 names test which `l4` member is set (`icmp` = either
 * ICMP version); L7 names test which `l7` record is set. `vrrp`/`igmp` are v1.19 extensions.
 */
import type { Flow } from '../flow/types.js';
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { anyLine, quotedToken, type LineTest } from './line-test.js';
import { goQuote } from './go-text.js';

type Probe = (f: Flow) => boolean;

/** Known protocol names, the flow test, and the JSON keys a matching line must contain. */
const PROTOCOLS: Record<string, { probe: Probe; keys: string[] }> = {
  tcp: { probe: (f) => f.l4?.TCP !== undefined, keys: ['TCP'] },
  udp: { probe: (f) => f.l4?.UDP !== undefined, keys: ['UDP'] },
  sctp: { probe: (f) => f.l4?.SCTP !== undefined, keys: ['SCTP'] },
  icmp: {
    probe: (f) => f.l4 !== undefined && (f.l4.ICMPv4 !== undefined || f.l4.ICMPv6 !== undefined),
    keys: ['ICMPv4', 'ICMPv6'],
  },
  icmpv4: { probe: (f) => f.l4?.ICMPv4 !== undefined, keys: ['ICMPv4'] },
  icmpv6: { probe: (f) => f.l4?.ICMPv6 !== undefined, keys: ['ICMPv6'] },
  vrrp: { probe: (f) => f.l4?.VRRP !== undefined, keys: ['VRRP'] },
  igmp: { probe: (f) => f.l4?.IGMP !== undefined, keys: ['IGMP'] },
  dns: { probe: (f) => f.l7?.dns !== undefined, keys: ['dns'] },
  http: { probe: (f) => f.l7?.http !== undefined, keys: ['http'] },
  kafka: { probe: (f) => f.l7?.kafka !== undefined, keys: ['kafka'] },
};

/** Builder for `protocol`. */
export const protocolBuilder: FilterBuilder = {
  name: 'protocol',
  help: 'protocol: tcp, udp, sctp, icmp, icmpv4, icmpv6, dns, http, kafka (v1.19: vrrp, igmp)',
  build(filter) {
    if (!isSet(filter.protocol)) return [];
    const probes: Probe[] = [];
    const lineTests: LineTest[] = [];
    const seen = new Set<string>();
    for (const p of filter.protocol) {
      const name = p.toLowerCase();
      const proto = Object.hasOwn(PROTOCOLS, name) ? PROTOCOLS[name] : undefined;
      if (proto === undefined)
        throw new FilterError(`invalid protocol filter: unknown protocol: ${goQuote(p)}`);
      if (seen.has(name)) continue;
      seen.add(name);
      probes.push(proto.probe);
      for (const k of proto.keys) lineTests.push(quotedToken(k));
    }
    const match: Probe =
      probes.length === 1
        ? probes[0]
        : (f) => {
            for (const p of probes) if (p(f)) return true;
            return false;
          };
    return [{ field: 'protocol', match, lineTest: anyLine(lineTests) }];
  },
};
