/** `flow`: hubble_flows_processed_total{protocol, type, subtype, verdict} for every flow. */
import type { Flow } from '../../../flow/index.js';
import { EVENT, PROTOCOLS, TRACE_POINTS, protocolIndex, verdictName } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';

const L7_SUBTYPES = ['DNS', 'HTTP', 'Kafka', ''];

/**
 * A small integer for the (`type`, `subtype`) pair: 0–3 L7 (DNS, HTTP, Kafka, none), 4 Drop,
 * 5 Capture, 6 PolicyVerdict, 7–20 Trace by observation point, 21 Trace with an unknown
 * point, 100 + t for other event types t < 1000, -1 beyond.
 */
export function typeCode(flow: Flow): number {
  const et = flow.event_type;
  const t = et?.type ?? 0;
  switch (t) {
    case EVENT.L7: {
      const l7 = flow.l7;
      return l7 === undefined
        ? 3
        : l7.dns !== undefined
          ? 0
          : l7.http !== undefined
            ? 1
            : l7.kafka !== undefined
              ? 2
              : 3;
    }
    case EVENT.Drop:
      return 4;
    case EVENT.Capture:
      return 5;
    case EVENT.PolicyVerdict:
      return 6;
    case EVENT.Trace: {
      const sub = et?.sub_type ?? 0;
      return sub >= 0 && sub < TRACE_POINTS.length ? 7 + sub : 21;
    }
    default:
      return t >= 0 && t < 1000 ? 100 + t : -1;
  }
}

/** Hubble's `type` label. */
export function flowTypeName(flow: Flow): string {
  const c = typeCode(flow);
  if (c < 0 || c >= 100) return 'Unknown';
  return c <= 3 ? 'L7' : c === 4 ? 'Drop' : c === 5 ? 'Capture' : c === 6 ? 'PolicyVerdict' : 'Trace';
}

/** Hubble's `subtype` label. */
export function flowSubtype(flow: Flow): string {
  const c = typeCode(flow);
  if (c < 0 || c >= 100) return String(flow.event_type?.type ?? 0);
  if (c <= 3) return L7_SUBTYPES[c]!;
  if (c >= 7 && c <= 20) return TRACE_POINTS[c - 7]!;
  return '';
}

/** The `flow` handler plugin. */
export const flowPlugin: MetricPlugin = {
  name: 'flow',
  help: 'hubble_flows_processed_total{protocol,type,subtype,verdict} (counter) for every flow',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const fam = contextFamily(
      h,
      'hubble_flows_processed_total',
      'Total number of flows processed',
      'counter',
      ['protocol', 'type', 'subtype', 'verdict'],
    );
    const n = ctx.size;
    const fill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      out[n] = PROTOCOLS[protocolIndex(flow)]!;
      out[n + 1] = flowTypeName(flow);
      out[n + 2] = flowSubtype(flow);
      out[n + 3] = verdictName(flow);
    };
    return {
      observe(flow, facts) {
        const tc = facts.typeCode;
        const vc = facts.verdict;
        // (type, protocol, verdict) as one small integer; unusual values fall back to text.
        const k2 =
          tc >= 0 && vc >= 0
            ? (tc * 16 + facts.protocol) * 1024 + vc
            : `${flowTypeName(flow)}|${flowSubtype(flow)}|${verdictName(flow)}|${facts.protocol}`;
        fam.add(ctx.keyOf(facts), k2, fill, flow, undefined, 1);
      },
    };
  },
};
