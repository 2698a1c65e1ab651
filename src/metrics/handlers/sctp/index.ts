/** `sctp` (Hubble 1.20-dev): hubble_sctp_chunk_types_total{chunk_type, family}. */
import { ipVersionName, isForwardedOrRedirected } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';

const CHUNK_TYPES = [
  'UNSUPPORTED',
  'INIT',
  'INIT_ACK',
  'SHUTDOWN',
  'SHUTDOWN_ACK',
  'SHUTDOWN_COMPLETE',
  'ABORT',
];

/** The `sctp` handler plugin. */
export const sctpPlugin: MetricPlugin = {
  name: 'sctp',
  help: 'hubble_sctp_chunk_types_total{chunk_type,family} (counter) for forwarded SCTP flows',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const n = ctx.size;
    const fam = contextFamily(h, 'hubble_sctp_chunk_types_total', 'SCTP chunk type occurrences', 'counter', [
      'chunk_type',
      'family',
    ]);
    const fill: LabelFill<string> = (out, flow, level, chunk) => {
      ctx.fill(out, 0, flow, level);
      out[n] = chunk;
      out[n + 1] = ipVersionName(flow);
    };
    return {
      observe(flow) {
        const sctp = flow.l4?.SCTP;
        if (sctp === undefined || !isForwardedOrRedirected(flow)) return;
        const c = sctp.chunk_type;
        const chunk =
          c === undefined ? 'UNSUPPORTED' : typeof c === 'number' ? (CHUNK_TYPES[c] ?? String(c)) : c;
        if (chunk === 'UNSUPPORTED') return;
        const s = fam.at(fill, flow, chunk);
        if (s === undefined) return;
        s.value += 1;
        if (fam.exemplars) fam.exemplar(s, flow, 1);
      },
    };
  },
};
