/**
 * FlowFacts: the compact per-flow record of the pipeline. The flow fields most handlers branch
 * on are read once per flow and handed to every handler in a fixed-shape object; fields only
 * some handlers need (TCP flags, the IP version) are read on first use and kept for the flow.
 *
 * Why: decoded flows come in many shapes (fields are present or absent), so a property read on
 * a flow is a megamorphic lookup, and the first read of each part of a flow is a cache miss.
 * Reading verdict, type, protocol, direction, the L7 record and the TCP flags once instead of
 * once per handler saves several of each per flow (bench/metrics.ts).
 */
import type { DNS, Endpoint, Flow, HTTP, Layer4, Layer7 } from '../flow/index.js';
import { EVENT, TRACE_POINTS, verdictCode } from './flow-fields.js';

/** Every record gets a new number per flow, so that memos keyed by it never outlive the flow. */
let nextSeq = 1;

/** Bits of {@link FlowFacts.tcpFlags}. */
export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_ACK = 4;
export const TCP_RST = 8;
/** Set in {@link FlowFacts.tcpFlags} when the flow has a TCP `flags` object (even an empty one). */
export const TCP_HAS_FLAGS = 16;

/** Facts about the flow being observed. One instance is reused for every flow of a pipeline. */
export class FlowFacts {
  /** The flow itself. */
  flow: Flow = {};
  /** Number of this flow's observation: different for every call of {@link set}, in any instance. */
  seq = 0;
  /** {@link verdictCode}: enum number, 8 + n for unnamed numbers, -1 for unknown names. */
  verdict = 0;
  /** Verdict DROPPED. */
  dropped = false;
  /** Verdict FORWARDED or REDIRECTED. */
  forwarded = false;
  /** `event_type.type` (0 when absent). */
  eventType = 0;
  /**
   * The `flow` handler's (`type`, `subtype`) code: 0–3 L7 (DNS, HTTP, Kafka, none), 4 Drop,
   * 5 Capture, 6 PolicyVerdict, 7–20 Trace by observation point, 21 Trace with an unknown
   * point, 100 + t for other event types t < 1000, -1 beyond.
   */
  typeCode = 0;
  /** Index in PROTOCOLS (see {@link protocolIndex}). */
  protocol = 0;
  /** 0 unknown, 1 ingress, 2 egress. */
  direction = 0;
  /** `is_reply`: -1 absent, 0 false, 1 true. */
  reply = -1;
  /** `l4`, `l7` (undefined when absent). */
  l4: Layer4 | undefined = undefined;
  l7: Layer7 | undefined = undefined;
  /** `l7.dns`, `l7.http` (undefined when absent, whatever the event type). */
  dns: DNS | undefined = undefined;
  http: HTTP | undefined = undefined;
  /** `l7.type`: 1 REQUEST, 2 RESPONSE, 0 anything else (or no L7 record). */
  l7Type = 0;
  /**
   * `source` and `destination` (undefined when absent), read here once for the context keys of
   * every handler: decoded flows come in many shapes, so each read of a flow property is a
   * megamorphic lookup, where a read of this record is not.
   */
  source: Endpoint | undefined = undefined;
  destination: Endpoint | undefined = undefined;
  private flagsSeq = 0;
  private flagBits = 0;
  private ipvSeq = 0;
  private ipv = 0;

  /** Loads the facts of a flow; returns this. */
  set(flow: Flow): this {
    this.flow = flow;
    this.seq = nextSeq++;
    const vt = flow.verdict;
    // The usual names first (JSON.parse interns short strings, so these compare by pointer).
    const v = vt === 'FORWARDED' ? 1 : vt === 'DROPPED' ? 2 : verdictCode(flow);
    this.verdict = v;
    this.dropped = v === 2;
    this.forwarded = v === 1 || v === 5;
    const et = flow.event_type;
    const t = et === undefined ? 0 : (et.type ?? 0);
    this.eventType = t;
    const l4 = flow.l4;
    const l7 = flow.l7;
    this.l4 = l4;
    this.l7 = l7;
    let dns: DNS | undefined;
    let http: HTTP | undefined;
    let l7Type = 0;
    if (l7 !== undefined) {
      dns = l7.dns;
      http = l7.http;
      const lt = l7.type;
      l7Type = lt === 'RESPONSE' || lt === 2 ? 2 : lt === 'REQUEST' || lt === 1 ? 1 : 0;
    }
    this.dns = dns;
    this.http = http;
    this.l7Type = l7Type;
    // Protocol (flow-fields.ts protocolIndex) and type code (flow handler) from the same reads.
    let protocol: number;
    let tc: number;
    if (t === EVENT.L7) {
      protocol =
        l7 === undefined
          ? 3
          : dns !== undefined
            ? 0
            : http !== undefined
              ? 1
              : l7.kafka !== undefined
                ? 2
                : 3;
      tc = protocol;
    } else {
      if (t === EVENT.Trace || t === EVENT.Drop || t === EVENT.PolicyVerdict || t === EVENT.Capture) {
        protocol = 11;
        if (l4 !== undefined) {
          if (l4.TCP !== undefined) protocol = 4;
          else if (l4.UDP !== undefined) protocol = 5;
          else if (l4.ICMPv4 !== undefined) protocol = 6;
          else if (l4.ICMPv6 !== undefined) protocol = 7;
          else if (l4.SCTP !== undefined) protocol = 8;
          else if (l4.VRRP !== undefined) protocol = 9;
          else if (l4.IGMP !== undefined) protocol = 10;
        }
      } else protocol = 12;
      if (t === EVENT.Trace) {
        const sub = et!.sub_type ?? 0;
        tc = sub >= 0 && sub < TRACE_POINTS.length ? 7 + sub : 21;
      } else if (t === EVENT.Drop) tc = 4;
      else if (t === EVENT.Capture) tc = 5;
      else if (t === EVENT.PolicyVerdict) tc = 6;
      else tc = t >= 0 && t < 1000 ? 100 + t : -1;
    }
    this.protocol = protocol;
    this.typeCode = tc;
    const d = flow.traffic_direction;
    this.direction = d === 'INGRESS' || d === 1 ? 1 : d === 'EGRESS' || d === 2 ? 2 : 0;
    const r = flow.is_reply;
    this.reply = r === undefined ? -1 : r ? 1 : 0;
    this.source = flow.source;
    this.destination = flow.destination;
    return this;
  }

  /**
   * `l4.TCP.flags` as bits: {@link TCP_FIN}, {@link TCP_SYN}, {@link TCP_ACK}, {@link TCP_RST}
   * (a flag counts when it is `true`), plus {@link TCP_HAS_FLAGS} when the object exists; 0
   * without one. Read on first use.
   */
  tcpFlags(): number {
    if (this.flagsSeq !== this.seq) {
      this.flagsSeq = this.seq;
      const f = this.l4?.TCP?.flags;
      this.flagBits =
        f === undefined
          ? 0
          : TCP_HAS_FLAGS |
            (f.FIN === true ? TCP_FIN : 0) |
            (f.SYN === true ? TCP_SYN : 0) |
            (f.ACK === true ? TCP_ACK : 0) |
            (f.RST === true ? TCP_RST : 0);
    }
    return this.flagBits;
  }

  /**
   * `IP.ipVersion`: 0 without IP record, 1 ipVersion absent, 2 IPv4, 3 IPv6, -1 anything else.
   * Read on first use.
   */
  ipVersion(): number {
    if (this.ipvSeq !== this.seq) {
      this.ipvSeq = this.seq;
      const ip = this.flow.IP;
      if (ip === undefined) this.ipv = 0;
      else {
        const v = ip.ipVersion;
        this.ipv = v === undefined ? 1 : v === 'IPv4' || v === 1 ? 2 : v === 'IPv6' || v === 2 ? 3 : -1;
      }
    }
    return this.ipv;
  }
}

/** Facts of one flow, for tests and one-off callers. */
export function factsOf(flow: Flow): FlowFacts {
  return new FlowFacts().set(flow);
}
