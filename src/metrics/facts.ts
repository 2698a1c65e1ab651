/**
 * FlowFacts: the flow fields most handlers branch on, read once per flow by the pipeline and
 * handed to every handler in a fixed-shape object.
 *
 * Why: decoded flows come in many shapes (fields are present or absent), so a property read on
 * a flow is a megamorphic lookup. Reading verdict, type, protocol and direction once instead of
 * once per handler saves several of them per flow (bench/metrics.ts).
 */
import type { Flow, Layer4, Layer7 } from '../flow/index.js';
import { protocolIndex, verdictCode } from './flow-fields.js';

/** Facts about the flow being observed. One instance is reused for every flow of a pipeline. */
export class FlowFacts {
  /** The flow itself. */
  flow: Flow = {};
  /** {@link verdictCode}: enum number, 8 + n for unnamed numbers, -1 for unknown names. */
  verdict = 0;
  /** Verdict DROPPED. */
  dropped = false;
  /** Verdict FORWARDED or REDIRECTED. */
  forwarded = false;
  /** `event_type.type` (0 when absent). */
  eventType = 0;
  /** Index in PROTOCOLS (see {@link protocolIndex}). */
  protocol = 0;
  /** 0 unknown, 1 ingress, 2 egress. */
  direction = 0;
  /** `is_reply`: -1 absent, 0 false, 1 true. */
  reply = -1;
  /** `l4`, `l7` (undefined when absent). */
  l4: Layer4 | undefined = undefined;
  l7: Layer7 | undefined = undefined;

  /** Loads the facts of a flow; returns this. */
  set(flow: Flow): this {
    this.flow = flow;
    const v = verdictCode(flow);
    this.verdict = v;
    this.dropped = v === 2;
    this.forwarded = v === 1 || v === 5;
    this.eventType = flow.event_type?.type ?? 0;
    this.protocol = protocolIndex(flow);
    const d = flow.traffic_direction;
    this.direction = d === 'INGRESS' || d === 1 ? 1 : d === 'EGRESS' || d === 2 ? 2 : 0;
    const r = flow.is_reply;
    this.reply = r === undefined ? -1 : r ? 1 : 0;
    this.l4 = flow.l4;
    this.l7 = flow.l7;
    return this;
  }
}

/** Facts of one flow, for tests and one-off callers. */
export function factsOf(flow: Flow): FlowFacts {
  return new FlowFacts().set(flow);
}
