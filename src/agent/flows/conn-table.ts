/**
 * The agent's own connection table: which side started a connection (so each packet gets
 * `is_reply`), what was already reported (monitor aggregation), and the per-connection L7
 * parser state. Bounded: idle entries expire, and the oldest are evicted past the limit.
 */
import { IPPROTO_TCP, IPPROTO_UDP, TcpFlag, type Packet } from '../decode/packet.js';
import type { HttpStreamParser } from '../decode/http.js';

/** Application protocol detected on a connection. */
export enum App {
  Unknown = 0,
  None = 1,
  Http = 2,
  Kafka = 3,
  DnsTcp = 4,
}

/** A pending HTTP request waiting for its response. */
export interface PendingHttp {
  ms: number;
  method: string;
  url: string;
  protocol: string;
}

/** A pending Kafka request waiting for its response. */
export interface PendingKafka {
  ms: number;
  apiKey: number;
  apiVersion: number;
  topic?: string;
}

/** One connection, keyed by its initiator's direction. */
export class Conn {
  fwdPackets = 0;
  revPackets = 0;
  /** SYN/FIN/RST bits already reported per direction. */
  fwdFlags = 0;
  revFlags = 0;
  fwdReportedMs = 0;
  revReportedMs = 0;
  closed = false;
  app: App = App.Unknown;
  httpReq?: HttpStreamParser;
  httpRes?: HttpStreamParser;
  httpPending?: PendingHttp[];
  kafkaPending?: Map<number, PendingKafka>;

  constructor(
    readonly key: string,
    readonly proto: number,
    public lastMs: number,
  ) {}
}

/** Options of {@link ConnTable}. */
export interface ConnTableOptions {
  maxConns: number;
  tcpIdleMs: number;
  closedIdleMs: number;
  otherIdleMs: number;
}

export const defaultConnTableOptions: ConnTableOptions = {
  maxConns: 262_144,
  tcpIdleMs: 300_000,
  closedIdleMs: 10_000,
  otherIdleMs: 60_000,
};

/** The key of a packet's own direction. */
export function fwdKey(p: Packet): string {
  return p.ipVersion === 4
    ? `${p.proto}|${p.src4}|${p.sport}|${p.dst4}|${p.dport}`
    : `${p.proto}|${p.src6}|${p.sport}|${p.dst6}|${p.dport}`;
}

/** The key of the opposite direction. */
export function revKey(p: Packet): string {
  return p.ipVersion === 4
    ? `${p.proto}|${p.dst4}|${p.dport}|${p.src4}|${p.sport}`
    : `${p.proto}|${p.dst6}|${p.dport}|${p.src6}|${p.sport}`;
}

/**
 * For a packet of a connection never seen before: is it a reply (its destination started the
 * connection)? TCP flags decide when present (SYN starts, SYN-ACK answers); otherwise the
 * side with the lower, more "well-known" port is taken as the server.
 */
export function startsAsReply(p: Packet): boolean {
  if (p.proto === IPPROTO_TCP) {
    if (p.tcpFlags & TcpFlag.SYN) return (p.tcpFlags & TcpFlag.ACK) !== 0;
  }
  if (p.proto === IPPROTO_TCP || p.proto === IPPROTO_UDP) {
    if (p.sport === p.dport) return false;
    return p.sport < p.dport && p.sport < 32768;
  }
  return false;
}

/** The table. */
export class ConnTable {
  private readonly map = new Map<string, Conn>();
  evicted = 0;
  expired = 0;

  constructor(private readonly o: ConnTableOptions = defaultConnTableOptions) {}

  /**
   * Finds or creates the connection of a packet and tells the packet's direction. A SYN without
   * ACK on a closed or reversed entry starts a new connection (port reuse).
   */
  lookup(p: Packet, ms: number): { conn: Conn; reply: boolean; created: boolean } {
    const fk = fwdKey(p);
    let c = this.map.get(fk);
    let reply = false;
    let rk: string | undefined;
    if (!c) {
      rk = revKey(p);
      c = this.map.get(rk);
      reply = c !== undefined;
    }
    const syn = p.proto === IPPROTO_TCP && (p.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    if (c && syn && (c.closed || reply)) {
      this.map.delete(c.key);
      c = undefined;
    }
    if (c) {
      c.lastMs = ms;
      return { conn: c, reply, created: false };
    }
    reply = startsAsReply(p);
    const key = reply ? (rk ?? revKey(p)) : fk;
    c = new Conn(key, p.proto, ms);
    if (this.map.size >= this.o.maxConns) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) {
        this.map.delete(oldest);
        this.evicted++;
      }
    }
    this.map.set(key, c);
    return { conn: c, reply, created: true };
  }

  /** Removes idle connections; calls `onExpire` for each (to account for pending L7 state). */
  expire(nowMs: number, onExpire?: (c: Conn) => void): void {
    for (const [k, c] of this.map) {
      const idle = c.closed
        ? this.o.closedIdleMs
        : c.proto === IPPROTO_TCP
          ? this.o.tcpIdleMs
          : this.o.otherIdleMs;
      if (nowMs - c.lastMs > idle) {
        this.map.delete(k);
        this.expired++;
        onExpire?.(c);
      }
    }
  }

  get size(): number {
    return this.map.size;
  }
}
