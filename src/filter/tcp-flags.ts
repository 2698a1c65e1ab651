/**
 * `tcp_flags`: an element matches when every flag set in it is also set on the flow's TCP
 * flags (the flow may have more); elements are ORed. Flows without TCP flags never match.
 */
import type { TCPFlags } from '../flow/types.js';
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';

/** The set flags as a bit mask (written out: this runs once per flow). */
function mask(f: TCPFlags): number {
  return (
    (f.FIN ? 1 : 0) |
    (f.SYN ? 2 : 0) |
    (f.RST ? 4 : 0) |
    (f.PSH ? 8 : 0) |
    (f.ACK ? 16 : 0) |
    (f.URG ? 32 : 0) |
    (f.ECE ? 64 : 0) |
    (f.CWR ? 128 : 0) |
    (f.NS ? 256 : 0)
  );
}

/** Builder for `tcp_flags`. */
export const tcpFlagsBuilder: FilterBuilder = {
  name: 'tcp-flags',
  help: 'tcp_flags: sets of TCP flags that must all be present',
  build(filter) {
    if (!isSet(filter.tcp_flags)) return [];
    const wanted = filter.tcp_flags.map(mask);
    return [
      {
        field: 'tcp_flags',
        match: (f) => {
          const flags = f.l4?.TCP?.flags;
          if (flags === undefined) return false;
          const have = mask(flags);
          for (const w of wanted) if ((have & w) === w) return true;
          return false;
        },
      },
    ];
  },
};
