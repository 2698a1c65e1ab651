/**
 * Packets on the wire: which trace events one packet produces on its way from sender to
 * receiver, and the drop/policy-verdict events of a first packet that does not get through.
 *
 * Observation points (native routing, Cilium's default monitor aggregation): a packet between
 * two pods of one node is traced once, `to-endpoint` on that node; between nodes it is traced
 * `to-stack` (or `to-overlay` when tunnelling) on the sender's node and `to-endpoint` on the
 * receiver's. Packets to the world are traced leaving, packets from the world arriving.
 */
import type { Conn, FlagSet } from './flow-factory.js';
import type { RunContext } from './run-context.js';

/** Sends one packet at `tNs`; emits its trace events and returns its arrival time. */
export function send(
  ctx: RunContext,
  tNs: number,
  conn: Conn,
  reply: boolean,
  flags: FlagSet | undefined,
  oneWayNs: number,
): number {
  const snd = reply ? conn.server : conn.client;
  const rcv = reply ? conn.client : conn.server;
  const sNode = snd.pod?.node;
  const rNode = rcv.pod?.node;
  const f = ctx.factory;
  if (sNode && sNode === rNode) {
    const t = tNs + oneWayNs;
    ctx.emit(t, f.trace(t, sNode, conn, reply, flags, 'TO_ENDPOINT', false));
    return t;
  }
  if (sNode)
    ctx.emit(
      tNs,
      f.trace(
        tNs,
        sNode,
        conn,
        reply,
        flags,
        ctx.topo.scenario.cluster.routing === 'tunnel' && rNode ? 'TO_OVERLAY' : 'TO_STACK',
        true,
      ),
    );
  const t = tNs + oneWayNs;
  if (rNode) ctx.emit(t, f.trace(t, rNode, conn, reply, flags, 'TO_ENDPOINT', false));
  return t;
}

/** One-way latency of a connection's packets, drawn once per connection. */
export function oneWayLatency(ctx: RunContext, conn: Conn): number {
  const a = conn.client.pod?.node;
  const b = conn.server.pod?.node;
  if (a && a === b) return ctx.us(8, 40);
  if (a && b) return ctx.us(90, 450);
  return ctx.us(2000, 25000);
}

/** Why a connection's first packet is dropped, decided before any of its packets is shown. */
export type FirstPacketFate =
  | { dropped: false; egressVerdict?: number; ingressVerdict?: number }
  | { dropped: true; code: number; atSender: boolean; verdict?: 'EGRESS' | 'INGRESS' };

/**
 * Emits the events of a connection attempt whose first packet is dropped: for a policy denial
 * the policy-verdict event and the drop, for other reasons the drop, repeated for each
 * retransmission (`retries` after 1 s, 2 s, … as the TCP RTO doubles). A dropped connection shows
 * no forwarded event at all. Returns when the client gives up.
 */
export function emitDropped(
  ctx: RunContext,
  tNs: number,
  conn: Conn,
  flags: FlagSet | undefined,
  fate: Extract<FirstPacketFate, { dropped: true }>,
  retries: number,
): number {
  const node = fate.atSender
    ? (conn.client.pod ?? conn.server.pod)!.node
    : (conn.server.pod ?? conn.client.pod)!.node;
  let t = tNs;
  let rto = 1e9;
  const lat = fate.atSender ? 0 : oneWayLatency(ctx, conn);
  for (let i = 0; i <= retries; i++) {
    const at = t + lat;
    if (fate.verdict) ctx.emit(at, ctx.factory.verdict(at, node, conn, flags, fate.verdict, false, 0));
    ctx.emit(at, ctx.factory.drop(at, node, conn, false, flags, fate.code, fate.atSender));
    if (i < retries) {
      t += rto;
      rto *= 2;
    }
  }
  return t;
}
