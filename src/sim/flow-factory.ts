/**
 * Builds Hubble flow records the way Cilium's parsers fill them: trace events (type 4) at their
 * observation points, drops (type 1, sub_type = drop code), policy verdicts (type 5) and L7
 * proxy records (type 129), with `Type`, `Summary`, `is_reply`/`reply`, `traffic_direction`,
 * endpoints as seen from the capturing node (`ID` only for local endpoints) and the wrapper's
 * `time`/`node_name`.
 *
 * Sub-objects that never change (endpoints, services, flags, event types, MAC pairs) are frozen
 * and shared between flows; treat generated events as immutable.
 */
import type { Endpoint, FlowEvent, IP, Layer7, Service, TCPFlags, Flow } from '../flow/index.js';
import type { SimClock } from './clock.js';
import { drawUuid, uuidText } from './clock.js';
import { ipRecordWithLines } from './fast-encode.js';
import type { Prng } from './prng.js';
import { WORLD_ENDPOINT, type SimNode, type SimPod } from './topology.js';

/** One side of a connection: a pod, or a world address. */
export interface Side {
  pod?: SimPod;
  ip: string;
}

/** A connection's addressing, shared by all its flows. */
export interface Conn {
  client: Side;
  server: Side;
  /** Client (ephemeral) port and server port. */
  cport: number;
  sport: number;
  l4: 'TCP' | 'UDP';
  /** The Service the client went through, if any. */
  svc?: Service;
  /**
   * DNS names the client resolved for the server's address (from the DNS proxy's FQDN cache),
   * reported as `destination_names` (`source_names` on replies). Frozen.
   */
  names?: string[];
  /** Frozen IP records of both directions (FlowFactory.ip). */
  fwdIP: IP;
  revIP: IP;
  /** The connection's l4 records, filled by the factory. */
  l4Cache?: Map<object, Flow['l4']>;
}

const NO_FLAGS = {};
const REPLY_NO_FLAGS = {};

/** TCP flag combinations with their frozen flags object and Cilium Summary. */
export interface FlagSet {
  flags: TCPFlags;
  summary: string;
  /** Identity of this flag set in the reply direction (a cache key). */
  replyKey: object;
}

const ORDER: Array<keyof TCPFlags> = ['SYN', 'ACK', 'RST', 'FIN', 'PSH', 'URG', 'ECE', 'CWR', 'NS'];
function flagSet(...names: Array<keyof TCPFlags>): FlagSet {
  const flags: TCPFlags = {};
  for (const n of names) flags[n] = true;
  return Object.freeze({
    flags: Object.freeze(flags),
    summary: 'TCP Flags: ' + ORDER.filter((n) => flags[n]).join(', '),
    replyKey: {},
  });
}

/** The TCP flag sets the simulator sends. */
export const TCP = {
  SYN: flagSet('SYN'),
  SYN_ACK: flagSet('SYN', 'ACK'),
  ACK: flagSet('ACK'),
  PSH_ACK: flagSet('PSH', 'ACK'),
  FIN_ACK: flagSet('FIN', 'ACK'),
  RST: flagSet('RST'),
  RST_ACK: flagSet('RST', 'ACK'),
} as const;

/** Trace observation points used by the simulator: [proto name, datapath sub_type]. */
export const POINT = {
  TO_ENDPOINT: ['TO_ENDPOINT', 0],
  TO_STACK: ['TO_STACK', 3],
  TO_OVERLAY: ['TO_OVERLAY', 4],
} as const;
/** A trace observation point key. */
export type PointName = keyof typeof POINT;

const EV_TRACE: Record<PointName, { type: number; sub_type?: number }> = {
  TO_ENDPOINT: Object.freeze({ type: 4 }),
  TO_STACK: Object.freeze({ type: 4, sub_type: 3 }),
  TO_OVERLAY: Object.freeze({ type: 4, sub_type: 4 }),
};
const EV_VERDICT = Object.freeze({ type: 5 });
const EV_L7 = Object.freeze({ type: 129 });
const evDrop = new Map<number, { type: number; sub_type: number }>();

/** Drop reason names of the codes the simulator emits. */
export const DROP_NAMES: Readonly<Record<number, string>> = {
  132: 'INVALID_SOURCE_IP',
  133: 'POLICY_DENIED',
  134: 'INVALID_PACKET_DROPPED',
  135: 'CT_TRUNCATED_OR_INVALID_HEADER',
  139: 'UNSUPPORTED_L3_PROTOCOL',
  140: 'MISSED_TAIL_CALL',
  141: 'ERROR_WRITING_TO_PACKET',
  142: 'UNKNOWN_L4_PROTOCOL',
  150: 'UNKNOWN_L3_TARGET_ADDRESS',
  151: 'STALE_OR_UNROUTABLE_IP',
  155: 'CT_MAP_INSERTION_FAILED',
  158: 'SERVICE_BACKEND_NOT_FOUND',
  160: 'NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT',
  169: 'FIB_LOOKUP_FAILED',
};

/** Cilium's policy_match_type numbers. */
export const MATCH_TYPE: Readonly<Record<string, number>> = {
  none: 0,
  'L3-Only': 1,
  'L3-L4': 2,
  'L4-Only': 3,
  all: 4,
};

const NO_ETH = Object.freeze({ source: '00:00:00:00:00:00', destination: '00:00:00:00:00:00' });

/** `ethernet` of a packet arriving at `rcv` (node → pod) or leaving `snd` (pod → node). */
function ethIn(rcv: Side): { source: string; destination: string } {
  return rcv.pod ? rcv.pod.ethIn : NO_ETH;
}
function ethOut(snd: Side): { source: string; destination: string } {
  return snd.pod ? snd.pod.ethOut : NO_ETH;
}

/**
 * Creates flows for one simulation run. Every flow is built with the same keys in the same
 * order (absent fields are `undefined`, which every encoder skips), so all flows share one
 * hidden class and the code reading them stays monomorphic.
 */
export class FlowFactory {
  /** The run's IP records, by source and destination address. */
  private readonly ips = new Map<string, Map<string, IP>>();

  /**
   * The stamp of the last flow made: the event, the run offset of its time and its UUID words.
   * RunContext keeps them with the flows when asked (RunContext.keepStamps).
   */
  last: FlowEvent | undefined;
  lastNs = 0;
  readonly lastUuid = new Uint32Array(4);
  /**
   * Stamps only: flows get no time or uuid strings (nor the wrapper its time) and their stamps
   * stand for them, written as bytes straight from the numbers (simulateChunks, StampSource).
   */
  stampsOnly = false;

  constructor(
    private readonly clock: SimClock,
    private readonly prng: Prng,
  ) {}

  /**
   * The frozen IPv4 record from `source` to `destination` (dotted quads), one per address pair
   * for the run: every connection between two addresses shares it, and with it the line
   * templates the JSON writer keeps on it (fast-encode.ts).
   */
  ip(source: string, destination: string): IP {
    let bySource = this.ips.get(source);
    if (bySource === undefined) this.ips.set(source, (bySource = new Map()));
    let r = bySource.get(destination);
    if (r === undefined) bySource.set(destination, (r = ipRecordWithLines(source, destination)));
    return r;
  }

  /** The time of a new flow at `tNs`. */
  private time(tNs: number): string | undefined {
    this.lastNs = tNs;
    return this.stampsOnly ? undefined : this.clock.format(tNs);
  }

  /** The uuid of a new flow. */
  private uuid(): string | undefined {
    const u = this.lastUuid;
    drawUuid(this.prng, u);
    return this.stampsOnly ? undefined : uuidText(u[0], u[1], u[2], u[3]);
  }

  /** The endpoint record of a side as seen from `node`. */
  endpoint(side: Side, node: SimNode): Endpoint {
    const p = side.pod;
    if (!p) return WORLD_ENDPOINT;
    return p.node === node ? p.epLocal : p.epRemote;
  }

  /** The connection's (frozen, shared) `l4` record for one direction and flag set. */
  private l4(conn: Conn, reply: boolean, flags?: FlagSet): Flow['l4'] {
    const cache = (conn.l4Cache ??= new Map());
    const key = flags ? (reply ? flags.replyKey : flags.flags) : reply ? REPLY_NO_FLAGS : NO_FLAGS;
    let x = cache.get(key);
    if (x) return x;
    const sp = reply ? conn.sport : conn.cport;
    const dp = reply ? conn.cport : conn.sport;
    if (conn.l4 === 'UDP') x = { UDP: Object.freeze({ source_port: sp, destination_port: dp }) };
    else if (flags) x = { TCP: Object.freeze({ source_port: sp, destination_port: dp, flags: flags.flags }) };
    else x = { TCP: Object.freeze({ source_port: sp, destination_port: dp }) };
    Object.freeze(x);
    cache.set(key, x);
    return x;
  }

  private finish(f: Flow, conn: Conn, reply: boolean, node: SimNode): FlowEvent {
    // The FQDN cache lives on the client's node: only its observations know the names.
    if (conn.names && conn.client.pod?.node === node) {
      if (reply) f.source_names = conn.names;
      else f.destination_names = conn.names;
    }
    if (conn.svc) {
      if (reply) f.source_service = conn.svc;
      else f.destination_service = conn.svc;
    }
    if (reply) f.reply = true;
    return (this.last = { flow: f, node_name: node.flowName, time: f.time });
  }

  /**
   * A trace event of one packet at `point` on `node`. `reporterIsSender`: the endpoint that
   * reports the event is the packet's sender (from-endpoint side) rather than its receiver.
   */
  trace(
    tNs: number,
    node: SimNode,
    conn: Conn,
    reply: boolean,
    flags: FlagSet | undefined,
    point: PointName,
    reporterIsSender: boolean,
  ): FlowEvent {
    const src = reply ? conn.server : conn.client;
    const dst = reply ? conn.client : conn.server;
    const f: Flow = {
      time: this.time(tNs),
      uuid: this.uuid(),
      verdict: 'FORWARDED',
      drop_reason: undefined,
      ethernet: point === 'TO_ENDPOINT' ? ethIn(dst) : ethOut(src),
      IP: reply ? conn.revIP : conn.fwdIP,
      l4: this.l4(conn, reply, flags),
      source: this.endpoint(src, node),
      destination: this.endpoint(dst, node),
      Type: 'L3_L4',
      node_name: node.flowName,
      source_names: undefined,
      destination_names: undefined,
      l7: undefined,
      reply: undefined,
      event_type: EV_TRACE[point],
      source_service: undefined,
      destination_service: undefined,
      traffic_direction: reporterIsSender !== reply ? 'EGRESS' : 'INGRESS',
      policy_match_type: undefined,
      trace_observation_point: POINT[point][0],
      drop_reason_desc: undefined,
      is_reply: reply,
      Summary: flags ? flags.summary : 'UDP',
    };
    return this.finish(f, conn, reply, node);
  }

  /** A drop notification (type 1) of one packet, with reason `code`. */
  drop(
    tNs: number,
    node: SimNode,
    conn: Conn,
    reply: boolean,
    flags: FlagSet | undefined,
    code: number,
    reporterIsSender: boolean,
  ): FlowEvent {
    const src = reply ? conn.server : conn.client;
    const dst = reply ? conn.client : conn.server;
    let ev = evDrop.get(code);
    if (!ev) evDrop.set(code, (ev = Object.freeze({ type: 1, sub_type: code })));
    const f: Flow = {
      time: this.time(tNs),
      uuid: this.uuid(),
      verdict: 'DROPPED',
      drop_reason: code,
      ethernet: reporterIsSender ? ethOut(src) : ethIn(dst),
      IP: reply ? conn.revIP : conn.fwdIP,
      l4: this.l4(conn, reply, flags),
      source: this.endpoint(src, node),
      destination: this.endpoint(dst, node),
      Type: 'L3_L4',
      node_name: node.flowName,
      source_names: undefined,
      destination_names: undefined,
      l7: undefined,
      reply: undefined,
      event_type: ev,
      source_service: undefined,
      destination_service: undefined,
      traffic_direction: reporterIsSender ? 'EGRESS' : 'INGRESS',
      policy_match_type: undefined,
      trace_observation_point: undefined,
      drop_reason_desc: DROP_NAMES[code] ?? code,
      is_reply: undefined,
      Summary: flags ? flags.summary : 'UDP',
    };
    return this.finish(f, conn, reply, node);
  }

  /** A policy-verdict event (type 5) for the first packet of a connection. */
  verdict(
    tNs: number,
    node: SimNode,
    conn: Conn,
    flags: FlagSet | undefined,
    direction: 'EGRESS' | 'INGRESS',
    allowed: boolean,
    matchType: number,
  ): FlowEvent {
    const f: Flow = {
      time: this.time(tNs),
      uuid: this.uuid(),
      verdict: allowed ? 'FORWARDED' : 'DROPPED',
      drop_reason: undefined,
      ethernet: direction === 'EGRESS' ? ethOut(conn.client) : ethIn(conn.server),
      IP: conn.fwdIP,
      l4: this.l4(conn, false, flags),
      source: this.endpoint(conn.client, node),
      destination: this.endpoint(conn.server, node),
      Type: 'L3_L4',
      node_name: node.flowName,
      source_names: undefined,
      destination_names: undefined,
      l7: undefined,
      reply: undefined,
      event_type: EV_VERDICT,
      source_service: undefined,
      destination_service: undefined,
      traffic_direction: direction,
      policy_match_type: undefined,
      trace_observation_point: undefined,
      drop_reason_desc: undefined,
      is_reply: undefined,
      Summary: flags ? flags.summary : 'UDP',
    };
    if (allowed) {
      if (matchType) f.policy_match_type = matchType;
      f.is_reply = false;
    } else {
      f.drop_reason = 133;
      f.drop_reason_desc = 'POLICY_DENIED';
    }
    return this.finish(f, conn, false, node);
  }

  /** An L7 proxy record (type 129): DNS, HTTP or Kafka request/response. */
  l7(
    tNs: number,
    node: SimNode,
    conn: Conn,
    reply: boolean,
    direction: 'EGRESS' | 'INGRESS',
    l7: Layer7,
    summary: string,
  ): FlowEvent {
    const f: Flow = {
      time: this.time(tNs),
      uuid: this.uuid(),
      verdict: 'FORWARDED',
      drop_reason: undefined,
      ethernet: undefined,
      IP: reply ? conn.revIP : conn.fwdIP,
      l4: this.l4(conn, reply),
      source: this.endpoint(reply ? conn.server : conn.client, node),
      destination: this.endpoint(reply ? conn.client : conn.server, node),
      Type: 'L7',
      node_name: node.flowName,
      source_names: undefined,
      destination_names: undefined,
      l7: l7,
      reply: undefined,
      event_type: EV_L7,
      source_service: undefined,
      destination_service: undefined,
      traffic_direction: direction,
      policy_match_type: undefined,
      trace_observation_point: undefined,
      drop_reason_desc: undefined,
      is_reply: reply,
      Summary: summary,
    };
    return this.finish(f, conn, reply, node);
  }
}
