/**
 * `flows-to-world`: hubble_flows_to_world_total{protocol, verdict[, port]} for flows whose
 * destination is reserved:world. Options `any-drop`, `port`, `syn-only`.
 */
import { dropReasonName, flowProtocol, isDropped, verdictName } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { Flow } from '../../../flow/index.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';

const WORLD = ['reserved:world', 'reserved:world-ipv4', 'reserved:world-ipv6'];

function toWorld(flow: Flow): boolean {
  const labels = flow.destination?.labels;
  if (labels === undefined) return false;
  for (const l of labels) if (WORLD.includes(l)) return true;
  return false;
}

/** The `flows-to-world` handler plugin. */
export const flowsToWorldPlugin: MetricPlugin = {
  name: 'flows-to-world',
  help: 'hubble_flows_to_world_total{protocol,verdict[,port]} (counter) for flows to reserved:world',
  options: {
    'any-drop': 'count all drops, not only policy drops',
    port: 'add the label port (destination port)',
    'syn-only': 'count only TCP SYN packets (connection attempts)',
  },
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const n = ctx.size;
    const anyDrop = h.options.has('any-drop');
    const withPort = h.options.has('port');
    const synOnly = h.options.has('syn-only');
    const fam = contextFamily(
      h,
      'hubble_flows_to_world_total',
      'Total number of flows to reserved:world',
      'counter',
      ['protocol', 'verdict', ...(withPort ? ['port'] : [])],
    );
    const fill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      out[n] = flowProtocol(flow);
      out[n + 1] = verdictName(flow);
      if (withPort) {
        const l4 = flow.l4;
        const p = l4?.TCP ?? l4?.UDP ?? l4?.SCTP;
        out[n + 2] = p ? String(p.destination_port ?? 0) : '';
      }
    };
    return {
      observe(flow, facts) {
        if (!toWorld(flow) || flow.event_type === undefined || flow.l4 === undefined) return;
        if (isDropped(flow)) {
          if (!anyDrop && dropReasonName(flow) !== 'POLICY_DENIED') return;
        } else if (flow.is_reply === true) return;
        if (synOnly && (flow.l4.TCP?.flags?.SYN !== true || flow.is_reply === true)) return;
        const l4 = flow.l4;
        const port = withPort ? ((l4.TCP ?? l4.UDP ?? l4.SCTP)?.destination_port ?? -1) : 0;
        fam.add(ctx.keyOf(facts), `${facts.protocol}|${verdictName(flow)}|${port}`, fill, flow, undefined, 1);
      },
    };
  },
};
