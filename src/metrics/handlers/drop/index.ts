/** `drop`: hubble_drop_total{reason, protocol} for DROPPED flows. */
import { dropReasonName, flowProtocol } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';

/** The `drop` handler plugin. */
export const dropPlugin: MetricPlugin = {
  name: 'drop',
  help: 'hubble_drop_total{reason,protocol} (counter) for DROPPED flows',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const keys = h.keys;
    const n = ctx.size;
    const drops = contextFamily(h, 'hubble_drop_total', 'Number of drops', 'counter', ['reason', 'protocol']);
    const fill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      out[n] = dropReasonName(flow);
      out[n + 1] = flowProtocol(flow);
    };
    return {
      observe(flow, facts) {
        if (!facts.dropped) return;
        // (reason, protocol): protocol indexes are < 16.
        const k2 = keys.dropReason(flow) * 16 + facts.protocol;
        drops.add(ctx.keyOf(facts), k2, fill, flow, undefined, 1);
      },
    };
  },
};
